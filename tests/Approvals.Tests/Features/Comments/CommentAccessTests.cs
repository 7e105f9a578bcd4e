using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Core.Workflow;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Comments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Approvals.Tests.Features.Comments.CommentSteps;

namespace Approvals.Tests.Features.Comments;

/// <summary>Who may comment, reply, mark answered and resolve, in which stage; a refusal changes nothing.</summary>
[Collection(ReviewCollection.Name)]
public sealed class CommentAccessTests(ReviewApp app)
{
    private Task<int> CountOf(Guid planId) => app.WithDb(db => db.PlanComments.CountAsync(c => c.PlanId == planId));

    private Task<int> RepliesOf(Guid planId) =>
        app.WithDb(db => db.CommentReplies.CountAsync(r => db.PlanComments.Any(c => c.Id == r.CommentId && c.PlanId == planId)));

    [Fact]
    public async Task Only_the_reviewers_of_the_current_stage_may_comment_and_only_while_it_is_under_review()
    {
        var plan = await SubmittedPlan(app, "Adgang: kommentarer");

        // Administrative review: its reviewers, no one else.
        foreach (var email in new[] { Secretary, Users.CouncilApprover, Users.CommitteeApprover(Committee.Kfu), Users.Coordinator, Users.Administrator })
        {
            var refused = await Write(await app.ClientFor(email), plan.Id, Anchor(plan, 1), "Ikke min fase.");
            await refused.AssertProblem(HttpStatusCode.Forbidden);
        }

        await (await Write(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, Anchor(plan, 1), "Andet udvalg.")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountOf(plan.Id));
        var written = await Write(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, null, "Planen som helhed er klar.");
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        var comment = await written.ReadOk<CommentResponse>();
        Assert.Null(comment.Anchor);
        Assert.Equal($"/api/plans/{plan.Id}/comments/{comment.Id}", written.Headers.Location!.AbsolutePath);

        // Committee approval: the plan's own committee's approvers, not another committee's.
        await app.Take(Users.AdministrativeReviewer, plan.Id, "approve");
        await (await Write(await app.ClientFor(Users.CommitteeApprover(Committee.Biu)), plan.Id, Anchor(plan, 1), "Andet udvalg.")).AssertProblem(HttpStatusCode.Forbidden);
        await (await Write(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, Anchor(plan, 1), "Ikke længere min fase.")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await Write(await app.ClientFor(Users.CommitteeApprover(Committee.Kfu)), plan.Id, Anchor(plan, 3), "Udvalget vil se mål 3 uddybet.")).StatusCode);

