using Approvals.Core.Flags;
using Approvals.Core.Plans;

namespace Approvals.Core.Workflow;

/// <summary>One thing a guard found wrong with a plan: a flag, with where it is and what to do about it.</summary>
public sealed record GuardFinding(string Code, string? GoalNumber, string Path, string Message, string MessageDa)
{
    public static GuardFinding From(Flag flag) =>
        new(flag.Code, flag.GoalNumber, flag.Path.ToString(), flag.MessageEn, flag.MessageDa);
}

/// <summary>
/// A named condition a transition requires, as a definition names it in its <c>guards</c> list. Guards read
/// the plan's flags through <see cref="PlanFlagger"/>, the only place the rules live, and are synchronous so
/// Stateless can report them through <c>CanFire</c> and draw them in diagrams.
/// </summary>
public sealed class WorkflowGuard(string name, string description, Func<Flag, bool> blocks)
{
    public string Name { get; } = name;

    /// <summary>What the guard requires, in English, for API clients and the README.</summary>
    public string Description { get; } = description;

    /// <summary>The flags that keep the plan from passing; none means the guard is met.</summary>
    public IReadOnlyList<GuardFinding> Check(Plan plan) =>
        PlanFlagger.Evaluate(plan).Where(blocks).Select(GuardFinding.From).ToList();
}

public static class WorkflowGuards
{
    public const string NoErrorsExceptIndicators = "no-errors-except-indicators";
    public const string IndicatorsComplete = "indicators-complete";

    // Indicator gaps do not stop a submit: reviewers see them flagged, and administrative review is where
    // they must be closed. Every other error (a goal without text or number, a plan without goals) does.
    private static readonly Dictionary<string, WorkflowGuard> ByName = new[]
    {
        new WorkflowGuard(
            NoErrorsExceptIndicators,
            "The plan has no errors other than indicator flags: every goal has a number and a text, and the plan has at least one goal.",
            f => f.Severity == FlagSeverity.Error && !FlagCodes.IsIndicatorCode(f.Code)),
        new WorkflowGuard(
            IndicatorsComplete,
            "Every result goal has a real indicator: no goal is flagged indicator-missing or indicator-placeholder.",
            f => f.IsIndicatorGap),
    }.ToDictionary(g => g.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static WorkflowGuard? Find(string name) => ByName.GetValueOrDefault(name);

    public static WorkflowGuard Get(string name) => Find(name)
        ?? throw new InvalidOperationException($"There is no workflow guard named '{name}'.");
}
