namespace Approvals.Core.Plans;

/// <summary>
/// The editable body of a plan: objectives holding numbered result goals. It is a value: a plan's
/// draft and every frozen revision hold one, and lists keep the order in which they were written.
/// Every objective, goal, indicator and activity carries an <c>Id</c>, unique within the plan and kept
/// when it is reordered, renumbered or moved, so what refers to it (a review comment, a comparison of two
/// revisions) follows the item rather than its position (<see cref="ContentIds"/>).
/// </summary>
public sealed record PlanContent(IReadOnlyList<Objective> Objectives)
{
    public static PlanContent Empty { get; } = new([]);

    public IEnumerable<ResultGoal> Goals => Objectives.SelectMany(o => o.Goals);
}

/// <summary>A målsætning. The title may be empty: several source plans have none.</summary>
public sealed record Objective(string Title, IReadOnlyList<ResultGoal> Goals)
{
    /// <summary>Stable within the plan; empty until <see cref="ContentIds"/> gives it one.</summary>
    public string Id { get; init; } = "";
}

/// <summary>A resultatmål: its number as written ("1", "4"), its text, how it is measured and what is done.</summary>
public sealed record ResultGoal(
    string Number,
    string Text,
    IReadOnlyList<Indicator> Indicators,
    IReadOnlyList<Activity> Activities)
{
    /// <summary>Stable within the plan; empty until <see cref="ContentIds"/> gives it one.</summary>
    public string Id { get; init; } = "";
}

public sealed record Indicator(string Text)
{
    /// <summary>Stable within the plan; empty until <see cref="ContentIds"/> gives it one.</summary>
    public string Id { get; init; } = "";
}

public sealed record Activity(string Text)
{
    /// <summary>Stable within the plan; empty until <see cref="ContentIds"/> gives it one.</summary>
    public string Id { get; init; } = "";
}