        // In draft no one comments; once adopted the comments are closed.
        await app.Take(Users.CommitteeApprover(Committee.Kfu), plan.Id, "return", "Se kommentaren.");
        var draft = await (await Write(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, Anchor(plan, 1), "Kladde.")).AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains("draft", draft.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, await CountOf(plan.Id));
    }

    [Fact]
    public async Task Secretaries_reply_and_mark_answered_reviewers_resolve_and_a_resolved_thread_is_closed()
    {
        var plan = await SubmittedPlan(app, "Adgang: svar");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var secretary = await app.ClientFor(Secretary);
        var first = await (await Write(reviewer, plan.Id, Anchor(plan, 1), "Første.")).ReadOk<CommentResponse>();
        var second = await (await Write(reviewer, plan.Id, Anchor(plan, 2), "Anden.")).ReadOk<CommentResponse>();

        // Reading: everyone who reads the plan; another committee's secretary does not.
        await (await (await app.ClientFor(Users.Secretary(Committee.Biu))).GetAsync($"/api/plans/{plan.Id}/comments")).AssertProblem(HttpStatusCode.Forbidden);
        await (await Reply(await app.ClientFor(Users.Secretary(Committee.Biu)), plan.Id, first.Id, "Andet udvalg.")).AssertProblem(HttpStatusCode.Forbidden);
        await (await Reply(await app.ClientFor(Users.Coordinator), plan.Id, first.Id, "Koordinator.")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, await RepliesOf(plan.Id));

        // Marking answered is the secretary's; resolving is the author's and the stage's reviewers'.
        await (await Post(reviewer, plan.Id, first.Id, "answered")).AssertProblem(HttpStatusCode.Forbidden);
        var notHers = await (await Post(secretary, plan.Id, first.Id, "resolve")).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Contains("mark it answered", notHers.GetProperty("detail").GetString());
        Assert.Equal(CommentStatus.Answered, (await (await Post(secretary, plan.Id, first.Id, "answered")).ReadOk<CommentResponse>()).Status);
        Assert.Equal(CommentStatus.Answered, (await (await Post(secretary, plan.Id, first.Id, "answered")).ReadOk<CommentResponse>()).Status);

        // A reviewer's reply to an answer opens the comment again; the secretary's next reply answers it.
        Assert.Equal(CommentStatus.Open, (await (await Reply(reviewer, plan.Id, first.Id, "Ikke helt.")).ReadOk<CommentResponse>()).Status);
        var answered = await (await Reply(secretary, plan.Id, first.Id, "Nu er det rettet.")).ReadOk<CommentResponse>();
        Assert.Equal(CommentStatus.Answered, answered.Status);
        Assert.Equal([false, true], answered.Replies.Select(r => r.BySecretary));

        Assert.Equal(CommentStatus.Resolved, (await (await Post(reviewer, plan.Id, first.Id, "resolve")).ReadOk<CommentResponse>()).Status);
        await (await Reply(secretary, plan.Id, first.Id, "Efter løsning.")).AssertProblem(HttpStatusCode.Conflict);
        await (await Post(secretary, plan.Id, first.Id, "answered")).AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(2, await RepliesOf(plan.Id));

        Assert.Equal([second.Id], (await CommentsOf(app, plan.Id, "open")).Select(c => c.Id));
        Assert.Equal([first.Id], (await CommentsOf(app, plan.Id, "resolved")).Select(c => c.Id));
        await (await reviewer.GetAsync($"/api/plans/{plan.Id}/comments/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound);
        await (await Reply(secretary, Guid.NewGuid(), first.Id, "Ingen plan.")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_stored()
    {
        var plan = await SubmittedPlan(app, "Adgang: input");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var goal = plan.Objectives[0].Goals[0];

        async Task Refused(object? anchor, string text, string field)
        {
            var problem = await (await Write(reviewer, plan.Id, anchor, text)).AssertProblem(HttpStatusCode.BadRequest);
            Assert.Equal([field], problem.ErrorFields());
        }

        await Refused(Anchor(plan, 1), "   ", "text");
        await Refused(Anchor(plan, 1), new string('x', CommentRules.MaxTextLength + 1), "text");
        await Refused(new { objective = plan.Objectives[0].Id, goal = "ukendt-mål" }, "Hvilket mål?", "anchor.goal");
        await Refused(new { objective = plan.Objectives[0].Id, goal = "Ikke Et Id" }, "Hvilket mål?", "anchor.goal");
        await Refused(new { objective = plan.Objectives[0].Id, goal = goal.Id, indicator = plan.Objectives[0].Goals[1].Indicators[0].Id }, "Andet måls indikator.", "anchor.indicator");
        await Refused(new { objective = "o9", goal = goal.Id }, "Forkert målsætning.", "anchor.objective");
        await Refused(new { goal = goal.Id }, "Ingen målsætning.", "anchor.objective");
        await (await reviewer.GetAsync($"/api/plans/{plan.Id}/comments?status=lukket")).AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountOf(plan.Id));
    }

    [Fact]
    public async Task A_plan_takes_at_most_its_limit_of_comments()
    {
        var plan = await SubmittedPlan(app, "Adgang: grænse");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Approvals.Persistence.ApprovalsDbContext>();
            var stored = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == plan.Id);
            var definition = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().DefinitionOf(stored);
            var reviewer = new WorkflowActor("fyld", "Fyld", [Approvals.Core.Accounts.Roles.AdministrativeReviewer], null);
            db.PlanComments.AddRange(Enumerable.Range(0, CommentRules.MaxCommentsPerPlan)
                .Select(n => CommentRules.Write(definition, stored, reviewer, CommentAnchor.WholePlan, $"Kommentar {n}", n, DateTime.UtcNow)));
            await db.SaveChangesAsync();
        }

        var refused = await (await Write(await app.ClientFor(Users.AdministrativeReviewer), plan.Id, null, "En for meget.")).AssertProblem(HttpStatusCode.Conflict);

        Assert.Contains($"{CommentRules.MaxCommentsPerPlan}", refused.GetProperty("detail").GetString());
        Assert.Equal(CommentRules.MaxCommentsPerPlan, await CountOf(plan.Id));
    }

    [Fact]
    public async Task Two_replies_sent_at_once_are_both_kept()
    {
        var plan = await SubmittedPlan(app, "Adgang: samtidig");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var comment = await (await Write(reviewer, plan.Id, Anchor(plan, 1), "Samtidige svar.")).ReadOk<CommentResponse>();
        var secretary = await app.ClientFor(Secretary);

        var replies = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => Reply(n % 2 == 0 ? secretary : reviewer, plan.Id, comment.Id, $"Svar {n}")));

        Assert.All(replies, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(4, (await CommentsOf(app, plan.Id)).Single().Replies.Count);
    }
}
