using System.Net.Http.Headers;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;

namespace Approvals.Tests.Features.Review;

/// <summary>
/// The four-eyes rule beyond "the submitter may not approve": a person approves a revision at most once, whatever
/// roles they hold, and never a revision whose content they wrote, whoever submitted it.
/// </summary>
[Collection(ReviewCollection.Name)]
public sealed class FourEyesTests(ReviewApp app)
{
    [Fact]
    public async Task A_person_holding_two_reviewer_roles_approves_a_revision_only_once()
    {
        var both = await app.CreateUser("Administrativ og udvalgsgodkender", Committee.Biu, Roles.AdministrativeReviewer, Roles.CommitteeApprover);
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(both, plan.Id, "approve");
        var before = await app.StateOf(plan.Id);
        var client = await app.ClientFor(both);

        var actions = await client.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        var response = await ReviewApp.Act(client, plan.Id, "approve", await app.ETagOf(plan.Id));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("already approved revision 1", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.StateOf(plan.Id));
        var approve = Assert.Single(actions!.Actions, a => a.Action == "approve");
        Assert.False(approve.Allowed);
        var blocked = Assert.Single(approve.BlockedBy);
        Assert.Equal(FourEyes.Guard, blocked.Guard);
        Assert.Equal([FourEyes.Approved], blocked.Findings.Select(f => f.Code));
        // Another approver of the committee may.
        Assert.Equal(Stages.CouncilApproval, (await app.Take(Users.CommitteeApprover(Committee.Biu), plan.Id, "approve")).Stage);
    }

    [Fact]
    public async Task Someone_who_wrote_content_may_not_approve_it_when_a_colleague_submitted_it()
    {
        var writer = await app.CreateUser("Sekretær og administrativ", Committee.Biu, Roles.Secretary, Roles.AdministrativeReviewer);
        var plan = await app.CreatePlan(Committee.Biu);
        await Edit(writer, plan.Id, "Rettet af en kollega");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var before = await app.StateOf(plan.Id);
        var client = await app.ClientFor(writer);

        var actions = await client.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        var response = await ReviewApp.Act(client, plan.Id, "approve", await app.ETagOf(plan.Id));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("four-eyes", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.StateOf(plan.Id));
        var blocked = Assert.Single(Assert.Single(actions!.Actions, a => a.Action == "approve").BlockedBy);
        Assert.Equal([FourEyes.Wrote], blocked.Findings.Select(f => f.Code));
        Assert.Equal(Stages.CommitteeApproval, (await app.Take(Users.AdministrativeReviewer, plan.Id, "approve")).Stage);
    }

    [Fact]
    public async Task Content_written_in_an_earlier_revision_still_bars_its_writer_after_a_return()
    {
        var writer = await app.CreateUser("Sekretær og udvalgsgodkender", Committee.Biu, Roles.Secretary, Roles.CommitteeApprover);
        var plan = await app.CreatePlan(Committee.Biu);
        await Edit(writer, plan.Id, "Første udgave, rettet af en kollega");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Tilføj en aktivitet.");
        await Edit(Users.Secretary(Committee.Biu), plan.Id, "Anden udgave");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");

        var response = await ReviewApp.Act(await app.ClientFor(writer), plan.Id, "approve", await app.ETagOf(plan.Id));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("wrote part of the content of revision 2", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_returned_plan_is_a_new_revision_the_same_reviewer_may_approve_again()
    {
        var reviewer = await app.CreateUser("Administrativ sagsbehandler", null, Roles.AdministrativeReviewer);
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(reviewer, plan.Id, "approve");
        await app.Take(Users.CommitteeApprover(Committee.Biu), plan.Id, "return", "Målet mangler en frist.");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        var approved = await app.Take(reviewer, plan.Id, "approve");

        Assert.Equal(Stages.CommitteeApproval, approved.Stage);
        Assert.Equal(2, approved.Revision);
    }

    [Fact]
    public async Task The_plan_page_says_why_a_reviewer_may_not_approve_again()
    {
        var both = await app.CreateUser("Administrativ og udvalgsgodkender", Committee.Biu, Roles.AdministrativeReviewer, Roles.CommitteeApprover);
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(both, plan.Id, "approve");

        var page = await (await PageClient.SignIn(app, both)).Html($"/planer/{plan.Id}");

        Assert.Contains("Du har allerede godkendt udgave 1 i en tidligere fase.", page);
        Assert.Contains("""class="action action--blocked" data-action="approve" """.TrimEnd(), page);
    }

    /// <summary>Saves the plan's content as <paramref name="email"/>, a secretary of its committee.</summary>
    private async Task Edit(string email, Guid planId, string title)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{planId}") { Content = JsonContent.Create(ReviewApp.CleanPlan("BIU", title)) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(await app.ETagOf(planId)));
        await (await (await app.ClientFor(email)).SendAsync(request)).ReadOk<PlanResponse>();
    }
}
