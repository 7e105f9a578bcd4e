using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Web.Features.Demo;

namespace Approvals.Benchmarks;

/// <summary>
/// Makes plans that look like the seed: goal, indicator and activity texts drawn from the six real plans,
/// spread over every committee and stage. About a tenth of the goals have no indicator and another tenth
/// only a placeholder, so about 20% are flagged. Seeded, so every run builds the same data.
/// </summary>
public sealed class PlanGenerator
{
    public const int GoalsPerPlan = 30;
    private const int GoalsPerObjective = 6;

    private static readonly string[] Placeholders = ["??????", "Ingen", "TBD", "-", "Ikke fastsat"];

    private readonly Random _random;
    private readonly string[] _goalTexts;
    private readonly string[] _objectiveTitles;
    private readonly string[] _indicators;
    private readonly string[] _activities;
    private int _made;

    public PlanGenerator(SeedFile source, int seed = 42)
    {
        _random = new Random(seed);
        var goals = source.Plans.SelectMany(p => p.Objectives).SelectMany(o => o.Goals).ToList();
        _goalTexts = goals.Select(g => g.Text).Distinct().ToArray();
        _objectiveTitles = source.Plans.SelectMany(p => p.Objectives).Select(o => o.Title).Distinct().ToArray();
        _indicators = goals.SelectMany(g => g.Indicators).Where(i => !IndicatorRules.IsPlaceholder(i)).Distinct().ToArray();
        _activities = goals.SelectMany(g => g.Activities).Distinct().ToArray();
    }

    public Plan Next(DateTime nowUtc)
    {
        var number = ++_made;
        var committee = Committee.All[number % Committee.All.Count];
        var stage = Stages.All[_random.Next(Stages.All.Count)];
        var objectives = Enumerable.Range(0, GoalsPerPlan / GoalsPerObjective)
            .Select(_ => new Objective(
                Pick(_objectiveTitles),
                Enumerable.Range(1, GoalsPerObjective).Select(g => Goal(g.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList()))
            .ToList();
        return Plan.Start(committee, $"Handleplan {number}: {committee.Name}", "benchmark", new PlanContent(objectives),
            "committee-plan", 1, stage, nowUtc);
    }

    private ResultGoal Goal(string number)
    {
        var roll = _random.NextDouble();
        List<Indicator> indicators = roll switch
        {
            < 0.10 => [],
            < 0.20 => [new Indicator(Pick(Placeholders))],
            _ => Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => new Indicator(Pick(_indicators))).ToList(),
        };
        var activities = Enumerable.Range(0, _random.Next(4)).Select(_ => new Activity(Pick(_activities))).ToList();
        return new ResultGoal(number, Pick(_goalTexts), indicators, activities);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
