using System.Globalization;
using Approvals.Core.Plans;
using FluentValidation;

namespace Approvals.Core.Flags;

/// <summary>
/// The flag rules over a plan's content. Each failure carries its flag code as error code and the
/// <see cref="Flag"/> itself (path, goal number, Danish and English text) as custom state;
/// <see cref="PlanFlagger"/> turns results into flags. Content that breaks these rules is still saved:
/// flags tell the secretary what to finish, they do not refuse the save.
/// </summary>
public sealed class PlanContentValidator : AbstractValidator<PlanContent>
{
    public PlanContentValidator()
    {
        RuleFor(c => c.Objectives)
            .Must(objectives => objectives.Any(o => o.Goals.Count > 0))
            .Raises(FlagCodes.PlanWithoutGoals, FlagSeverity.Error, (_, _) => new(FlagPath.Plan, null,
                "Planen har ingen resultatmål. Tilføj mindst én målsætning med et resultatmål.",
                "The plan has no result goals. Add at least one objective with a result goal."));

        RuleForEach(c => GoalInPlan.All(c))
            .SetValidator(new ResultGoalValidator())
            .OverridePropertyName("goals");
    }
}

/// <summary>The rules for one result goal and its indicators.</summary>
public sealed class ResultGoalValidator : AbstractValidator<GoalInPlan>
{
    public ResultGoalValidator()
    {
        RuleFor(g => g.Number)
            .Must(number => !TextRules.IsBlank(number))
            .Raises(FlagCodes.GoalNumberMissing, FlagSeverity.Error, (g, _) => new(g.Path, null,
                $"Resultatmål nr. {g.Position} i målsætning {g.Objective} har intet nummer. Giv det et nummer.",
                $"Result goal no. {g.Position} in objective {g.Objective} has no number. Give it a number."));

        RuleFor(g => g.Number)
            .Must((g, _) => !g.RepeatsAnEarlierNumber)
            .Raises(FlagCodes.GoalNumberDuplicate, FlagSeverity.Error, (g, number) => new(g.Path, number,
                $"Nummer {number} bruges af flere resultatmål i målsætning {g.Objective}. Giv hvert resultatmål sit eget nummer.",
                $"Number {number} is used by more than one result goal in objective {g.Objective}. Give each goal its own number."));

        RuleFor(g => g.Goal.Text)
            .Must(text => !TextRules.IsBlank(text))
            .Raises(FlagCodes.GoalTextMissing, FlagSeverity.Error, (g, _) => new(g.Path, g.Number,
                $"Resultatmål {g.Label} har ingen tekst. Skriv, hvad målet er.",
                $"Result goal {g.Label} has no text. Write what the goal is."));

        RuleFor(g => g.Goal.Indicators)
            .NotEmpty()
            .Raises(FlagCodes.IndicatorMissing, FlagSeverity.Error, (g, _) => new(g.Path, g.Number,
                $"Resultatmål {g.Label} har ingen indikator. Tilføj mindst én indikator, der viser, hvordan målet måles (fx en andel, et antal eller en udvikling).",
                $"Result goal {g.Label} has no indicator. Add at least one indicator that shows how the goal is measured (e.g. a share, a count or a trend)."));

        // One real indicator is enough to measure a goal: a stray placeholder beside it is not a gap.
        RuleFor(g => g.Goal.Indicators)
            .Must(indicators => !indicators.All(i => IndicatorRules.IsPlaceholder(i.Text)))
            .When(g => g.Goal.Indicators.Count > 0)
            .Raises(FlagCodes.IndicatorPlaceholder, FlagSeverity.Error, (g, indicators) => indicators.Count == 1
                ? new(g.Path, g.Number,
                    $"Resultatmål {g.Label} har kun en pladsholder som indikator ({Quoted(indicators)}). Erstat den med en rigtig måling.",
                    $"Result goal {g.Label} has only a placeholder as indicator ({Quoted(indicators)}). Replace it with a real measure.")
                : new(g.Path, g.Number,
                    $"Resultatmål {g.Label} har kun pladsholdere som indikatorer ({Quoted(indicators)}). Erstat dem med en rigtig måling.",
                    $"Result goal {g.Label} has only placeholders as indicators ({Quoted(indicators)}). Replace them with a real measure."));

        RuleForEach(g => g.RealIndicators)
            .Must(i => IndicatorRules.IsMeasurable(i.Text))
            .OverridePropertyName("indicators")
            .Raises(FlagCodes.IndicatorUnmeasurable, FlagSeverity.Warning, (g, i) => new(g.Path with { Indicator = i.Position }, g.Number,
                $"Indikatoren \"{i.Text}\" til resultatmål {g.Label} nævner hverken tal, andel, antal, sammenligning eller retning. Gør den målbar, fx \"Andelen ... skal stige med 5 procentpoint inden 2027\".",
                $"The indicator \"{i.Text}\" of result goal {g.Label} names no number, share, count, comparison or direction. Make it measurable, e.g. \"The share ... must rise by 5 percentage points by 2027\"."));
    }

