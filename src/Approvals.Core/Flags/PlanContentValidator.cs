using Approvals.Core.Plans;
using FluentValidation;
using FluentValidation.Results;

namespace Approvals.Core.Flags;

/// <summary>
/// The flag rules over a plan's content. Each failure carries the flag code as its error code and the
/// <see cref="Flag"/> itself as custom state; <see cref="PlanFlagger"/> turns results into flags.
/// </summary>
public sealed class PlanContentValidator : AbstractValidator<PlanContent>
{
    public PlanContentValidator()
    {
        RuleFor(c => c).Custom((content, context) =>
        {
            if (!content.Goals.Any())
            {
                context.AddFailure(Failure(new Flag(
                    FlagCodes.PlanWithoutGoals, FlagSeverity.Error, FlagPath.Plan, null,
                    "Planen har ingen resultatmål. Tilføj mindst én målsætning med et resultatmål.",
                    "The plan has no result goals. Add at least one objective with a result goal.")));
            }

            for (var o = 0; o < content.Objectives.Count; o++)
            {
                var goals = content.Objectives[o].Goals;
                for (var g = 0; g < goals.Count; g++)
                {
                    foreach (var flag in GoalFlags(goals[g], o + 1, g + 1, goals.Take(g)))
                    {
                        context.AddFailure(Failure(flag));
                    }
                }
            }
        });
    }

    private static ValidationFailure Failure(Flag flag) => new(flag.Path.ToString(), flag.MessageDa)
    {
        ErrorCode = flag.Code,
        Severity = flag.Severity == FlagSeverity.Error ? Severity.Error : Severity.Warning,
        CustomState = flag,
    };

    private static IEnumerable<Flag> GoalFlags(ResultGoal goal, int objective, int position, IEnumerable<ResultGoal> earlier)
    {
        var path = new FlagPath(objective, position);
        var number = goal.Number.Trim();
        var label = number.Length > 0 ? number : position.ToString(System.Globalization.CultureInfo.InvariantCulture);

        if (number.Length == 0)
        {
            yield return new Flag(FlagCodes.GoalNumberMissing, FlagSeverity.Error, path, null,
                $"Resultatmål nr. {position} i målsætning {objective} har intet nummer. Giv det et nummer.",
                $"Result goal no. {position} in objective {objective} has no number. Give it a number.");
        }
        else if (earlier.Any(e => string.Equals(e.Number.Trim(), number, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new Flag(FlagCodes.GoalNumberDuplicate, FlagSeverity.Error, path, number,
                $"Nummer {number} bruges af flere resultatmål i målsætning {objective}. Giv hvert resultatmål sit eget nummer.",
                $"Number {number} is used by more than one result goal in objective {objective}. Give each goal its own number.");
        }

        if (string.IsNullOrWhiteSpace(goal.Text))
        {
            yield return new Flag(FlagCodes.GoalTextMissing, FlagSeverity.Error, path, number,
                $"Resultatmål {label} har ingen tekst. Skriv, hvad målet er.",
                $"Result goal {label} has no text. Write what the goal is.");
        }

        if (goal.Indicators.Count == 0)
        {
            yield return new Flag(FlagCodes.IndicatorMissing, FlagSeverity.Error, path, number,
                $"Resultatmål {label} har ingen indikator. Tilføj mindst én indikator, der viser, hvordan målet måles (fx en andel, et antal eller en udvikling).",
                $"Result goal {label} has no indicator. Add at least one indicator that shows how the goal is measured (e.g. a share, a count or a trend).");
            yield break;
        }

        if (goal.Indicators.All(i => IndicatorRules.IsPlaceholder(i.Text)))
        {
            var shown = string.Join(", ", goal.Indicators.Select(i => $"\"{i.Text.Trim()}\""));
            yield return new Flag(FlagCodes.IndicatorPlaceholder, FlagSeverity.Error, path, number,
                $"Resultatmål {label} har kun en pladsholder som indikator ({shown}). Erstat den med en rigtig måling.",
                $"Result goal {label} has only a placeholder as indicator ({shown}). Replace it with a real measure.");
            yield break;
        }

        for (var i = 0; i < goal.Indicators.Count; i++)
        {
            var text = goal.Indicators[i].Text.Trim();
            if (!IndicatorRules.IsPlaceholder(text) && !IndicatorRules.IsMeasurable(text))
            {
                yield return new Flag(FlagCodes.IndicatorUnmeasurable, FlagSeverity.Warning, path with { Indicator = i + 1 }, number,
                    $"Indikatoren \"{text}\" til resultatmål {label} nævner hverken tal, andel, antal, sammenligning eller retning. Gør den målbar, fx \"Andelen ... skal stige med 5 procentpoint inden 2027\".",
                    $"The indicator \"{text}\" of result goal {label} names no number, share, count, comparison or direction. Make it measurable, e.g. \"The share ... must rise by 5 percentage points by 2027\".");
            }
        }
    }
}
