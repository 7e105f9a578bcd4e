using System.Text.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Tests.Features.Deadlines;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Delegation;

/// <summary>
/// Delegation while away through the API: the rules a delegation must keep, and what it does while it runs (acting,
/// journal, four-eyes for both, tasks, notifications) and after it ends, on a clock the test moves.
/// </summary>
public sealed class DelegationTests(DeadlineApp app) : IClassFixture<DeadlineApp>
{
    private DateTime Now => app.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task Each_broken_rule_gets_400_naming_the_field_and_stores_nothing()
    {
        var delegator = await Reviewer("Fraværende godkender");
        var other = await Reviewer("Anden godkender");
        var away = await Reviewer("Selv fraværende");
        var gone = await app.CreateUser("Deaktiveret", null, Roles.Coordinator);
        var admin = await app.ClientFor(Users.Administrator);
        (await admin.PostAsync($"/api/users/{await IdOf(gone)}/deactivate", null)).EnsureSuccessStatusCode();
        var client = await app.ClientFor(delegator);
        await Give(await app.ClientFor(away), await IdOf(other), Now.AddDays(2), Now.AddDays(4));
        await Give(client, await IdOf(other), Now.AddDays(10), Now.AddDays(12));
        var stored = await Count();

        var cases = new (string Field, object Body)[]
        {
            ("toUserId", new { toUserId = await IdOf(delegator), fromUtc = Now, toUtc = Now.AddDays(1) }),
            ("toUserId", new { toUserId = "no-such-account", fromUtc = Now, toUtc = Now.AddDays(1) }),
            ("toUserId", new { toUserId = await IdOf(gone), fromUtc = Now, toUtc = Now.AddDays(1) }),
            ("toUtc", new { toUserId = await IdOf(other), fromUtc = Now.AddDays(1), toUtc = Now.AddDays(1) }),
            ("toUtc", new { toUserId = await IdOf(other), fromUtc = Now.AddDays(-3), toUtc = Now.AddDays(-1) }),
            ("toUtc", new { toUserId = await IdOf(other), fromUtc = Now, toUtc = Now.AddDays(400) }),
            ("fromUtc", new { toUserId = await IdOf(other), fromUtc = Now.AddDays(11), toUtc = Now.AddDays(20) }),
            ("toUserId", new { toUserId = await IdOf(away), fromUtc = Now.AddDays(3), toUtc = Now.AddDays(5) }),
            ("toUserId", new { fromUtc = Now, toUtc = Now.AddDays(1) }),
            ("fromUtc", new { toUserId = await IdOf(other), toUtc = Now.AddDays(1) }),
        };
        foreach (var (field, body) in cases)
        {
            var response = await client.PutAsJsonAsync("/api/account/delegation", body);
            var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{JsonSerializer.Serialize(body)}: {problem}");
        }

        Assert.Equal(stored, await Count());
    }

    [Fact]
    public async Task Someone_without_a_reviewer_role_gets_403_and_nothing_is_stored()
    {
        var stored = await Count();
        var client = await app.ClientFor(await app.CreateUser("Koordinator uden godkenderrolle", null, Roles.Coordinator));

        var response = await client.PutAsJsonAsync("/api/account/delegation",
            new { toUserId = await IdOf(Users.Coordinator), fromUtc = Now, toUtc = Now.AddDays(1) });

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("reviewer", problem.GetProperty("detail").GetString());
        Assert.Equal(stored, await Count());
    }

    [Fact]
    public async Task The_delegate_approves_on_behalf_of_the_delegator_until_the_delegation_ends()
    {
        var delegator = await Reviewer("Godkender på ferie");
        var @delegate = await app.CreateUser("Stedfortræder", null, Roles.Coordinator);
        var first = await Submitted(Committee.Biu);
        var second = await Submitted(Committee.Biu);
        var asDelegate = await app.ClientFor(@delegate);
        Assert.Equal(HttpStatusCode.Forbidden, (await ReviewApp.Act(asDelegate, first.Id, "approve", await ETag(first.Id))).StatusCode);

        await Give(await app.ClientFor(delegator), await IdOf(@delegate), Now, Now.AddHours(3));
        var home = await PageClient.SignIn(app, @delegate);
        var tasks = await home.Html("/");
        Assert.Contains(first.Title, tasks);
        Assert.Contains("på vegne af Godkender på ferie", tasks);
        var taken = await ReviewApp.Act(asDelegate, first.Id, "approve", await ETag(first.Id));
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);