    private static string Quoted(IEnumerable<Indicator> indicators) =>
        string.Join(", ", indicators.Select(i => $"\"{i.Text.Trim()}\""));
}

/// <summary>
/// A result goal with where it stands: its 1-based objective and position, and the goals written before it
/// in the same objective, so goal rules can name their path and see duplicate numbers.
/// </summary>
public sealed record GoalInPlan(int Objective, int Position, ResultGoal Goal, IReadOnlyList<ResultGoal> Siblings)
{
    public string Number => TextRules.Clean(Goal.Number);

    /// <summary>How messages name the goal: its number, or its position when it has none.</summary>
    public string Label => Number.Length > 0 ? Number : Position.ToString(CultureInfo.InvariantCulture);

    public FlagPath Path => new(Objective, Position);

    public bool RepeatsAnEarlierNumber =>
        Number.Length > 0 &&
        Siblings.Take(Position - 1).Any(e => string.Equals(TextRules.Clean(e.Number), Number, StringComparison.OrdinalIgnoreCase));

    /// <summary>The indicators that are not placeholders, with their 1-based positions in the goal.</summary>
    public IEnumerable<IndicatorInGoal> RealIndicators => Goal.Indicators
        .Select((indicator, index) => new IndicatorInGoal(index + 1, indicator.Text.Trim()))
        .Where(i => !IndicatorRules.IsPlaceholder(i.Text));

    public static IEnumerable<GoalInPlan> All(PlanContent content) =>
        content.Objectives.SelectMany((objective, o) =>
            objective.Goals.Select((goal, g) => new GoalInPlan(o + 1, g + 1, goal, objective.Goals)));
}

public sealed record IndicatorInGoal(int Position, string Text);

/// <summary>Where a flag points and what it says, before its code and severity are attached.</summary>
public sealed record FlagText(FlagPath Path, string? GoalNumber, string Danish, string English);

internal static class FlagRuleExtensions
{
    /// <summary>
    /// Makes a failing rule raise a flag: the failure gets the flag's code, severity and Danish message, and
    /// carries the whole <see cref="Flag"/> as custom state.
    /// </summary>
    public static IRuleBuilderOptions<T, TProperty> Raises<T, TProperty>(
        this IRuleBuilderOptions<T, TProperty> rule, string code, FlagSeverity severity, Func<T, TProperty, FlagText> text)
    {
        Flag FlagFor(T instance, TProperty value)
        {
            var t = text(instance, value);
            return new Flag(code, severity, t.Path, string.IsNullOrEmpty(t.GoalNumber) ? null : t.GoalNumber, t.Danish, t.English);
        }

        return rule
            .WithErrorCode(code)
            .WithSeverity(severity == FlagSeverity.Error ? Severity.Error : Severity.Warning)
            .WithState(FlagFor)
            .WithMessage((instance, value) => FlagFor(instance, value).MessageDa);
    }
}
