namespace Approvals.Core.Plans;

/// <summary>
/// The editable body of a plan: objectives holding numbered result goals. It is a value: a plan's
/// draft and every frozen revision hold one, and lists keep the order in which they were written.
/// </summary>
public sealed record PlanContent(IReadOnlyList<Objective> Objectives)
{
    public static PlanContent Empty { get; } = new([]);

    public IEnumerable<ResultGoal> Goals => Objectives.SelectMany(o => o.Goals);
}

/// <summary>A målsætning. The title may be empty: several source plans have none.</summary>
public sealed record Objective(string Title, IReadOnlyList<ResultGoal> Goals);

/// <summary>A resultatmål: its number as written ("1", "4"), its text, how it is measured and what is done.</summary>
public sealed record ResultGoal(
    string Number,
    string Text,
    IReadOnlyList<Indicator> Indicators,
    IReadOnlyList<Activity> Activities);

public sealed record Indicator(string Text);

public sealed record Activity(string Text);
