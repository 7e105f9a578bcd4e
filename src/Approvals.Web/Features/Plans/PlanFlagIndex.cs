using Approvals.Core.Flags;
using Approvals.Core.Plans;

namespace Approvals.Web.Features.Plans;

/// <summary>A plan's flags (from <see cref="PlanFlagger"/>, the one source of the rules) sorted by the goal they concern.</summary>
public sealed class PlanFlagIndex
{
    private readonly ILookup<(int Objective, int Goal), Flag> _byGoal;

    public PlanFlagIndex(IReadOnlyList<Flag> flags)
    {
        All = flags;
        _byGoal = flags
            .Where(f => f.Path is { Objective: not null, Goal: not null })
            .ToLookup(f => (f.Path.Objective!.Value, f.Path.Goal!.Value));
        PlanLevel = flags.Where(f => f.Path.Goal is null).ToList();
    }

    public static PlanFlagIndex Of(PlanContent content) => new(PlanFlagger.Evaluate(content));

    public IReadOnlyList<Flag> All { get; }

    public IReadOnlyList<Flag> PlanLevel { get; }

    public int Errors => All.Count(f => f.Severity == FlagSeverity.Error);

    public int Warnings => All.Count(f => f.Severity == FlagSeverity.Warning);

    /// <summary>The flags of goal <paramref name="goal"/> of objective <paramref name="objective"/>, both 1-based as in <see cref="FlagPath"/>.</summary>
    public IEnumerable<Flag> ForGoal(int objective, int goal) => _byGoal[(objective, goal)];

    /// <summary>The anchor of a goal's row on the plan page (<c>/planer/{id}#maal-1-2</c>), 1-based like flag paths.</summary>
    public static string GoalAnchor(int objective, int goal) => $"maal-{objective}-{goal}";
}