        var history = await (await app.ClientFor(Users.Coordinator)).GetFromJsonAsync<List<JournalEntryResponse>>($"/api/plans/{first.Id}/history");
        var approval = history![^1];
        Assert.Equal(("approve", await IdOf(@delegate), await IdOf(delegator), "Godkender på ferie"),
            (approval.Action, approval.ActorId, approval.OnBehalfOfId, approval.OnBehalfOfName));
        Assert.Contains("Stedfortræder på vegne af Godkender på ferie", await home.Html($"/planer/{first.Id}"));
        await app.Delivered(first.Id);
        var told = await app.WithDb(db => db.Notifications.AsNoTracking()
            .Where(n => n.PlanId == first.Id && n.Kind == "PlanApproved").Select(n => n.Body).ToListAsync());
        Assert.NotEmpty(told);
        Assert.All(told, body => Assert.StartsWith("Stedfortræder på vegne af Godkender på ferie har godkendt handleplanen", body));

        app.Advance(TimeSpan.FromHours(3));
        asDelegate = await app.ClientFor(@delegate);
        var refused = await ReviewApp.Act(asDelegate, second.Id, "approve", await ETag(second.Id));
        await refused.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(Stages.AdministrativeReview, await StageOf(second.Id));
        Assert.DoesNotContain(second.Title, await (await PageClient.SignIn(app, @delegate)).Html("/"));
        Assert.Empty((await (await app.ClientFor(@delegate)).GetFromJsonAsync<DelegationsResponse>("/api/account/delegation"))!.Received);
    }

    [Fact]
    public async Task A_stand_in_from_another_committee_reads_the_plan_through_the_api_while_the_delegation_runs()
    {
        // A secretary of another committee reads only their own committee's plans; as a reviewer's stand-in they may act
        // on this one, so they read it too: the plan, its actions, history, revisions, comments, changes, flags, document.
        var delegator = await Reviewer("Godkender der rejser");
        var @delegate = await app.CreateUser("Sekretær i et andet udvalg", Committee.Kfu, Roles.Secretary);
        var plan = await Submitted(Committee.Biu);
        string[] reads =
        [
            $"/api/plans/{plan.Id}", $"/api/plans/{plan.Id}/actions", $"/api/plans/{plan.Id}/history",
            $"/api/plans/{plan.Id}/revisions", $"/api/plans/{plan.Id}/revisions/1", $"/api/plans/{plan.Id}/comments",
            $"/api/plans/{plan.Id}/changes?from=1", $"/api/plans/{plan.Id}/validation", $"/api/plans/{plan.Id}/document",
        ];

        Assert.All(await Statuses(), s => Assert.Equal(HttpStatusCode.Forbidden, s.Status));
        await Give(await app.ClientFor(delegator), await IdOf(@delegate), Now, Now.AddHours(3));
        Assert.All(await Statuses(), s => Assert.True(s.Status == HttpStatusCode.OK, $"{s.Path}: {s.Status}"));
        app.Advance(TimeSpan.FromHours(3));
        Assert.All(await Statuses(), s => Assert.True(s.Status == HttpStatusCode.Forbidden, $"{s.Path}: {s.Status}"));

        async Task<List<(string Path, HttpStatusCode Status)>> Statuses()
        {
            var client = await app.ClientFor(@delegate);
            var statuses = new List<(string, HttpStatusCode)>();
            foreach (var path in reads)
            {
                statuses.Add((path, (await client.GetAsync(path)).StatusCode));
            }

            return statuses;
        }
    }

    [Fact]
    public async Task A_stand_in_comments_on_the_plan_as_its_reviewer_while_the_delegation_runs_and_not_after()
    {
        // A secretary of another committee neither reads nor reviews this plan; as the away reviewer's stand-in they
        // write review comments on it as the reviewer would, and the comment is theirs.
        var delegator = await Reviewer("Godkender der sjældent er hjemme");
        var @delegate = await app.CreateUser("Kommenterende stedfortræder", Committee.Kfu, Roles.Secretary);
        var plan = await Submitted(Committee.Biu);

        await (await Comment()).AssertProblem(HttpStatusCode.Forbidden);
        await Give(await app.ClientFor(delegator), await IdOf(@delegate), Now, Now.AddHours(3));
        var written = await Comment();
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        var delegateId = await IdOf(@delegate);
        var stored = await app.WithDb(db => db.PlanComments.AsNoTracking().Where(c => c.PlanId == plan.Id).ToListAsync());
        Assert.Equal((delegateId, "Kommenterende stedfortræder"), (Assert.Single(stored).AuthorId, stored[0].AuthorName));
        app.Advance(TimeSpan.FromHours(3));
        await (await Comment()).AssertProblem(HttpStatusCode.Forbidden);

        async Task<HttpResponseMessage> Comment() =>
            await (await app.ClientFor(@delegate)).PostAsJsonAsync($"/api/plans/{plan.Id}/comments", new { text = "Målet mangler en dato." });
    }

    [Fact]
    public async Task Ending_a_delegation_takes_the_authority_away_at_once()
    {
        var delegator = await Reviewer("Godkender der kom tilbage");
        var @delegate = await app.CreateUser("Kortvarig stedfortræder", null, Roles.Coordinator);
        var plan = await Submitted(Committee.Biu);
        var client = await app.ClientFor(delegator);
        await Give(client, await IdOf(@delegate), Now, Now.AddDays(2));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/account/delegation")).StatusCode);

        await (await ReviewApp.Act(await app.ClientFor(@delegate), plan.Id, "approve", await ETag(plan.Id))).AssertProblem(HttpStatusCode.Forbidden);
        await (await client.DeleteAsync("/api/account/delegation")).AssertProblem(HttpStatusCode.NotFound);
        var delegateId = await IdOf(@delegate);
        var ended = await app.WithDb(db => db.Delegations.AsNoTracking().Where(d => d.DelegateId == delegateId).ToListAsync());
        Assert.NotNull(Assert.Single(ended).EndedUtc);
    }

    [Fact]
    public async Task Four_eyes_refuses_when_the_delegator_submitted_the_revision()
    {
        var delegator = await app.CreateUser("Sekretær og administrativ godkender", Committee.Biu, Roles.Secretary, Roles.AdministrativeReviewer);
        var @delegate = await app.CreateUser("Stedfortræder for sekretæren", null, Roles.Coordinator);
        var plan = await app.CreatePlan(Committee.Biu);
        await app.Take(delegator, plan.Id, "submit");
        await Give(await app.ClientFor(delegator), await IdOf(@delegate), Now, Now.AddDays(1));

        var response = await ReviewApp.Act(await app.ClientFor(@delegate), plan.Id, "approve", await ETag(plan.Id));

        var problem = await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("whom you act for, submitted revision 1", problem.GetProperty("detail").GetString());
        Assert.Equal(Stages.AdministrativeReview, await StageOf(plan.Id));
    }

    [Fact]
    public async Task Four_eyes_refuses_when_the_delegator_or_the_delegate_approved_the_revision_earlier()
    {
        var delegator = await app.CreateUser("Godkender i to faser", Committee.Biu, Roles.AdministrativeReviewer, Roles.CommitteeApprover);
        var plan = await Submitted(Committee.Biu);
        await app.Take(delegator, plan.Id, "approve");
        var @delegate = await app.CreateUser("Stedfortræder for udvalget", null, Roles.Coordinator);
        var client = await app.ClientFor(delegator);
        await Give(client, await IdOf(@delegate), Now, Now.AddDays(1));

        var byDelegator = await ReviewApp.Act(await app.ClientFor(@delegate), plan.Id, "approve", await ETag(plan.Id));
        Assert.Contains("whom you act for, already approved revision 1", (await byDelegator.AssertProblem(HttpStatusCode.Forbidden)).GetProperty("detail").GetString());

        // The delegate approved in the administrative stage, and now holds a committee approver's authority.
        var other = await Submitted(Committee.Biu);
        var reviewer = await app.CreateUser("Administrativ stedfortræder", null, Roles.AdministrativeReviewer);
        await app.Take(reviewer, other.Id, "approve");
        var approver = await app.CreateUser("Udvalgsgodkender på ferie", Committee.Biu, Roles.CommitteeApprover);
        await Give(await app.ClientFor(approver), await IdOf(reviewer), Now, Now.AddDays(1));

        var byDelegate = await ReviewApp.Act(await app.ClientFor(reviewer), other.Id, "approve", await ETag(other.Id));
        Assert.Contains("You already approved revision 1", (await byDelegate.AssertProblem(HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Equal(Stages.CommitteeApproval, await StageOf(other.Id));
    }

    [Fact]
    public async Task The_delegate_gets_the_delegators_notification_exactly_once()
    {
        var away = await Reviewer("Fraværende modtager");
        var alsoAway = await Reviewer("Anden fraværende modtager");
        var @delegate = await app.CreateUser("Modtagende stedfortræder", null, Roles.Coordinator);
        var reviewerDelegate = await Reviewer("Godkender der får det alligevel");
        await Give(await app.ClientFor(away), await IdOf(@delegate), Now, Now.AddDays(1));
        await Give(await app.ClientFor(alsoAway), await IdOf(reviewerDelegate), Now, Now.AddDays(1));

        var plan = await Submitted(Committee.Biu);
        await app.Delivered(plan.Id);

        var inbox = await app.InboxNow(plan.Id, "PlanSubmitted");
        Assert.Single(inbox, e => e.StartsWith(@delegate + ":", StringComparison.Ordinal));
        Assert.Single(inbox, e => e.StartsWith(reviewerDelegate + ":", StringComparison.Ordinal));
        Assert.Single(inbox, e => e.StartsWith(away + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_administrator_sets_and_ends_a_delegation_for_someone_who_is_ill_recorded_in_the_account_history()
    {
        var ill = await Reviewer("Syg godkender");
        var @delegate = await app.CreateUser("Stedfortræder for den syge", null, Roles.Coordinator);
        var admin = await app.ClientFor(Users.Administrator);
        var id = await IdOf(ill);

        var set = await admin.PutAsJsonAsync($"/api/users/{id}/delegation", new { toUserId = await IdOf(@delegate), fromUtc = Now, toUtc = Now.AddDays(5) });
        var given = Assert.Single((await set.ReadOk<DelegationsResponse>()).Given);
        Assert.Equal((await IdOf(@delegate), true), (given.Delegate.Id, given.Running));
        Assert.Single((await (await app.ClientFor(@delegate)).GetFromJsonAsync<DelegationsResponse>("/api/account/delegation"))!.Received);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{id}/delegation")).StatusCode);
        await (await admin.DeleteAsync($"/api/users/{id}/delegation")).AssertProblem(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync($"/api/users/{await IdOf(@delegate)}/delegation", new { toUserId = id, fromUtc = Now, toUtc = Now.AddDays(1) }))
            .AssertProblem(HttpStatusCode.BadRequest);

        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}/history");
        var adminId = await IdOf(Users.Administrator);
        var actions = history.EnumerateArray().Select(c => (c.GetProperty("action").GetString(), c.GetProperty("actorId").GetString())).ToList();
        Assert.Contains((Delegations.Actions.Given, adminId), actions);
        Assert.Contains((Delegations.Actions.Ended, adminId), actions);
        Assert.Empty((await (await app.ClientFor(@delegate)).GetFromJsonAsync<DelegationsResponse>("/api/account/delegation"))!.Received);
    }

    private Task<string> Reviewer(string name) => app.CreateUser(name, null, Roles.AdministrativeReviewer);

    private async Task<PlanResponse> Submitted(Committee committee)
    {
        var secretary = await app.ClientFor(Users.Secretary(committee));
        var plan = await (await secretary.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(committee.Code, $"Plan {Guid.NewGuid():N}"))).ReadOk<PlanResponse>();
        await app.Take(Users.Secretary(committee), plan.Id, "submit");
        return plan;
    }

    private async Task<string> ETag(Guid planId)
    {
        var response = await (await app.ClientFor(Users.Coordinator)).GetAsync($"/api/plans/{planId}");
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.ToString();
    }

    private static async Task Give(HttpClient client, string toUserId, DateTime from, DateTime to)
    {
        var response = await client.PutAsJsonAsync("/api/account/delegation", new { toUserId, fromUtc = from, toUtc = to });
        await response.ReadOk<DelegationsResponse>();
    }

    private Task<string> IdOf(string email) => app.WithDb(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private Task<string> StageOf(Guid planId) => app.WithDb(db => db.Plans.AsNoTracking().Where(p => p.Id == planId).Select(p => p.Stage).SingleAsync());

    private Task<int> Count() => app.WithDb(db => db.Delegations.CountAsync());
}
