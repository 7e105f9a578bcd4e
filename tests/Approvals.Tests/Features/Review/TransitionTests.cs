using System.Text.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Review;

[Collection(ReviewCollection.Name)]
public sealed class TransitionTests(ReviewApp app)
{
    [Fact]
    public async Task A_plan_goes_from_draft_to_adopted_with_the_right_role_at_each_step()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        Assert.Equal((Stages.Draft, 2), (plan.Stage, plan.WorkflowVersion));

        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var reviewed = await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");
        var approved = await app.Take(Users.CommitteeApprover(Committee.Biu), plan.Id, "approve");
        var adopted = await app.Take(Users.CouncilApprover, plan.Id, "approve");

        Assert.Equal(
            [Stages.AdministrativeReview, Stages.CommitteeApproval, Stages.CouncilApproval, Stages.Adopted],
            new[] { submitted, reviewed, approved, adopted }.Select(t => t.Stage));
        Assert.Equal("Vedtaget", adopted.StageName.Da);
        Assert.Equal(5, new[] { plan.ETag, submitted.ETag, reviewed.ETag, approved.ETag, adopted.ETag }.Distinct().Count());
        Assert.Equal(adopted.ETag, await app.ETagOf(plan.Id));
        Assert.All(new[] { submitted, reviewed, approved, adopted }, t => Assert.Equal(1, t.Revision));

