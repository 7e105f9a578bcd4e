using System.Net;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Review;

/// <summary>
/// Approve, return and the list of actions read the plan's row, not its content document (tens of KB to read and
/// deserialise), unless a guard has something in the content to check. Shown by taking the document away.
/// </summary>
[Collection(ReviewCollection.Name)]
public sealed class ContentFreeActionTests(ReviewApp app)
{
    [Fact]
    public async Task Approve_return_and_the_actions_of_a_plan_that_passes_its_guards_never_read_its_content()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);
        var approver = await app.ClientFor(Users.CommitteeApprover(Committee.Biu));

        await WithoutDocument(plan.Id, async () =>
        {
            var actions = await (await reviewer.GetAsync($"/api/plans/{plan.Id}/actions")).ReadOk<PlanActionsResponse>();
            var approve = Assert.Single(actions.Actions, a => a.Action == "approve");
            Assert.True(approve.Allowed);
            Assert.Equal(submitted.ETag, actions.ETag);

            var approved = await (await ReviewApp.Act(reviewer, plan.Id, "approve", submitted.ETag)).ReadOk<TransitionResponse>();
            Assert.Equal(Stages.CommitteeApproval, approved.Stage);
            Assert.Contains(
                (await (await approver.GetAsync($"/api/plans/{plan.Id}/actions")).ReadOk<PlanActionsResponse>()).Actions,
                a => a.Action == "return" && a.Allowed);

            var returned = await (await ReviewApp.Act(approver, plan.Id, "return", approved.ETag, "Målet skal have en frist.")).ReadOk<TransitionResponse>();
            Assert.Equal((Stages.Draft, 2), (returned.Stage, returned.Revision));
        });

        // The document is back: the draft of revision 2 is the content that was submitted.
        var draft = await (await (await app.ClientFor(Users.Secretary(Committee.Biu))).GetAsync($"/api/plans/{plan.Id}")).ReadOk<Web.Features.Plans.PlanResponse>();
        Assert.Equal((Stages.Draft, 2), (draft.Stage, draft.Revision));
        Assert.Equal(plan.Objectives[0].Goals[0].Id, draft.Objectives[0].Goals[0].Id);
    }

    [Fact]
    public async Task A_guard_the_stored_flag_counts_do_not_settle_still_reads_the_content_and_names_the_goal()
    {
        // One goal without an indicator: a flagged goal, which administrative review's approval waits for.
        var plan = await app.CreatePlan(Committee.Biu, ReviewApp.PlanBody(Committee.Biu.Code, "Handleplan uden indikator"));
        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");
        var reviewer = await app.ClientFor(Users.AdministrativeReviewer);

        var actions = await (await reviewer.GetAsync($"/api/plans/{plan.Id}/actions")).ReadOk<PlanActionsResponse>();
        var blocked = Assert.Single(Assert.Single(actions.Actions, a => a.Action == "approve").BlockedBy);
        Assert.Equal(WorkflowGuards.IndicatorsComplete, blocked.Guard);
        Assert.Equal("1", Assert.Single(blocked.Findings).GoalNumber);

        var refused = await (await ReviewApp.Act(reviewer, plan.Id, "approve", submitted.ETag)).AssertProblem(HttpStatusCode.UnprocessableEntity);
        var unmet = Assert.Single(refused.GetProperty("unmetGuards").EnumerateArray());
        Assert.Equal(WorkflowGuards.IndicatorsComplete, unmet.GetProperty("guard").GetString());
        Assert.Equal("1", Assert.Single(unmet.GetProperty("findings").EnumerateArray()).GetProperty("goalNumber").GetString());
        Assert.Equal(Stages.AdministrativeReview, (await app.StateOf(plan.Id)).Stage);
    }

    // Takes the plan's content row away while the work runs, and puts it back whatever happens: had the work read the
    // content, it would have found no plan (a join) or no document.
    private async Task WithoutDocument(Guid planId, Func<Task> work)
    {
        var document = await app.WithDb(db => db.Database
            .SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanContents" WHERE "Id" = {planId}""").SingleAsync());
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""DELETE FROM "PlanContents" WHERE "Id" = {planId}"""));
        try
        {
            await work();
        }
        finally
        {
            await app.WithDb(db => db.Database.ExecuteSqlAsync($"""INSERT INTO "PlanContents" ("Id", "Content") VALUES ({planId}, {document})"""));
        }
    }
}
