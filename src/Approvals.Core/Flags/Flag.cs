using System.Text.Json.Serialization;

namespace Approvals.Core.Flags;

/// <summary>An error is something missing or broken the secretary must fix; a warning asks them to look again. Serialised as a string.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlagSeverity>))]
public enum FlagSeverity
{
    Error,
    Warning,
}

/// <summary>
/// Where a flag points, as 1-based positions in the order the plan was written.
/// A plan-level flag has no objective; a goal-level flag has no indicator.
/// </summary>
public sealed record FlagPath(int? Objective = null, int? Goal = null, int? Indicator = null)
{
    public static FlagPath Plan { get; } = new();

    public override string ToString() => string.Join('/', new[]
    {
        Objective is { } o ? $"objective[{o}]" : null,
        Goal is { } g ? $"goal[{g}]" : null,
        Indicator is { } i ? $"indicator[{i}]" : null,
    }.Where(s => s is not null));
}

/// <summary>A finding on a plan: a stable code, a severity, where, and what the secretary should do.</summary>
public sealed record Flag(
    string Code,
    FlagSeverity Severity,
    FlagPath Path,
    string? GoalNumber,
    string MessageDa,
    string MessageEn)
{
    public string Message(bool english) => english ? MessageEn : MessageDa;

    /// <summary>True for the codes that mean "this goal has no real indicator".</summary>
    public bool IsIndicatorGap => FlagCodes.IsIndicatorGap(Code);
}

public static class FlagCodes
{
    public const string IndicatorMissing = "indicator-missing";
    public const string IndicatorPlaceholder = "indicator-placeholder";
    public const string IndicatorUnmeasurable = "indicator-unmeasurable";
    public const string GoalTextMissing = "goal-text-missing";
    public const string GoalNumberMissing = "goal-number-missing";
    public const string GoalNumberDuplicate = "goal-number-duplicate";
    public const string PlanWithoutGoals = "plan-without-goals";

    public static bool IsIndicatorGap(string code) => code is IndicatorMissing or IndicatorPlaceholder;

    public static bool IsIndicatorCode(string code) => code.StartsWith("indicator-", StringComparison.Ordinal);
}
