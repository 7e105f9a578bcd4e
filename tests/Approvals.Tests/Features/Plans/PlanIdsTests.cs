using System.Text.Json;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Changes;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;
using static Approvals.Tests.Features.Comments.CommentSteps;

namespace Approvals.Tests.Features.Plans;

/// <summary>Ids of objectives, goals, indicators and activities over the API, and documents stored before ids existed.</summary>
[Collection(ReviewCollection.Name)]
public sealed class PlanIdsTests(ReviewApp app)
{
    [Fact]
    public async Task Ids_come_back_kept_through_a_reorder_and_new_items_get_new_ones()
    {
        var plan = await app.CreatePlan(Approvals.Core.Plans.Committee.Kfu, FiveGoals("Id: rækkefølge"));
        var goals = plan.Objectives[0].Goals;
        var all = plan.Objectives.SelectMany(o => o.Goals.SelectMany(g => new[] { g.Id }.Concat(g.Indicators.Select(i => i.Id)).Concat(g.Activities.Select(a => a.Id))).Prepend(o.Id)).ToList();
        Assert.All(all, id => Assert.Matches("^[a-z0-9-]{1,32}$", id));
        Assert.Equal(all.Count, all.Distinct().Count());

        var reordered = plan.Objectives[0] with { Goals = [goals[4], goals[0], goals[1], goals[2], goals[3] with { Number = "9" }, new GoalResponse("", "10", "Nyt mål", [new TextResponse("", "Flere skal deltage")], [])] };
        var saved = await (await Put(app, plan, new[] { reordered })).ReadOk<PlanResponse>();

        var after = saved.Objectives[0].Goals;
        Assert.Equal(goals.Select(g => g.Id).Take(5), new[] { after[1], after[2], after[3], after[4], after[0] }.Select(g => g.Id));
        Assert.Equal(goals[3].Indicators[0].Id, after[4].Indicators[0].Id);
        Assert.DoesNotContain(after[5].Id, all);
        Assert.Matches("^[a-z0-9]{8}$", after[5].Indicators[0].Id);
    }

    [Fact]
    public async Task An_unknown_a_repeated_or_a_malformed_id_is_refused_naming_the_field_and_nothing_changes()
    {
        var plan = await app.CreatePlan(Approvals.Core.Plans.Committee.Kfu, FiveGoals("Id: forkerte"));
        var objective = plan.Objectives[0];
        var goals = objective.Goals;

        async Task Refused(object objectives, string field)
        {
            var problem = await (await Put(app, plan, objectives)).AssertProblem(HttpStatusCode.BadRequest);
            Assert.Equal([field], problem.ErrorFields());
        }

        await Refused(new[] { objective with { Goals = [goals[0] with { Id = "fra-en-anden-plan" }] } }, "objectives[0].goals[0].id");
        await Refused(new[] { objective with { Goals = [goals[0], goals[1] with { Id = goals[0].Id }] } }, "objectives[0].goals[1].id");
        await Refused(new[] { objective with { Goals = [goals[0] with { Indicators = [goals[0].Indicators[0] with { Id = "Store Bogstaver" }] }] } }, "objectives[0].goals[0].indicators[0].id");
        await Refused(new[] { objective with { Goals = [goals[0] with { Activities = [goals[0].Activities[0] with { Id = goals[1].Activities[0].Id }] }, goals[1]] } }, "objectives[0].goals[1].activities[0].id");

        Assert.Equal(plan.ETag, await app.ETagOf(plan.Id));
    }

