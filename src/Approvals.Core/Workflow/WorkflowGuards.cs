using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Core.Review;

namespace Approvals.Core.Workflow;

/// <summary>One thing a guard found wrong with a plan: a flag or an unanswered comment, with where it is and what to do about it.</summary>
public sealed record GuardFinding(string Code, string? GoalNumber, string Path, string Message, string MessageDa)
{
    /// <summary>The unanswered comment this finding is about, for the <c>comments-answered</c> guard.</summary>
    public Guid? CommentId { get; init; }

    public static GuardFinding From(Flag flag) =>
        new(flag.Code, flag.GoalNumber, flag.Path.ToString(), flag.MessageEn, flag.MessageDa);
}

/// <summary>
/// What a guard may read: the plan, and what the caller loaded about it beside the plan. Guards stay synchronous (so
/// Stateless's <c>CanFire</c> and the diagrams see them), so the caller loads this before asking the runtime.
/// </summary>
/// <param name="OpenComments">
/// The plan's comments that are still open, or null when the caller did not load them: a guard that needs them then
/// fails loudly rather than passing a plan it could not check.
/// </param>
public sealed record GuardContext(Plan Plan, IReadOnlyList<OpenComment>? OpenComments = null)
{
    public IReadOnlyList<OpenComment> RequireOpenComments(string guard) => OpenComments
        ?? throw new InvalidOperationException(
            $"The workflow guard '{guard}' reads the plan's open comments, but the caller did not load them: pass them in the GuardContext.");
}

/// <summary>
/// A named condition a transition requires, as a definition names it in its <c>guards</c> list. Flag guards read the
/// plan's flags through <see cref="PlanFlagger"/>, the only place those rules live; <c>comments-answered</c> reads the
/// open comments the caller loaded. All are synchronous so Stateless can report them through <c>CanFire</c> and draw
/// them in diagrams.
/// </summary>
/// <param name="readsContent">
/// Whether <paramref name="check"/> would read the plan's content in this context, so a caller that read the plan
/// without its content document loads it first; null for a guard that always reads it.
/// </param>
public sealed class WorkflowGuard(
    string name, string description, Func<GuardContext, IReadOnlyList<GuardFinding>> check, Func<GuardContext, bool>? readsContent = null)
{
    public string Name { get; } = name;

    /// <summary>What the guard requires, in English, for API clients and the README.</summary>
    public string Description { get; } = description;

    /// <summary>What keeps the plan from passing; none means the guard is met.</summary>
    public IReadOnlyList<GuardFinding> Check(GuardContext context) => check(context);

    /// <summary>Whether <see cref="Check"/> reads <see cref="Plan.Content"/> in this context.</summary>
    public bool ReadsContent(GuardContext context) => readsContent?.Invoke(context) ?? true;

    /// <summary>Whether <see cref="Check"/> reads <see cref="GuardContext.OpenComments"/>, which the caller must then load.</summary>
    public bool ReadsOpenComments { get; init; }

    /// <summary>
    /// A guard on the plan's flags. <paramref name="metByStoredCounts"/> answers from the flag counts stored on the plan
    /// when it was last saved (<see cref="Plan.ErrorCount"/>, <see cref="Plan.FlaggedGoalCount"/>, computed by the same
    /// <see cref="PlanFlagger"/>): when they show nothing that could block, the guard is met without evaluating the
    /// content. Otherwise the content is evaluated, so the findings are exactly the flags'.
    /// </summary>
    public static WorkflowGuard OnFlags(string name, string description, Func<Flag, bool> blocks, Func<Plan, bool> metByStoredCounts) =>
        new(name, description,
            context => metByStoredCounts(context.Plan)
                ? []
                : PlanFlagger.Evaluate(context.Plan).Where(blocks).Select(GuardFinding.From).ToList(),
            context => !metByStoredCounts(context.Plan));
}

public static class WorkflowGuards
{
    public const string NoErrorsExceptIndicators = "no-errors-except-indicators";
    public const string IndicatorsComplete = "indicators-complete";
    public const string CommentsAnswered = "comments-answered";

    /// <summary>The finding code of a comment the <c>comments-answered</c> guard waits for.</summary>
    public const string CommentUnanswered = "comment-unanswered";

    // Indicator gaps do not stop a submit: reviewers see them flagged, and administrative review is where
    // they must be closed. Every other error (a goal without text or number, a plan without goals) does.
    private static readonly Dictionary<string, WorkflowGuard> ByName = new[]
    {
        WorkflowGuard.OnFlags(
            NoErrorsExceptIndicators,
            "The plan has no errors other than indicator flags: every goal has a number and a text, and the plan has at least one goal.",
            f => f.Severity == FlagSeverity.Error && !FlagCodes.IsIndicatorCode(f.Code),
            plan => plan.ErrorCount == 0),
        WorkflowGuard.OnFlags(
            IndicatorsComplete,
            "Every result goal has a real indicator: no goal is flagged indicator-missing or indicator-placeholder.",
            f => f.IsIndicatorGap,
            plan => plan.FlaggedGoalCount == 0 && plan.ErrorCount == 0),
        new WorkflowGuard(
            CommentsAnswered,
            "Every comment from an earlier round of review is answered or resolved: the secretary has replied to it or marked it answered, or a reviewer has resolved it.",
            UnansweredComments,
            context => EarlierRounds(context).Any(c => !c.Anchor.IsWholePlan))
        {
            ReadsOpenComments = true,
        },
    }.ToDictionary(g => g.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static WorkflowGuard? Find(string name) => ByName.GetValueOrDefault(name);

    public static WorkflowGuard Get(string name) => Find(name)
        ?? throw new InvalidOperationException($"There is no workflow guard named '{name}'.");

    // Earlier rounds: comments written on a revision before the plan's current one, i.e. on a revision that was
    // returned. Each finding names the comment, its goal as the plan stands now, and what it said.
    private static IReadOnlyList<GuardFinding> UnansweredComments(GuardContext context)
    {
        var plan = context.Plan;
        return EarlierRounds(context)
            .Select(c =>
            {
                var location = c.Anchor.IsWholePlan ? null : c.Anchor.Locate(plan.Content);
                var number = location?.GoalValue.Number ?? c.GoalNumber;
                var quote = Excerpt.Of(c.Text, Excerpt.QuoteLength);
                var (on, paa) = c.Anchor.IsWholePlan ? ("the plan", "planen")
                    : location is null ? ($"removed goal {number}", $"det fjernede resultatmål {number}")
                    : ($"goal {number}", $"resultatmål {number}");
                return new GuardFinding(
                    CommentUnanswered,
                    c.Anchor.IsWholePlan ? null : number,
                    location?.Path ?? "",
                    $"{c.AuthorName}'s comment on {on} is not answered: \"{quote}\". Reply to it or mark it answered.",
                    $"Kommentaren fra {c.AuthorName} til {paa} er ikke besvaret: »{quote}«. Svar på den, eller markér den som besvaret.")
                {
                    CommentId = c.Id,
                };
            })
            .ToList();
    }

    // Only a comment anchored to a goal is looked for in the content; one on the whole plan needs no content.
    private static IEnumerable<OpenComment> EarlierRounds(GuardContext context) =>
        context.RequireOpenComments(CommentsAnswered).Where(c => c.Revision < context.Plan.Revision);
}
