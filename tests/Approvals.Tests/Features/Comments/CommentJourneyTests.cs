using System.Text.Json;
using Approvals.Core.Contracts;
using Approvals.Core.Review;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Changes;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using static Approvals.Tests.Features.Comments.CommentSteps;

namespace Approvals.Tests.Features.Comments;

/// <summary>The journey over the API: comments follow their goals through a move, and resubmitting waits for the answers.</summary>
[Collection(ReviewCollection.Name)]
public sealed class CommentJourneyTests(ReviewApp app)
{
    [Fact]
    public async Task Comments_stay_with_their_goals_the_changes_show_only_the_edit_and_the_move_and_submit_waits_for_answers()
    {
        var plan = await SubmittedPlan(app);
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);

        // The reviewer comments on goal 2 and on goal 5's indicator, and returns the plan.
        var onGoal2 = await (await Write(reviewer, plan.Id, Anchor(plan, 2), "Mål 2 skal have en tidsramme.")).ReadOk<CommentResponse>();
        var onGoal5 = await (await Write(reviewer, plan.Id, Anchor(plan, 5, indicator: 1), "Hvor mange besøgende er udgangspunktet?")).ReadOk<CommentResponse>();
        Assert.Equal((CommentStatus.Open, 1, "2"), (onGoal2.Status, onGoal2.Revision, onGoal2.Location!.GoalNumber));
        Assert.Equal((5, 1), (onGoal5.Location!.Goal, onGoal5.Location.Indicator));
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Se mine kommentarer til mål 2 og 5.");

        var returned = Assert.IsType<PlanReturned>(Outbox.Deserialize((await app.OutboxOf(plan.Id))[^1]));
        Assert.Equal([("2", onGoal2.Id), ("5", onGoal5.Id)], returned.OpenComments!.Select(c => (c.GoalNumber, c.CommentId)));

        // The secretary moves goal 5 above goal 2 and edits goal 2's indicator, keeping the ids.
        var draft = await Get(app, plan.Id);
        var goals = draft.Objectives[0].Goals;
        var edited = goals[1] with { Indicators = [goals[1].Indicators[0] with { Text = "Antallet af besøgende skal stige med 10 procent inden 2027" }] };
        var moved = draft.Objectives[0] with { Goals = [goals[0], goals[4], edited, goals[2], goals[3]] };
        (await Put(app, draft, new[] { moved })).EnsureSuccessStatusCode();

        // Resubmitting before replying is blocked, and the block names both comments.
        var secretary = await app.ClientFor(Secretary);
        var actions = await secretary.GetFromJsonAsync<JsonElement>($"/api/plans/{plan.Id}/actions");
        var submit = actions.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("action").GetString() == "submit");
        Assert.False(submit.GetProperty("allowed").GetBoolean());
        var blocked = Assert.Single(submit.GetProperty("blockedBy").EnumerateArray());
        Assert.Equal(WorkflowGuards.CommentsAnswered, blocked.GetProperty("guard").GetString());
        var findings = blocked.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal([onGoal2.Id, onGoal5.Id], findings.Select(f => f.GetProperty("commentId").GetGuid()));
        Assert.Equal(["2", "5"], findings.Select(f => f.GetProperty("goalNumber").GetString()));
        Assert.Contains("Mål 2 skal have en tidsramme.", findings[0].GetProperty("message").GetString());

        var before = await app.StateOf(plan.Id);
        var refused = await ReviewApp.Act(secretary, plan.Id, "submit", await app.ETagOf(plan.Id));
        var problem = await refused.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(onGoal5.Id.ToString(), problem.GetProperty("unmetGuards").GetRawText());
        Assert.Equal(before, await app.StateOf(plan.Id));

        // She replies to both; the comments are still on their goals, wherever those now stand.
        Assert.Equal(CommentStatus.Answered, (await (await Reply(secretary, plan.Id, onGoal2.Id, "Tidsrammen er tilføjet: inden 2027.")).ReadOk<CommentResponse>()).Status);
        await (await Reply(secretary, plan.Id, onGoal5.Id, "Udgangspunktet er 12.000 besøgende i 2025.")).ReadOk<CommentResponse>();
        var comments = await CommentsOf(app, plan.Id);
        var two = comments.Single(c => c.Id == onGoal2.Id);
        var five = comments.Single(c => c.Id == onGoal5.Id);
        Assert.Equal((goals[1].Id, 3, "2", false), (two.Anchor!.Goal, two.Location!.Goal, two.Location.GoalNumber, two.Location.GoalRemoved));
        Assert.Equal((goals[4].Id, 2, "5", 1), (five.Anchor!.Goal, five.Location!.Goal, five.Location.GoalNumber, five.Location.Indicator));
        Assert.All(comments, c => Assert.Equal(CommentStatus.Answered, c.Status));
        Assert.Equal("Udgangspunktet er 12.000 besøgende i 2025.", Assert.Single(five.Replies).Text);

        // The changes since revision 1: exactly the move of goal 5 and the edited indicator of goal 2.
        var changes = await (await reviewer.GetAsync($"/api/plans/{plan.Id}/changes?from=1")).ReadOk<ChangesResponse>();
        Assert.Empty(changes.Objectives);
        Assert.Equal(2, changes.Goals.Count);
        var goal5 = changes.Goals.Single(g => g.GoalId == goals[4].Id);
        Assert.Equal([ChangeKind.Moved], goal5.Changes);
        Assert.Equal((5, 2), (goal5.Before!.Position, goal5.After!.Position));
        Assert.Empty(goal5.Fields);
        var goal2 = changes.Goals.Single(g => g.GoalId == goals[1].Id);
        Assert.Equal([ChangeKind.Changed], goal2.Changes);
        var field = Assert.Single(goal2.Fields);
        Assert.Equal(("indicator", goals[1].Indicators[0].Id), (field.Field, field.ItemId));
        Assert.Equal((field.Before, field.After), ("Antallet af besøgende skal stige med 10 procent", edited.Indicators[0].Text));
        Assert.Equal([(DiffKind.Unchanged, "Antallet af besøgende skal stige med 10 procent"), (DiffKind.Inserted, " inden 2027")],
            field.Diff.Select(p => (p.Kind, p.Text)));
        Assert.True(changes.To.Current);

        // Now the plan can be submitted again.
        Assert.Equal("administrative-review", (await app.Take(Secretary, plan.Id, "submit")).Stage);
    }
}
