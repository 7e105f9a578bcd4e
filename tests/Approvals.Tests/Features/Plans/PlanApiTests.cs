using System.Net.Http.Headers;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Plans;

[Collection(AppCollection.Name)]
public sealed class PlanApiTests(ApprovalsApp app)
{
    private static object NewPlan(string committee, string title = "Handleplan 2027") => new
    {
        committee,
        title,
        objectives = new[]
        {
            new
            {
                title = "Første målsætning",
                goals = new[]
                {
                    new { number = "2", text = "Andet mål først", indicators = new[] { new { text = "Andelen skal stige med 5 %" }, new { text = "Antallet skal falde" } }, activities = new[] { new { text = "Aktivitet B" }, new { text = "Aktivitet A" } } },
                    new { number = "1", text = "Første mål bagefter", indicators = Array.Empty<object>().Select(_ => new { text = "" }).ToArray(), activities = Array.Empty<object>().Select(_ => new { text = "" }).ToArray() },
                },
            },
            new { title = "", goals = new[] { new { number = "1", text = "Mål i målsætning uden titel", indicators = new[] { new { text = "??????" } }, activities = new[] { new { text = "Æ, ø og å" } } } } },
        },
    };

    [Fact]
    public async Task A_secretary_creates_a_draft_and_gets_it_back_in_the_order_written()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));

        var created = await (await client.PostAsJsonAsync("/api/plans", NewPlan("BIU"))).ReadOk<PlanResponse>();
        var fetched = await client.GetFromJsonAsync<PlanResponse>($"/api/plans/{created.Id}");

        Assert.Equal("BIU", fetched!.Committee);
        Assert.Equal("Beskæftigelses- og Integrationsudvalget", fetched.CommitteeName);
        Assert.Equal(Stages.Draft, fetched.Stage);
        Assert.Equal(["Første målsætning", ""], fetched.Objectives.Select(o => o.Title));
        Assert.Equal(["2", "1"], fetched.Objectives[0].Goals.Select(g => g.Number));
        Assert.Equal(["Andelen skal stige med 5 %", "Antallet skal falde"], fetched.Objectives[0].Goals[0].Indicators.Select(i => i.Text));
        Assert.Equal(["Aktivitet B", "Aktivitet A"], fetched.Objectives[0].Goals[0].Activities.Select(a => a.Text));
        Assert.Equal("Æ, ø og å", fetched.Objectives[1].Goals[0].Activities[0].Text);
        Assert.Equal(3, fetched.GoalCount);
    }

    [Fact]
    public async Task A_secretary_cannot_create_a_plan_for_another_committee()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Tmu));
        var before = await app.WithDb(db => db.Plans.CountAsync());

        var response = await client.PostAsJsonAsync("/api/plans", NewPlan("SOU"));

        await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await app.WithDb(db => db.Plans.CountAsync()));
    }

    [Fact]
    public async Task A_reviewer_cannot_create_plans()
    {
        var client = await app.ClientFor(Users.AdministrativeReviewer);

        var response = await client.PostAsJsonAsync("/api/plans", NewPlan("SOU"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_secretary_cannot_change_another_committees_plan()
    {
        var sou = await SeedPlan("SOU");
        var client = await app.ClientFor(Users.Secretary(Committee.Tmu));

        var response = await Put(client, sou.Id, NewPlan("SOU", "Overtaget"), sou.ETag);

        await response.AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(sou.Title, (await SeedPlan("SOU")).Title);
    }

    [Fact]
    public async Task A_secretary_reads_only_their_own_committees_plans_while_coordinators_read_all()
    {
        var secretary = await app.ClientFor(Users.Secretary(Committee.Kfu));
        var coordinator = await app.ClientFor(Users.Coordinator);
        var sou = await SeedPlan("SOU");

        var own = await secretary.AllPlans("");
        var all = await coordinator.AllPlans("");

        Assert.All(own!, p => Assert.Equal("KFU", p.Committee));
        Assert.Superset(new HashSet<string> { "ØU", "TMU", "BUU", "SUD", "KFU", "SOU" }, all!.Select(p => p.Committee).ToHashSet());
        Assert.Equal(HttpStatusCode.Forbidden, (await secretary.GetAsync($"/api/plans/{sou.Id}")).StatusCode);
    }

    [Theory]
    [InlineData("committee=XYZ", "committee")]
    [InlineData("stage=finished", "stage")]
    public async Task Unknown_list_filters_are_refused_by_name(string query, string field)
    {
        var client = await app.ClientFor(Users.Coordinator);

        var problem = await (await client.GetAsync($"/api/plans?{query}")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains(field, problem.ErrorFields());
    }

    [Fact]
    public async Task Listing_by_committee_and_stage_filters()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var plans = await client.AllPlans("committee=sou&stage=draft");

        var plan = Assert.Single(plans!, p => p.Title.StartsWith("Handleplan", StringComparison.Ordinal));
        Assert.Equal("SOU", plan.Committee);
        Assert.Equal(1, plan.FlaggedGoalCount);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_where_it_broke()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));

        var response = await client.PostAsync("/api/plans",
            new StringContent("{\"committee\":\"BIU\",\"title\":\"x\",\"objectives\":[{\"title\": 12", Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Contains("objectives[0].title", problem.ErrorFields());
    }

    [Fact]
    public async Task An_unknown_committee_is_a_400_listing_the_valid_ones()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));

        var problem = await (await client.PostAsJsonAsync("/api/plans", NewPlan("XYZ"))).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains("committee", problem.ErrorFields());
        Assert.Contains("ØU, TMU", problem.GetProperty("errors").GetProperty("committee")[0].GetString());
    }

    [Fact]
    public async Task A_missing_title_is_a_400_and_nothing_is_saved()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var before = await app.WithDb(db => db.Plans.CountAsync());

        var problem = await (await client.PostAsJsonAsync("/api/plans", new { committee = "BIU", objectives = Array.Empty<object>() }))
            .AssertProblem(HttpStatusCode.BadRequest);

        Assert.Contains("title", problem.ErrorFields());
        Assert.Equal(before, await app.WithDb(db => db.Plans.CountAsync()));
    }

    [Fact]
    public async Task A_save_with_a_stale_etag_is_refused_with_412_and_changes_nothing()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var created = await (await client.PostAsJsonAsync("/api/plans", NewPlan("BIU", "Original"))).ReadOk<PlanResponse>();

        var first = await Put(client, created.Id, NewPlan("BIU", "Første ændring"), created.ETag);
        var updated = await first.ReadOk<PlanResponse>();
        var stale = await Put(client, created.Id, NewPlan("BIU", "Anden ændring"), created.ETag);

        await stale.AssertProblem(HttpStatusCode.PreconditionFailed);
        var current = await client.GetAsync($"/api/plans/{created.Id}");
        Assert.Equal("Første ændring", (await current.ReadOk<PlanResponse>()).Title);
        Assert.Equal(updated.ETag, current.Headers.ETag?.ToString());
        Assert.NotEqual(created.ETag, updated.ETag);
    }

    [Fact]
    public async Task A_save_without_if_match_is_refused_with_428()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var created = await (await client.PostAsJsonAsync("/api/plans", NewPlan("BIU"))).ReadOk<PlanResponse>();

        var response = await client.PutAsJsonAsync($"/api/plans/{created.Id}", NewPlan("BIU", "Uden ETag"));

        await response.AssertProblem(HttpStatusCode.PreconditionRequired);
    }

    [Fact]
    public async Task An_unknown_plan_is_a_404_problem()
    {
        var client = await app.ClientFor(Users.Coordinator);

        await (await client.GetAsync($"/api/plans/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Two_writers_of_the_same_plan_cannot_both_win_at_the_database()
    {
        var created = await (await (await app.ClientFor(Users.Secretary(Committee.Biu)))
            .PostAsJsonAsync("/api/plans", NewPlan("BIU"))).ReadOk<PlanResponse>();

        var error = await app.WithDb(async first => await app.WithDb(async second =>
        {
            var a = await first.Plans.SingleAsync(p => p.Id == created.Id);
            var b = await second.Plans.SingleAsync(p => p.Id == created.Id);
            a.Edit(a.OwnerId, "Skrevet af A", a.Content, stageIsEditable: true, DateTime.UtcNow);
            b.Edit(b.OwnerId, "Skrevet af B", b.Content, stageIsEditable: true, DateTime.UtcNow);
            await first.SaveChangesAsync();
            return await Record.ExceptionAsync(() => second.SaveChangesAsync());
        }));

        Assert.IsType<DbUpdateConcurrencyException>(error);
        Assert.Equal("Skrevet af A", await app.WithDb(db => db.Plans.Where(p => p.Id == created.Id).Select(p => p.Title).SingleAsync()));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_plans_api()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/plans/{id}", document);
    }

    private async Task<PlanResponse> SeedPlan(string committee)
    {
        var client = await app.ClientFor(Users.Coordinator);
        var summary = (await client.AllPlans($"committee={committee}"))!
            .First(p => p.Title.StartsWith("Handleplan:", StringComparison.Ordinal));
        return (await client.GetFromJsonAsync<PlanResponse>($"/api/plans/{summary.Id}"))!;
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Guid id, object body, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{id}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return client.SendAsync(request);
    }
}
