using Approvals.Core.Plans;
using FluentValidation;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// What the API refuses outright (400). Content that is merely incomplete, such as a goal without an
/// indicator, is accepted and flagged instead, so a secretary can save work in progress.
/// </summary>
internal sealed class PlanInputValidator : AbstractValidator<PlanInput>
{
    public const int MaxObjectives = 100;
    public const int MaxGoalsPerObjective = 200;
    public const int MaxItemsPerGoal = 100;

    private static readonly string IdMessage =
        $"An id is 1 to {ContentIds.MaxLength} characters: lower-case letters, digits and dashes, as GET returned it. Leave it out for a new item.";

    public PlanInputValidator()
    {
        RuleFor(p => p.Committee)
            .NotEmpty().WithMessage($"Name the committee the plan belongs to: one of {Committee.ValidCodes}.")
            .Must(c => Committee.Find(c) is not null).When(p => !string.IsNullOrWhiteSpace(p.Committee))
            .WithMessage(p => $"'{p.Committee}' is not a committee. Use one of {Committee.ValidCodes}.");

        RuleFor(p => p.Title)
            .NotEmpty().WithMessage("Give the plan a title.")
            .MaximumLength(300).WithMessage("The title may be at most 300 characters.");

        RuleFor(p => p.Objectives)
            .NotNull().WithMessage("Send the plan's objectives as a list (it may be empty while you start).")
            .Must(o => o!.Count <= MaxObjectives).When(p => p.Objectives is not null)
            .WithMessage($"A plan may have at most {MaxObjectives} objectives.");

        RuleForEach(p => p.Objectives).NotNull().WithMessage("An objective may not be null.").ChildRules(objective =>
        {
            objective.RuleFor(o => o.Id).Must(ContentIds.IsWellFormed).When(o => !ContentIds.IsMissing(o.Id)).WithMessage(IdMessage);
            objective.RuleFor(o => o.Title).MaximumLength(1000).WithMessage("An objective's title may be at most 1000 characters.");
            objective.RuleFor(o => o.Goals)
                .NotNull().WithMessage("Send the objective's goals as a list.")
                .Must(g => g!.Count <= MaxGoalsPerObjective).When(o => o.Goals is not null)
                .WithMessage($"An objective may have at most {MaxGoalsPerObjective} goals.");
            objective.RuleForEach(o => o.Goals).NotNull().WithMessage("A goal may not be null.").ChildRules(goal =>
            {
                goal.RuleFor(g => g.Id).Must(ContentIds.IsWellFormed).When(g => !ContentIds.IsMissing(g.Id)).WithMessage(IdMessage);
                goal.RuleFor(g => g.Number).MaximumLength(20).WithMessage("A goal number may be at most 20 characters.");
                goal.RuleFor(g => g.Text).MaximumLength(4000).WithMessage("A goal's text may be at most 4000 characters.");
                goal.RuleFor(g => g.Indicators).Must(i => i is null || i.Count <= MaxItemsPerGoal)
                    .WithMessage($"A goal may have at most {MaxItemsPerGoal} indicators.");
                goal.RuleFor(g => g.Activities).Must(a => a is null || a.Count <= MaxItemsPerGoal)
                    .WithMessage($"A goal may have at most {MaxItemsPerGoal} activities.");
                goal.RuleForEach(g => g.Indicators).NotNull().WithMessage("An indicator may not be null; send {\"text\": \"...\"}.")
                    .ChildRules(i =>
                    {
                        i.RuleFor(x => x.Text).MaximumLength(2000).WithMessage("An indicator may be at most 2000 characters.");
                        i.RuleFor(x => x.Id).Must(ContentIds.IsWellFormed).When(x => !ContentIds.IsMissing(x.Id)).WithMessage(IdMessage);
                    });
                goal.RuleForEach(g => g.Activities).NotNull().WithMessage("An activity may not be null; send {\"text\": \"...\"}.")
                    .ChildRules(a =>
                    {
                        a.RuleFor(x => x.Text).MaximumLength(2000).WithMessage("An activity may be at most 2000 characters.");
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
