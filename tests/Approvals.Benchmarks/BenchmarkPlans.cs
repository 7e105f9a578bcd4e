using System.Globalization;
using Approvals.Core.Plans;

namespace Approvals.Benchmarks;

/// <summary>
/// Plans of the size the city writes: three objectives of ten result goals, each goal with an indicator and two
/// activities, in Danish like the real ones.
/// </summary>
public static class BenchmarkPlans
{
    public const int Objectives = 3;
    public const int GoalsPerObjective = 10;
    public const int Goals = Objectives * GoalsPerObjective;

    /// <summary>In the coverage plans every fifth goal lacks a real indicator: none at all, or a placeholder.</summary>
    public const int FlagEvery = 5;

    /// <summary>The body of <c>POST /api/plans</c>: every goal measured, so the plan can go all the way to adoption.</summary>
    public static object ApiBody(Committee committee, int n) => new
    {
        committee = committee.Code,
        title = $"Handleplan {n.ToString(CultureInfo.InvariantCulture)} for {committee.Name}",
        objectives = Content(withGaps: false).Objectives.Select(o => new
        {
            title = o.Title,
            goals = o.Goals.Select(g => new
            {
                number = g.Number,
                text = g.Text,
                indicators = g.Indicators.Select(i => new { text = i.Text }),
                activities = g.Activities.Select(a => new { text = a.Text }),
            }),
        }),
    };

    /// <summary>A plan's content; <paramref name="withGaps"/> leaves every <see cref="FlagEvery"/>th goal without a real indicator.</summary>
    public static PlanContent Content(bool withGaps) => new(
        Enumerable.Range(1, Objectives).Select(o => new Objective(
            $"Målsætning {o}: flere københavnere i job og uddannelse",
            Enumerable.Range(1, GoalsPerObjective).Select(g =>
            {
                var position = (o - 1) * GoalsPerObjective + g;
                IReadOnlyList<Indicator> indicators = !withGaps || position % FlagEvery != 0 ? [new($"Andelen skal stige med {g} procentpoint om året frem mod 2030")]
                    : position % (2 * FlagEvery) == 0 ? [new("Ikke fastsat endnu")]
                    : [];
                return new ResultGoal(
                    position.ToString(CultureInfo.InvariantCulture),
                    $"Resultatmål {o}.{g}: flere borgere skal være i beskæftigelse eller uddannelse",
                    indicators,
                    [new("Samarbejde med virksomheder om praktikpladser"), new("Opsøgende indsats i boligområderne")]);
            }).ToList())).ToList());
}
