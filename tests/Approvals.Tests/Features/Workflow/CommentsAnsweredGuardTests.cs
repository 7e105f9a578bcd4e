using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Core.Workflow;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Workflow;

/// <summary>The <c>comments-answered</c> guard on submit in the shipped definition, on the pure runtime.</summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class CommentsAnsweredGuardTests
{
    private static readonly WorkflowRuntime Runtime = new(WorkflowCatalog.Load(DefinitionFolder.ShippedFolder, WorkflowIds.CommitteePlan));
    private static readonly WorkflowActor Secretary = new("sek", "Sekretær", [Roles.Secretary], Committee.Kfu.Code);
    private static readonly WorkflowActor Reviewer = new("adm", "Anne Administrativ", [Roles.AdministrativeReviewer], null);
    private static readonly DateTime Now = new(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc);

    private static Plan Returned(IReadOnlyList<OpenComment> open, out PlanReturned returned)
    {
        var content = new PlanContent([new Objective("Kultur", [new ResultGoal("1", "Flere besøgende", [new Indicator("Antallet skal stige med 10 procent")], [])])]);
        var plan = Runtime.StartPlan(Committee.Kfu, "Plan", Secretary.Id, content, Now);
        Runtime.Take(new GuardContext(plan, []), Secretary, "submit", null, Now);
        returned = (PlanReturned)Runtime.Take(new GuardContext(plan, open), Reviewer, "return", "Se kommentarerne.", Now).Event;
        return plan;
    }

    private static OpenComment OnGoal(Plan plan, string text, int revision = 1) =>
        new(Guid.NewGuid(), revision, new CommentAnchor(plan.Content.Objectives[0].Id, plan.Content.Goals.First().Id, null), Reviewer.Name, text, "1");

    [Fact]
    public void A_comment_from_the_returned_round_blocks_the_submit_and_is_named()
    {
        var plan = Returned([], out _);
        var comment = OnGoal(plan, "Indikatoren mangler et udgangspunkt.");

        var refused = Assert.Throws<TransitionRefusedException>(() => Runtime.Take(new GuardContext(plan, [comment]), Secretary, "submit", null, Now));

        Assert.Equal(RefusalReason.GuardsUnmet, refused.Reason);
        var unmet = Assert.Single(refused.UnmetGuards);
        Assert.Equal(WorkflowGuards.CommentsAnswered, unmet.Guard);
        var finding = Assert.Single(unmet.Findings);
        Assert.Equal((WorkflowGuards.CommentUnanswered, "1", comment.Id), (finding.Code, finding.GoalNumber, finding.CommentId));
        Assert.Contains("Indikatoren mangler et udgangspunkt.", finding.MessageDa);
        Assert.Equal(Stages.Draft, plan.Stage);
    }

    [Fact]
    public void Once_no_comment_of_an_earlier_round_is_open_the_plan_can_be_submitted()
    {
        var plan = Returned([], out _);

        var result = Runtime.Take(new GuardContext(plan, [OnGoal(plan, "Skrevet på denne udgave", revision: plan.Revision)]), Secretary, "submit", null, Now);

        Assert.Equal(Stages.AdministrativeReview, result.ToStage);
    }

    [Fact]
    public async Task A_caller_that_did_not_load_the_comments_is_told_so_rather_than_passed()
    {
        var plan = Returned([], out _);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runtime.ActionsFor(plan, Secretary));

        Assert.Contains("comments-answered", error.Message);
    }

    [Fact]
    public void A_return_lists_the_open_comments_in_its_event()
    {
        var plan = Returned([], out var none);
        var comment = OnGoal(plan, "Skriv hvornår målet skal være nået.");
        Returned([comment with { Anchor = CommentAnchor.WholePlan, GoalNumber = null }], out var listed);

        Assert.Empty(none.OpenComments!);
        var entry = Assert.Single(listed.OpenComments!);
        Assert.Equal((comment.Id, (string?)null, "Skriv hvornår målet skal være nået."), (entry.CommentId, entry.GoalNumber, entry.Excerpt));
    }

    [Fact]
    public void Only_a_submit_a_return_and_the_list_of_a_draft_s_actions_read_the_open_comments()
    {
        var plan = Returned([], out _);
        Assert.True(Runtime.ReadsOpenComments(plan, "submit"));
        Assert.True(Runtime.ReadsOpenComments(plan, null));

        Runtime.Take(new GuardContext(plan, []), Secretary, "submit", null, Now);

        Assert.False(Runtime.ReadsOpenComments(plan, "approve"));
        Assert.False(Runtime.ReadsOpenComments(plan, null));
        Assert.True(Runtime.ReadsOpenComments(plan, "return"));
        Assert.False(Runtime.ReadsOpenComments(plan, "no-such-action"));
        // So an approval needs no query for them, and the guards it runs never ask for them.
        var approved = Runtime.Take(new GuardContext(plan), Reviewer, "approve", null, Now);
        Assert.Equal(Stages.CommitteeApproval, approved.ToStage);
    }

    [Fact]
    public void The_event_of_a_transition_names_its_actor_and_the_plans_owner_so_a_delivery_need_not_look_them_up()
    {
        var plan = Returned([], out var returned);

        Assert.Equal((Reviewer.Name, Secretary.Id), (returned.ActorName, returned.OwnerId));
        var submitted = Runtime.Take(new GuardContext(plan, []), Secretary, "submit", null, Now).Event;
        Assert.Equal((Secretary.Name, Secretary.Id), (submitted.ActorName, submitted.OwnerId));
    }
}
