using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;

namespace Approvals.Tests.Features.Review;

[Collection(ReviewCollection.Name)]
public sealed class SouSeedPlanTests(ReviewApp app)
{
    [Fact]
    public async Task The_SOU_plan_is_blocked_at_administrative_review_until_its_placeholder_indicator_is_replaced()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Sou));
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var summary = (await secretary.AllPlans("committee=SOU"))!
            .Single(p => p.Title.StartsWith("Handleplan:", StringComparison.Ordinal));

        // The secretary may submit: a placeholder indicator is flagged, not an error that stops a submit.
        var submitted = await app.Take(Users.Secretary(Committee.Sou), summary.Id, "submit");
        Assert.Equal(Stages.AdministrativeReview, submitted.Stage);

        // The reviewer sees why approving is blocked: goal 1 and its "??????".
        var actions = (await reviewer.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{summary.Id}/actions"))!;
        var approve = Assert.Single(actions.Actions, a => a.Action == "approve");
        Assert.False(approve.Allowed);
        var blocked = Assert.Single(approve.BlockedBy);
        Assert.Equal("indicators-complete", blocked.Guard);
        var finding = Assert.Single(blocked.Findings);
        Assert.Equal(("indicator-placeholder", "1"), (finding.Code, finding.GoalNumber));
        Assert.Contains("??????", finding.Message);
        Assert.Contains("??????", finding.MessageDa);
        Assert.True(Assert.Single(actions.Actions, a => a.Action == "return").Allowed);

        // Approving anyway is a 422 naming the guard and the goal, and changes nothing.
        var before = await app.StateOf(summary.Id);
        var refused = await ReviewApp.Act(reviewer, summary.Id, "approve", submitted.ETag);
        var problem = await refused.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Result goal 1", problem.GetProperty("detail").GetString());
        Assert.Equal("indicators-complete", problem.GetProperty("unmetGuards")[0].GetProperty("guard").GetString());
        Assert.Equal(before, await app.StateOf(summary.Id));

        // Returned with a comment, edited in draft revision 2, resubmitted and approved.
        var returned = await app.Take(Users.AdministrativeReviewer, summary.Id, "return", "Erstat \"??????\" med en rigtig indikator.");
        Assert.Equal((Stages.Draft, 2), (returned.Stage, returned.Revision));

        var plan = (await secretary.GetFromJsonAsync<PlanResponse>($"/api/plans/{summary.Id}"))!;
        var fixedPlan = WithIndicator(plan, "Andelen af ældre med uplanlagte genindlæggelser skal falde med 10 procent");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{plan.Id}") { Content = JsonContent.Create(fixedPlan) };
        put.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Parse(returned.ETag));
        var edited = await (await secretary.SendAsync(put)).ReadOk<PlanResponse>();
        Assert.Equal(0, edited.ErrorCount);

        await app.Take(Users.Secretary(Committee.Sou), summary.Id, "submit");
        var approved = await app.Take(Users.AdministrativeReviewer, summary.Id, "approve");
        Assert.Equal(Stages.CommitteeApproval, approved.Stage);

        // Each submit froze what the reviewers saw: revision 1 with the placeholder, revision 2 with the fix.
        var revisions = await reviewer.GetFromJsonAsync<List<RevisionSummary>>($"/api/plans/{summary.Id}/revisions");
        Assert.Equal([1, 2], revisions!.Select(r => r.Number));
        var first = await reviewer.GetFromJsonAsync<RevisionResponse>($"/api/plans/{summary.Id}/revisions/1");
        var second = await reviewer.GetFromJsonAsync<RevisionResponse>($"/api/plans/{summary.Id}/revisions/2");
        Assert.Equal("??????", first!.Objectives[0].Goals[0].Indicators[0].Text);
        Assert.StartsWith("Andelen af ældre", second!.Objectives[0].Goals[0].Indicators[0].Text);

        var history = await reviewer.GetFromJsonAsync<List<JournalEntryResponse>>($"/api/plans/{summary.Id}/history");
        Assert.Equal(["submit", "return", "submit", "approve"], history!.Select(h => h.Action));
    }

    private static object WithIndicator(PlanResponse plan, string indicator) => new
    {
        committee = plan.Committee,
        title = plan.Title,
        objectives = plan.Objectives.Select(o => new
        {
            title = o.Title,
            goals = o.Goals.Select(g => new
            {
                number = g.Number,
                text = g.Text,
                indicators = new[] { new { text = indicator } },
                activities = g.Activities.Select(a => new { text = a.Text }).ToArray(),
            }).ToArray(),
        }).ToArray(),
    };
}
