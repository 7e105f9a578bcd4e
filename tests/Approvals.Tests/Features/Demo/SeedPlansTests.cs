using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Demo;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Demo;

[Collection(AppCollection.Name)]
public sealed class SeedPlansTests(ApprovalsApp app)
{
    // Counts as transcribed from shared/seed (see seed-plans.json's notes for each judgement call).
    [Theory]
    [InlineData("ØU", 1, 4, 4, 9)]
    [InlineData("TMU", 3, 4, 2, 9)]
    [InlineData("BUU", 1, 2, 1, 4)]
    [InlineData("SUD", 6, 11, 10, 16)]
    [InlineData("KFU", 1, 1, 4, 5)]
    [InlineData("SOU", 1, 1, 1, 3)]
    public async Task The_seed_loads_each_committees_plan_with_its_goals_and_indicators(
        string committee, int objectives, int goals, int indicators, int activities)
    {
        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.CommitteeCode == committee));

        Assert.Equal(Stages.Draft, plan.Stage);
        Assert.Equal(1, plan.Revision);
        Assert.Equal(objectives, plan.Content.Objectives.Count);
        Assert.Equal(goals, plan.Content.Goals.Count());
        Assert.Equal(indicators, plan.Content.Goals.Sum(g => g.Indicators.Count));
        Assert.Equal(activities, plan.Content.Goals.Sum(g => g.Activities.Count));
    }

    [Fact]
    public async Task The_seed_has_six_plans_and_none_for_BIU()
    {
        // The seed's plans, not those other tests of the shared app start (for BIU, so that this stays true).
        var committees = await app.WithDb(db => db.Plans.Where(p => p.Title.StartsWith("Handleplan:")).Select(p => p.CommitteeCode).ToListAsync());

        Assert.Equal(["BUU", "KFU", "SOU", "SUD", "TMU", "ØU"], committees.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task KFUs_goal_is_measured_by_four_indicators_in_the_order_written()
    {
        var client = await app.ClientFor(Users.Coordinator);
        var summary = (await client.AllPlans("committee=KFU"))!.Single();

        var plan = await client.GetFromJsonAsync<PlanResponse>($"/api/plans/{summary.Id}");

        var goal = plan!.Objectives.Single().Goals.Single();
        Assert.Equal("1", goal.Number);
        Assert.Equal(4, goal.Indicators.Count);
        Assert.Contains("5. klasse", goal.Indicators[0].Text);
        Assert.Contains("9. klasse", goal.Indicators[1].Text);
        Assert.Contains("over 15 år", goal.Indicators[2].Text);
        Assert.Contains("koncert", goal.Indicators[3].Text);
    }

    [Fact]
    public async Task The_placeholders_of_the_source_are_kept_as_written()
    {
        var plans = await app.WithDb(db => db.Plans.AsNoTracking().ToListAsync());
        var sou = plans.Single(p => p.CommitteeCode == "SOU").Content.Goals.Single();
        var tmu = plans.Single(p => p.CommitteeCode == "TMU").Content;

        Assert.Equal("??????", Assert.Single(sou.Indicators).Text);
        Assert.Equal("Ingen", Assert.Single(tmu.Objectives[1].Goals.Single().Indicators).Text);
        Assert.Empty(tmu.Objectives[0].Goals[1].Indicators);
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    public void The_seed_file_fixes_the_pdfs_line_break_hyphenation()
    {
        var oeu = SeedFile.Load().Plans.Single(p => p.Committee == "ØU");
        var activities = oeu.Objectives.SelectMany(o => o.Goals).SelectMany(g => g.Activities).ToList();

        Assert.Contains(activities, a => a.StartsWith("Tværforvaltningssamarbejde", StringComparison.Ordinal));
        Assert.DoesNotContain(activities, a => a.Contains('\n'));
    }
}