        // Nobody has anything left to do with an adopted plan.
        foreach (var email in new[] { Users.CouncilApprover, Users.AdministrativeReviewer, Users.Secretary(Committee.Biu) })
        {
            var actions = await (await app.ClientFor(email)).GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
            Assert.Empty(actions!.Actions);
        }
    }

    [Fact]
    public async Task Each_transition_writes_its_event_to_the_outbox_with_the_roles_acting_next()
    {
        var plan = await ReturnedOnceThenAdopted();

        var events = (await app.OutboxOf(plan.Id)).Select(Outbox.Deserialize).ToList();

        Assert.Equal(
            [typeof(PlanSubmitted), typeof(PlanReturned), typeof(PlanSubmitted), typeof(PlanApproved), typeof(PlanApproved), typeof(PlanAdopted)],
            events.Select(e => e.GetType()));
        Assert.Equal(
            [[Roles.AdministrativeReviewer], [Roles.Secretary], [Roles.AdministrativeReviewer], [Roles.CommitteeApprover], [Roles.CouncilApprover], []],
            events.Select(e => e.ActingRoles.ToArray()));
        Assert.Equal("Tilføj en aktivitet mere.", Assert.IsType<PlanReturned>(events[1]).Comment);
        Assert.Equal([1, 1, 2, 2, 2, 2], events.Select(e => e.Revision));
        Assert.Equal(6, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.Equal(("BIU", plan.Title), (e.Committee, e.PlanTitle)));
        Assert.Equal(Stages.Adopted, events[^1].ToStage);
    }

    [Fact]
    public async Task A_plans_events_get_ids_that_sort_as_they_were_written_so_the_outbox_index_grows_at_its_end()
    {
        var plan = await ReturnedOnceThenAdopted();

        // Ordered by the database, as its unique index on the message id orders them.
        var byMessageId = await app.WithDb(db => db.Outbox.AsNoTracking().Where(m => m.PlanId == plan.Id)
            .OrderBy(m => m.MessageId).Select(m => new { m.Id, m.MessageId }).ToListAsync());

        Assert.Equal(6, byMessageId.Count);
        Assert.All(byMessageId, m => Assert.Equal(7, m.MessageId.Version));
        Assert.Equal(byMessageId.Select(m => m.Id).Order(), byMessageId.Select(m => m.Id));
    }

    [Fact]
    public async Task At_each_stage_only_its_role_may_act_and_a_refusal_changes_nothing()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var steps = new[]
        {
            (Right: Users.Secretary(Committee.Biu), Wrong: Users.AdministrativeReviewer, Action: "submit"),
            (Right: Users.AdministrativeReviewer, Wrong: Users.Secretary(Committee.Biu), Action: "approve"),
            (Right: Users.CommitteeApprover(Committee.Biu), Wrong: Users.CouncilApprover, Action: "approve"),
            (Right: Users.CouncilApprover, Wrong: Users.Coordinator, Action: "approve"),
        };

        foreach (var step in steps)
        {
            var before = await app.StateOf(plan.Id);
            var refused = await ReviewApp.Act(await app.ClientFor(step.Wrong), plan.Id, step.Action, await app.ETagOf(plan.Id));

            var problem = await refused.AssertProblem(HttpStatusCode.Forbidden);
            Assert.Contains("may", problem.GetProperty("detail").GetString());
            Assert.Equal(before, await app.StateOf(plan.Id));
            await app.Take(step.Right, plan.Id, step.Action);
        }
    }

    [Fact]
    public async Task A_transition_without_if_match_is_refused_with_428()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var before = await app.StateOf(plan.Id);

        var response = await ReviewApp.Act(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, "submit", etag: null);

        await response.AssertProblem(HttpStatusCode.PreconditionRequired);
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task A_transition_on_a_stale_etag_is_a_409_and_changes_nothing()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));
        var edited = await (await Put(secretary, plan.Id, ReviewApp.CleanPlan("BIU", "Ny titel"), plan.ETag)).ReadOk<PlanResponse>();
        var before = await app.StateOf(plan.Id);

        var response = await ReviewApp.Act(secretary, plan.Id, "submit", plan.ETag);

        await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(before, await app.StateOf(plan.Id));
        Assert.Equal(Stages.AdministrativeReview, (await (await ReviewApp.Act(secretary, plan.Id, "submit", edited.ETag)).ReadOk<TransitionResponse>()).Stage);
    }

    [Fact]
    public async Task Returning_a_plan_requires_a_comment()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var before = await app.StateOf(plan.Id);

        var response = await ReviewApp.Act(reviewer, plan.Id, "return", await app.ETagOf(plan.Id), comment: "   ");

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Contains("comment", problem.ErrorFields());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task A_return_opens_the_next_draft_revision_which_the_secretary_may_edit_again()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        var returned = await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Beskriv aktiviteten nærmere.");
        var secretary = await app.ClientFor(Users.Secretary(Committee.Biu));
        var edited = await Put(secretary, plan.Id, ReviewApp.CleanPlan("BIU", "Revideret plan"), returned.ETag);

        Assert.Equal((Stages.Draft, 2), (returned.Stage, returned.Revision));
        Assert.Equal("Revideret plan", (await edited.ReadOk<PlanResponse>()).Title);
        var actions = await secretary.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        Assert.Equal(["submit"], actions!.Actions.Where(a => a.Allowed).Select(a => a.Action));
    }

    [Fact]
    public async Task Content_cannot_be_changed_outside_draft_and_the_409_names_the_stage()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var before = await app.StateOf(plan.Id);

        var response = await Put(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, ReviewApp.CleanPlan("BIU", "Sneget ind"), submitted.ETag);

        var problem = await response.AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains("Administrative review", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task An_unknown_action_is_a_400_listing_the_actions_of_the_workflow()
    {
        var plan = await app.CreatePlan(Committee.Biu);

        var problem = await (await ReviewApp.Act(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, "publish", plan.ETag))
            .AssertProblem(HttpStatusCode.BadRequest);
        var missing = await (await ReviewApp.Act(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, "", plan.ETag))
            .AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains("action", problem.ErrorFields());
        Assert.Contains("submit, approve, return", problem.GetProperty("detail").GetString());
        Assert.Contains("action", missing.ErrorFields());
    }

    [Fact]
    public async Task An_action_that_does_not_leave_the_current_stage_is_a_409()
    {
        var plan = await app.CreatePlan(Committee.Biu);

        var problem = await (await ReviewApp.Act(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, "approve", plan.ETag))
            .AssertProblem(HttpStatusCode.Conflict);

        Assert.Contains("'Draft'", problem.GetProperty("detail").GetString());
        Assert.Contains("Possible here: submit", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Submitting_is_blocked_by_errors_other_than_missing_indicators_and_the_422_lists_them()
    {
        var body = new
        {
            committee = "BIU",
            title = "Plan med mangler",
            objectives = new[] { new { title = "", goals = new[] { new { number = "", text = "", indicators = Array.Empty<object>(), activities = Array.Empty<object>() } } } },
        };
        var plan = await app.CreatePlan(Committee.Biu, body);
        var before = await app.StateOf(plan.Id);

        var response = await ReviewApp.Act(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, "submit", plan.ETag);

        var problem = await response.AssertProblem(HttpStatusCode.UnprocessableEntity);
        var guard = Assert.Single(problem.GetProperty("unmetGuards").EnumerateArray());
        Assert.Equal("no-errors-except-indicators", guard.GetProperty("guard").GetString());
        Assert.Equal(["goal-number-missing", "goal-text-missing"],
            guard.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).Order());
        Assert.Equal(before, await app.StateOf(plan.Id));
    }

    [Fact]
    public async Task Missing_indicators_do_not_stop_a_submit()
    {
        var plan = await app.CreatePlan(Committee.Biu, ReviewApp.PlanBody("BIU", "Uden indikatorer"));

        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        Assert.Equal(Stages.AdministrativeReview, submitted.Stage);
    }

    [Fact]
    public async Task Whoever_submitted_a_revision_may_not_approve_it_at_any_stage()
    {
        var both = await app.CreateUser("Sekretær og udvalgsgodkender", Committee.Biu, Roles.Secretary, Roles.CommitteeApprover);
        var client = await app.ClientFor(both);
        var plan = await (await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan("BIU"))).ReadOk<PlanResponse>();
        await app.Take(both, plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");
        var before = await app.StateOf(plan.Id);

        var actions = await client.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        var response = await ReviewApp.Act(client, plan.Id, "approve", await app.ETagOf(plan.Id));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("four-eyes", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.StateOf(plan.Id));
        var approve = Assert.Single(actions!.Actions, a => a.Action == "approve");
        Assert.False(approve.Allowed);
        Assert.Equal("four-eyes", Assert.Single(approve.BlockedBy).Guard);
        // Someone else of the committee may.
        Assert.Equal(Stages.CouncilApproval, (await app.Take(Users.CommitteeApprover(Committee.Biu), plan.Id, "approve")).Stage);
    }

    [Fact]
    public async Task A_reviewer_who_submitted_may_not_approve_at_administrative_review_either()
    {
        var both = await app.CreateUser("Sekretær og administrativ", Committee.Biu, Roles.Secretary, Roles.AdministrativeReviewer);
        var client = await app.ClientFor(both);
        var plan = await (await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan("BIU"))).ReadOk<PlanResponse>();
        await app.Take(both, plan.Id, "submit");

        var response = await ReviewApp.Act(client, plan.Id, "approve", await app.ETagOf(plan.Id));

        await response.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_committee_approver_approves_only_their_own_committees_plans()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");
        var other = await app.ClientFor(Users.CommitteeApprover(Committee.Tmu));
        var before = await app.StateOf(plan.Id);

        var actions = await other.GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions");
        var response = await ReviewApp.Act(other, plan.Id, "approve", await app.ETagOf(plan.Id));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("own committee", problem.GetProperty("detail").GetString());
        Assert.Empty(actions!.Actions);
        Assert.Equal(before, await app.StateOf(plan.Id));
        Assert.Equal(Stages.CouncilApproval, (await app.Take(Users.CommitteeApprover(Committee.Biu), plan.Id, "approve")).Stage);
    }

    [Fact]
    public async Task A_secretary_submits_only_their_own_committees_plans()
    {
        var both = await app.CreateUser("Sekretær i TMU og koordinator", Committee.Tmu, Roles.Secretary, Roles.Coordinator);
        var plan = await app.CreatePlan(Committee.Biu);

        var response = await ReviewApp.Act(await app.ClientFor(both), plan.Id, "submit", plan.ETag);

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("own committee", problem.GetProperty("detail").GetString());
        Assert.Equal(Stages.Draft, (await app.StateOf(plan.Id)).Stage);
    }

    [Fact]
    public async Task The_history_lists_every_action_with_who_when_comment_and_revision()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var started = DateTime.UtcNow.AddSeconds(-1);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Indikatoren skal have et tal.");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        var client = await app.ClientFor(Users.Coordinator);
        var history = (await client.GetFromJsonAsync<List<JournalEntryResponse>>($"/api/plans/{plan.Id}/history"))!;
        var raw = await client.GetStringAsync($"/api/plans/{plan.Id}/history");

        Assert.Equal(["submit", "return", "submit"], history.Select(h => h.Action));
        Assert.Equal([Stages.Draft, Stages.AdministrativeReview, Stages.Draft], history.Select(h => h.FromStage));
        Assert.Equal([Stages.AdministrativeReview, Stages.Draft, Stages.AdministrativeReview], history.Select(h => h.ToStage));
        Assert.Equal(["Sekretær, Beskæftigelses- og Integrationsudvalget", "Administrativ sagsbehandler", "Sekretær, Beskæftigelses- og Integrationsudvalget"],
            history.Select(h => h.ActorName));
        Assert.Equal([null, "Indikatoren skal have et tal.", null], history.Select(h => h.Comment));
        Assert.Equal([1, 1, 2], history.Select(h => h.Revision));
        Assert.Equal("Administrativ behandling", history[0].ToStageName!.Da);
        Assert.All(history, h => Assert.InRange(h.AtUtc, started, DateTime.UtcNow.AddSeconds(1)));
        Assert.All(JsonDocument.Parse(raw).RootElement.EnumerateArray(), e => Assert.EndsWith("Z", e.GetProperty("atUtc").GetString()));
    }

    [Fact]
    public async Task A_secretary_of_another_committee_can_neither_see_the_actions_nor_the_history()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var other = await app.ClientFor(Users.Secretary(Committee.Kfu));

        await (await other.GetAsync($"/api/plans/{plan.Id}/actions")).AssertProblem(HttpStatusCode.Forbidden);
        await (await other.GetAsync($"/api/plans/{plan.Id}/history")).AssertProblem(HttpStatusCode.Forbidden);
        await (await ReviewApp.Act(other, plan.Id, "submit", plan.ETag)).AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_actions_show_the_stage_its_due_date_and_whether_a_comment_is_needed()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        var actions = (await (await app.ClientFor(Users.AdministrativeReviewer)).GetFromJsonAsync<PlanActionsResponse>($"/api/plans/{plan.Id}/actions"))!;

        Assert.Equal(Stages.AdministrativeReview, actions.Stage.Id);
        Assert.Equal(10, actions.Stage.DueDays);
        Assert.Equal(actions.Stage.EnteredUtc.AddDays(10), actions.Stage.DueUtc);
        Assert.Equal(submitted.ETag, actions.ETag);
        Assert.Equal([("approve", false, true), ("return", true, true)],
            actions.Actions.Select(a => (a.Action, a.CommentRequired, a.Allowed)));
        Assert.Equal("Send tilbage", actions.Actions[1].Name.Da);
    }

    [Theory]
    [InlineData("administrative-review")]
    [InlineData("adopted")]
    public async Task The_stage_filter_accepts_the_stages_of_the_loaded_definitions(string stage)
    {
        var response = await (await app.ClientFor(Users.Coordinator)).GetAsync($"/api/plans?stage={stage}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A BIU plan submitted, returned with a comment, submitted again and approved to adoption: six events.</summary>
    private async Task<PlanResponse> ReturnedOnceThenAdopted()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Tilføj en aktivitet mere.");
        await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");
        await app.Take(Users.CommitteeApprover(Committee.Biu), plan.Id, "approve");
        await app.Take(Users.CouncilApprover, plan.Id, "approve");
        return plan;
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Guid id, object body, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{id}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Parse(etag));
        return client.SendAsync(request);
    }
}