    [Fact]
    public async Task A_plan_stored_without_ids_gets_the_same_ids_in_its_draft_and_its_frozen_revision_and_keeps_them_when_saved()
    {
        var plan = await SubmittedPlan(app, "Id: gammel plan");
        // As databases of earlier versions hold them: the content and its frozen revision without any id.
        var legacy = """{"objectives":[{"title":"Flere bruger kulturen","goals":[""" + string.Join(",", Enumerable.Range(1, 3).Select(n =>
            $$"""{"number":"{{n}}","text":"Mål {{n}}","indicators":[{"text":"Antallet skal stige med {{n}} procent"}],"activities":[{"text":"Kampagne {{n}}"}]}""")) + "]}]}";
        await app.WithDb(async db =>
        {
            await db.Database.ExecuteSqlAsync($"""UPDATE "PlanContents" SET "Content" = {legacy} WHERE "Id" = {plan.Id}""");
            return await db.Database.ExecuteSqlAsync($"""UPDATE "PlanRevisions" SET "Content" = {legacy} WHERE "PlanId" = {plan.Id}""");
        });

        var coordinator = await app.ClientFor(Users.Coordinator);
        var current = await Get(app, plan.Id);
        var frozen = (await coordinator.GetFromJsonAsync<RevisionResponse>($"/api/plans/{plan.Id}/revisions/1"))!;
        Assert.Equal(["o1-g1", "o1-g2", "o1-g3"], current.Objectives[0].Goals.Select(g => g.Id));
        Assert.Equal("o1-g2-i1", current.Objectives[0].Goals[1].Indicators[0].Id);
        Assert.Equal(JsonSerializer.Serialize(frozen.Objectives), JsonSerializer.Serialize(current.Objectives));
        Assert.Empty((await (await coordinator.GetAsync($"/api/plans/{plan.Id}/changes?from=1")).ReadOk<ChangesResponse>()).Goals);

        // Returned and saved with the goals reordered: the positional ids are stored, and the comparison follows them.
        await app.Take(Users.AdministrativeReviewer, plan.Id, "return", "Byt om på mål 1 og 3.");
        var draft = await Get(app, plan.Id);
        var goals = draft.Objectives[0].Goals;
        (await Put(app, draft, new[] { draft.Objectives[0] with { Goals = [goals[2], goals[1], goals[0]] } })).EnsureSuccessStatusCode();

        var stored = await app.WithDb(db => db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanContents" WHERE "Id" = {plan.Id}""").SingleAsync());
        Assert.Contains("\"id\":\"o1-g3\"", stored);
        var changes = await (await coordinator.GetAsync($"/api/plans/{plan.Id}/changes?from=1")).ReadOk<ChangesResponse>();
        Assert.Equal(2, changes.Goals.Count);
        Assert.All(changes.Goals, g => Assert.Equal([Approvals.Core.Review.ChangeKind.Moved], g.Changes));
    }

    [Fact]
    public async Task A_submit_freezes_the_document_as_stored_and_a_document_stored_without_ids_reads_with_the_plans_ids()
    {
        // Stored with ids but laid out as no serialiser writes it: the revision is the stored text, not a re-serialisation.
        var plan = await app.CreatePlan(Approvals.Core.Plans.Committee.Kfu, FiveGoals("Id: frosset som gemt"));
        var stored = await StoredContent(plan.Id);
        var laidOut = stored.Replace(",", ", ");
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "PlanContents" SET "Content" = {laidOut} WHERE "Id" = {plan.Id}"""));
        await app.Take(Secretary, plan.Id, "submit");
        Assert.Equal(laidOut, await RevisionContent(plan.Id));

        // Stored without ids: frozen as stored, and read, as the plan is, with the ids its position gives (the same
        // document always gets the same ones), so comments and changes find the same goals in both.
        var legacy = await app.CreatePlan(Approvals.Core.Plans.Committee.Kfu, FiveGoals("Id: frosset uden id'er"));
        var withoutIds = """{"objectives":[{"title":"Flere bruger kulturen","goals":[{"number":"1","text":"Mål 1","indicators":[{"text":"Antallet skal stige"}],"activities":[]}]}]}""";
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "PlanContents" SET "Content" = {withoutIds} WHERE "Id" = {legacy.Id}"""));
        await app.Take(Secretary, legacy.Id, "submit");
        Assert.Equal(withoutIds, await RevisionContent(legacy.Id));
        var coordinator = await app.ClientFor(Users.Coordinator);
        var revision = await (await coordinator.GetAsync($"/api/plans/{legacy.Id}/revisions/1")).ReadOk<RevisionResponse>();
        var draft = await (await coordinator.GetAsync($"/api/plans/{legacy.Id}")).ReadOk<PlanResponse>();
        var goal = Assert.Single(Assert.Single(revision.Objectives).Goals);
        Assert.Equal("o1-g1", goal.Id);
        Assert.Equal("o1-g1-i1", Assert.Single(goal.Indicators).Id);
        Assert.Equal(
            draft.Objectives.SelectMany(o => o.Goals).SelectMany(g => g.Indicators.Select(i => (g.Id, i.Id))),
            revision.Objectives.SelectMany(o => o.Goals).SelectMany(g => g.Indicators.Select(i => (g.Id, i.Id))));

        Task<string> StoredContent(Guid id) =>
            app.WithDb(db => db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanContents" WHERE "Id" = {id}""").SingleAsync());

        Task<string> RevisionContent(Guid id) =>
            app.WithDb(db => db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanRevisions" WHERE "PlanId" = {id} AND "Number" = 1""").SingleAsync());
    }

    [Fact]
    public async Task The_changes_endpoint_names_the_revision_field_it_cannot_use()
    {
        var plan = await SubmittedPlan(app, "Id: ændringer");
        var client = await app.ClientFor(Users.Coordinator);

        foreach (var (query, field) in new[] { ("", "from"), ("?from=x", "from"), ("?from=2", "from"), ("?from=1&to=7", "to"), ("?from=1&to=-1", "to") })
        {
            var problem = await (await client.GetAsync($"/api/plans/{plan.Id}/changes{query}")).AssertProblem(HttpStatusCode.BadRequest);
            Assert.Equal([field], problem.ErrorFields());
            Assert.Contains("Submitted revisions: 1", problem.GetProperty("detail").GetString());
        }

        await (await (await app.ClientFor(Users.Secretary(Approvals.Core.Plans.Committee.Biu))).GetAsync($"/api/plans/{plan.Id}/changes?from=1")).AssertProblem(HttpStatusCode.Forbidden);
        await (await client.GetAsync($"/api/plans/{Guid.NewGuid()}/changes?from=1")).AssertProblem(HttpStatusCode.NotFound);
        var same = await (await client.GetAsync($"/api/plans/{plan.Id}/changes?from=1&to=1")).ReadOk<ChangesResponse>();
        Assert.Empty(same.Goals);
    }
}
