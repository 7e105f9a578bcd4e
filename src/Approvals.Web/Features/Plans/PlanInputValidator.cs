using Approvals.Core.Plans;
using Approvals.Web.Infrastructure;
using FluentValidation;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// What the API refuses outright (400). Content that is merely incomplete, such as a goal without an
/// indicator, is accepted and flagged instead, so a secretary can save work in progress. The edit page runs
/// this validator on its form too, so the API and the page accept exactly the same plans (<see cref="PlanLimits"/>).
/// </summary>
internal sealed class PlanInputValidator : AbstractValidator<PlanInput>
{
    public const string PlanTooLargeCode = "PlanTooLarge";

    private static readonly string IdMessage =
        $"An id is 1 to {ContentIds.MaxLength} characters: lower-case letters, digits and dashes, as GET returned it. Leave it out for a new item.";

    public PlanInputValidator()
    {
        RuleFor(p => p.Committee)
            .Cascade(CascadeMode.Stop)
            .NotBlank().WithMessage($"Name the committee the plan belongs to: one of {Committee.ValidCodes}.")
            .Must(c => Committee.Find(c) is not null)
            .WithMessage(p => $"'{p.Committee}' is not a committee. Use one of {Committee.ValidCodes}.");

        RuleFor(p => p.Title)
            .NotBlank().WithMessage("Give the plan a title (visible text: white space and invisible characters alone do not count).")
            .MaximumLength(PlanLimits.MaxTitleLength).WithMessage($"The title may be at most {PlanLimits.MaxTitleLength} characters.");

        RuleFor(p => p.Objectives)
            .NotNull().WithMessage("Send the plan's objectives as a list (it may be empty while you start).")
            .Must(o => o!.Count <= PlanLimits.MaxObjectives).When(p => p.Objectives is not null, ApplyConditionTo.CurrentValidator)
            .WithMessage($"A plan may have at most {PlanLimits.MaxObjectives} objectives.");

        RuleFor(p => p.Objectives)
            .Must(o => PlanLimits.FieldsOf(o!) <= PlanLimits.MaxFields).When(p => p.Objectives is not null)
            .WithErrorCode(PlanTooLargeCode)
            .WithState(p => new PlanSizeExceeded(PlanSizeExceeded.Fields, PlanLimits.FieldsOf(p.Objectives!), PlanLimits.MaxFields))
            .WithMessage(p => $"The plan has {PlanLimits.FieldsOf(p.Objectives!)} fields (objective titles, goal numbers, goal texts, indicators and activities); " +
                $"a plan may have at most {PlanLimits.MaxFields}. Split it into several plans.")
            .Must(o => PlanLimits.CharactersOf(o!) <= PlanLimits.MaxCharacters).When(p => p.Objectives is not null)
            .WithErrorCode(PlanTooLargeCode)
            .WithState(p => new PlanSizeExceeded(PlanSizeExceeded.Characters, PlanLimits.CharactersOf(p.Objectives!), PlanLimits.MaxCharacters))
            .WithMessage(p => $"The plan's texts add up to {PlanLimits.CharactersOf(p.Objectives!)} characters; " +
                $"a plan may hold at most {PlanLimits.MaxCharacters}. Shorten its texts or split it into several plans.");

        RuleForEach(p => p.Objectives).NotNull().WithMessage("An objective may not be null.").ChildRules(objective =>
        {
            objective.RuleFor(o => o.Id).Must(ContentIds.IsWellFormed).When(o => !ContentIds.IsMissing(o.Id)).WithMessage(IdMessage);
            objective.RuleFor(o => o.Title).MaximumLength(PlanLimits.MaxObjectiveTitleLength)
                .WithMessage($"An objective's title may be at most {PlanLimits.MaxObjectiveTitleLength} characters.");
            objective.RuleFor(o => o.Goals)
                .NotNull().WithMessage("Send the objective's goals as a list.")
                .Must(g => g!.Count <= PlanLimits.MaxGoalsPerObjective).When(o => o.Goals is not null, ApplyConditionTo.CurrentValidator)
                .WithMessage($"An objective may have at most {PlanLimits.MaxGoalsPerObjective} goals.");
            objective.RuleForEach(o => o.Goals).NotNull().WithMessage("A goal may not be null.").ChildRules(goal =>
            {
                goal.RuleFor(g => g.Id).Must(ContentIds.IsWellFormed).When(g => !ContentIds.IsMissing(g.Id)).WithMessage(IdMessage);
                goal.RuleFor(g => g.Number).MaximumLength(PlanLimits.MaxGoalNumberLength)
                    .WithMessage($"A goal number may be at most {PlanLimits.MaxGoalNumberLength} characters.");
                goal.RuleFor(g => g.Text).MaximumLength(PlanLimits.MaxGoalTextLength)
                    .WithMessage($"A goal's text may be at most {PlanLimits.MaxGoalTextLength} characters.");
                goal.RuleFor(g => g.Indicators).Must(i => i is null || i.Count <= PlanLimits.MaxItemsPerGoal)
                    .WithMessage($"A goal may have at most {PlanLimits.MaxItemsPerGoal} indicators.");
                goal.RuleFor(g => g.Activities).Must(a => a is null || a.Count <= PlanLimits.MaxItemsPerGoal)
                    .WithMessage($"A goal may have at most {PlanLimits.MaxItemsPerGoal} activities.");
                goal.RuleForEach(g => g.Indicators).NotNull().WithMessage("An indicator may not be null; send {\"text\": \"...\"}.")
                    .ChildRules(i =>
                    {
                        i.RuleFor(x => x.Text).MaximumLength(PlanLimits.MaxItemLength).WithMessage($"An indicator may be at most {PlanLimits.MaxItemLength} characters.");
                        i.RuleFor(x => x.Id).Must(ContentIds.IsWellFormed).When(x => !ContentIds.IsMissing(x.Id)).WithMessage(IdMessage);
                    });
                goal.RuleForEach(g => g.Activities).NotNull().WithMessage("An activity may not be null; send {\"text\": \"...\"}.")
                    .ChildRules(a =>
                    {
                        a.RuleFor(x => x.Text).MaximumLength(PlanLimits.MaxItemLength).WithMessage($"An activity may be at most {PlanLimits.MaxItemLength} characters.");
                        a.RuleFor(x => x.Id).Must(ContentIds.IsWellFormed).When(x => !ContentIds.IsMissing(x.Id)).WithMessage(IdMessage);
                    });
            });
        });

        // An id names one item: a repeat would make comments and comparisons ambiguous. (Ids the plan does not have are
        // refused where the plan is at hand, by PlanEndpoints and the edit page.)
        RuleFor(p => p).Custom((input, context) =>
        {
            if (input.Objectives is null || input.Objectives.Any(o => o?.Goals is null || o.Goals.Any(g => g is null) ||
                    o.Goals.Any(g => g!.Indicators?.Any(i => i is null) == true || g.Activities?.Any(a => a is null) == true)))
            {
                return; // reported by the rules above
            }

            foreach (var duplicate in ContentIds.Duplicates(input.ToContent()))
            {
                context.AddFailure(duplicate.Path,
                    $"The id '{duplicate.Id}' is used by more than one item of the plan. Each objective, goal, indicator and activity keeps its own id; leave the id out for a new item.");
            }
        });
    }
}

