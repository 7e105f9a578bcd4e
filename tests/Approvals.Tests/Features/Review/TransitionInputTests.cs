using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Review;

/// <summary>What a transition refuses outright, and that a refusal changes nothing.</summary>
[Collection(ReviewCollection.Name)]
public sealed class TransitionInputTests(ReviewApp app)
{
    [Theory]
    [InlineData("\u200b")]
    [InlineData("\u2060")]
    [InlineData("\u00ad")]
    [InlineData("\u0000")]
    [InlineData(" \u200b \u2060\u00ad\u0000\n")]
    public async Task A_return_comment_of_only_invisible_characters_is_no_comment(string comment)
    {
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var before = await app.StateOf(plan.Id);
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);

        var response = await ReviewApp.Act(reviewer, plan.Id, "return", await app.ETagOf(plan.Id), comment);

        Assert.Equal(["comment"], (await response.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task A_weak_etag_does_not_match_for_a_transition()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var before = await app.StateOf(plan.Id);
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));

        var response = await Send(secretary, plan.Id, """{"action":"submit"}""", "W/" + await app.ETagOf(plan.Id));

        await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task If_match_star_is_refused_for_a_transition_with_a_typed_428()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var before = await app.StateOf(plan.Id);
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));

        var problem = await (await Send(secretary, plan.Id, """{"action":"submit"}""", "*")).AssertProblem(HttpStatusCode.PreconditionRequired);

        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-3", problem.GetProperty("type").GetString());
        Assert.Contains("ETag", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Theory]
    [InlineData(" submit")]
    [InlineData("submit\t")]
    [InlineData("\u200bsubmit\u2060")]
    public async Task Action_names_are_taken_without_what_surrounds_them(string action)
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));

        var response = await ReviewApp.Act(secretary, plan.Id, action, plan.ETag);

        Assert.Equal(Stages.AdministrativeReview, (await response.ReadOk<Approvals.Web.Features.Review.TransitionResponse>()).Stage);
    }

    [Theory]
    [InlineData("SUBMIT")]
    [InlineData("Submit")]
    public async Task Action_names_are_compared_exactly_so_case_matters(string action)
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var before = await app.StateOf(plan.Id);
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));

        var problem = await (await ReviewApp.Act(secretary, plan.Id, action, plan.ETag)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(["action"], problem.ErrorFields());
        Assert.Contains("case matters", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Theory]
    [InlineData("%20draft")]
    [InlineData("draft%20")]
    public async Task Stage_filters_follow_the_same_rule_as_action_names(string stage)
    {
        var coordinator = await app.ClientFor(Users.Coordinator);

        var plans = await coordinator.GetAsync($"/api/plans?stage={stage}");
        var report = await coordinator.GetAsync($"/api/reports/missing-indicators?stage={stage}");
        var upper = await coordinator.GetAsync("/api/plans?stage=DRAFT");

        Assert.Equal(HttpStatusCode.OK, plans.StatusCode);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        await upper.AssertProblem(HttpStatusCode.BadRequest);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, Guid id, string body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{id}/transitions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
