using Approvals.Core.Flags;
using Approvals.Web.Features.Demo;

namespace Approvals.Tests.Features.Flags;

/// <summary>The flag rules on the transcribed seed (seed-plans.json), without the web host.</summary>
public sealed class SeedFlagsTests
{
    private const string Unmeasurable = "Fastholdelse af nuværende indikatorer";

    /// <summary>The seed goals without a real indicator, as (committee, objective, goal number, code).</summary>
    public static readonly (string, int, string, string)[] ExpectedGaps =
    [
        ("ØU", 1, "3", FlagCodes.IndicatorMissing),
        ("TMU", 1, "2", FlagCodes.IndicatorMissing),
        ("TMU", 2, "1", FlagCodes.IndicatorPlaceholder),
        ("TMU", 3, "1", FlagCodes.IndicatorMissing),
        ("BUU", 1, "2", FlagCodes.IndicatorMissing),
        ("SUD", 4, "8", FlagCodes.IndicatorMissing),
        ("SUD", 6, "11", FlagCodes.IndicatorMissing),
        ("SOU", 1, "1", FlagCodes.IndicatorPlaceholder),
    ];

    private static readonly SeedFile Seed = SeedFile.Load();

    public static TheoryData<string, int, string, int, string> EveryIndicator()
    {
        var data = new TheoryData<string, int, string, int, string>();
        foreach (var plan in SeedFile.Load().Plans)
        {
            for (var o = 0; o < plan.Objectives.Count; o++)
            {
                foreach (var goal in plan.Objectives[o].Goals)
                {
                    for (var i = 0; i < goal.Indicators.Count; i++)
                    {
                        data.Add(plan.Committee, o + 1, goal.Number, i + 1, goal.Indicators[i]);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void Indicator_unmeasurable_fires_on_Fastholdelse_and_on_no_other_seed_indicator(
        string committee, int objective, string goal, int indicator, string text)
    {
        var content = Seed.Plans.Single(p => p.Committee == committee).ToContent();
        var position = content.Objectives[objective - 1].Goals.ToList().FindIndex(g => g.Number == goal) + 1;

        var fired = PlanFlagger.Evaluate(content).Any(f =>
            f.Code == FlagCodes.IndicatorUnmeasurable && f.Path == new FlagPath(objective, position, indicator));

        Assert.Equal(text == Unmeasurable, fired);
    }

    [Fact]
    public void The_seed_has_exactly_two_unmeasurable_indicators_both_Fastholdelse()
    {
        var warnings = Seed.Plans
            .SelectMany(p => PlanFlagger.Evaluate(p.ToContent()).Select(f => (p.Committee, Flag: f)))
            .Where(x => x.Flag.Severity == FlagSeverity.Warning)
            .ToList();

        Assert.Equal([("TMU", "1"), ("SUD", "10")], warnings.Select(w => (w.Committee, w.Flag.GoalNumber!)));
        Assert.All(warnings, w => Assert.Equal(FlagCodes.IndicatorUnmeasurable, w.Flag.Code));
    }

    [Fact]
    public void Exactly_the_seed_goals_without_a_real_indicator_are_flagged()
    {
        var errors = Seed.Plans
            .SelectMany(p => PlanFlagger.Evaluate(p.ToContent()).Select(f => (p.Committee, Flag: f)))
            .Where(x => x.Flag.Severity == FlagSeverity.Error)
            .Select(x => (x.Committee, x.Flag.Path.Objective!.Value, x.Flag.GoalNumber!, x.Flag.Code))
            .ToList();

        Assert.Equal(ExpectedGaps, errors);
    }

    [Fact]
    public void No_seed_goal_with_a_real_indicator_is_flagged()
    {
        var checkedGoals = 0;
        foreach (var plan in Seed.Plans)
        {
            var content = plan.ToContent();
            var flagged = PlanFlagger.Evaluate(content).Where(f => f.IsIndicatorGap).Select(f => f.Path).ToHashSet();
            var measured = GoalInPlan.All(content).Where(g => g.Goal.Indicators.Any(i => !IndicatorRules.IsPlaceholder(i.Text))).ToList();

            Assert.All(measured, g => Assert.DoesNotContain(g.Path, flagged));
            checkedGoals += measured.Count;
        }

        // 23 goals in the seed, 8 without a real indicator.
        Assert.Equal(15, checkedGoals);
    }

    [Fact]
    public void The_seed_placeholders_are_kept_as_the_flagged_goals_indicator_text()
    {
        var stored = Seed.Plans.ToDictionary(
            p => p.Committee,
            p => Approvals.Core.Plans.Plan.Start(
                Approvals.Core.Plans.Committee.Find(p.Committee)!, p.Title, "owner", p.ToContent(), "committee-plan", 1, "draft", DateTime.UtcNow));

        Assert.Equal("??????", Assert.Single(stored["SOU"].FlaggedGoals).IndicatorText);
        Assert.Equal(["", "Ingen", ""], stored["TMU"].FlaggedGoals.Select(g => g.IndicatorText));
        Assert.Equal(0, stored["KFU"].FlaggedGoalCount);
        Assert.Equal(ExpectedGaps.Length, stored.Values.Sum(p => p.FlaggedGoalCount));
    }
}