/// <summary>Which size limit a plan is over, by how much: for the edit page to say it in the user's language.</summary>
public sealed record PlanSizeExceeded(string What, long Count, long Max)
{
    public const string Fields = nameof(Fields);
    public const string Characters = nameof(Characters);
}

/// <summary>
/// How large a plan may be, for the API and the edit page alike. The byte limits of requests
/// (<see cref="Infrastructure.RequestLimits"/>) are set so that every plan within these limits fits, however its
/// text is written: these, not the bytes, decide.
/// </summary>
public static class PlanLimits
{
    public const int MaxTitleLength = Plan.MaxTitleLength;
    public const int MaxObjectiveTitleLength = 1000;
    public const int MaxGoalNumberLength = 20;
    public const int MaxGoalTextLength = 4000;
    public const int MaxItemLength = 2000;
    public const int MaxObjectives = 100;
    public const int MaxGoalsPerObjective = 200;
    public const int MaxItemsPerGoal = 100;

    /// <summary>
    /// The most fields a plan may have: one per objective title, two per goal (number and text), one per indicator
    /// and activity. The edit page has one form field for each, so this also bounds the form.
    /// </summary>
    public const int MaxFields = 2000;

    /// <summary>The most characters all of a plan's content texts may add up to (the title not counted).</summary>
    public const int MaxCharacters = 100_000;

    public static int FieldsOf(IEnumerable<ObjectiveInput?> objectives) =>
        objectives.Sum(o => o is null ? 0 : 1 + (o.Goals ?? []).Sum(g => g is null ? 0 : 2 + (g.Indicators?.Count ?? 0) + (g.Activities?.Count ?? 0)));

    public static long CharactersOf(IEnumerable<ObjectiveInput?> objectives) =>
        objectives.Sum(o => o is null ? 0L : (o.Title?.Length ?? 0) + (o.Goals ?? []).Sum(g => g is null ? 0L :
            (g.Number?.Length ?? 0) + (g.Text?.Length ?? 0)
            + (g.Indicators ?? []).Sum(i => (long)(i?.Text?.Length ?? 0))
            + (g.Activities ?? []).Sum(a => (long)(a?.Text?.Length ?? 0))));
}
