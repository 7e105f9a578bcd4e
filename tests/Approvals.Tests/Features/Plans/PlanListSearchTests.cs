using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

/// <summary>
/// <c>GET /api/plans?search=</c>: plans by title or by any text of their content, case-insensitive also for æ, ø and å
/// (SQLite's own lower() and LIKE fold only ASCII letters), wildcards taken literally, within what the caller may read.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PlanListSearchTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_search_finds_titles_and_goal_texts_whatever_the_case_of_æ_ø_and_å()
    {
        var token = Token();
        var title = await Create(Committee.Kfu, $"Økonomi og Ældre {token}", "Flere borgere i job");
        var goal = await Create(Committee.Buu, $"Handleplan {token}", $"Børn & unge på ÅBNE skoler {token}");
        var other = await Create(Committee.Tmu, $"Handleplan {token}", "Renere luft");
        var coordinator = await app.ClientFor(Users.Coordinator);

        Assert.Equal([title.Id], await Search(coordinator, $"ØKONOMI OG æLDRE {token}"));
        Assert.Equal([goal.Id], await Search(coordinator, $"børn & UNGE på åbne SKOLER {token}"));
        Assert.Equal([goal.Id, title.Id, other.Id], await Search(coordinator, token));
        Assert.Empty(await Search(coordinator, $"Økonomi og Ældre {token}x"));
    }

    [Fact]
    public async Task Wildcards_are_taken_literally()
    {
        var token = Token();
        var plan = await Create(Committee.Sou, $"Plan {token}A", "Flere borgere i job");
        var coordinator = await app.ClientFor(Users.Coordinator);

        Assert.Equal([plan.Id], await Search(coordinator, $"{token}a"));
        foreach (var wildcard in new[] { "_", "%", "*", "?", "[A]", "[a-z]" })
        {
            Assert.Empty(await Search(coordinator, token + wildcard));
        }
    }

    [Fact]
    public async Task A_secretary_finds_only_the_own_committees_plans()
    {
        var token = Token();
        var own = await Create(Committee.Sou, $"Plan {token}", "Flere borgere i job");
        await Create(Committee.Kfu, $"Plan {token}", "Flere borgere i job");

        Assert.Equal([own.Id], await Search(await app.ClientFor(Users.Secretary(Committee.Sou)), token));
    }

    [Fact]
    public async Task A_search_longer_than_200_characters_is_a_400_naming_it()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var problem = await (await client.GetAsync($"/api/plans?search={new string('a', 201)}")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(["search"], problem.ErrorFields());
    }

    [Fact]
    public async Task A_search_with_a_control_character_is_a_400_naming_it()
    {
        // PostgreSQL refuses NUL in text: this was a 500 there (found by the OpenAPI fuzz test).
        var client = await app.ClientFor(Users.Coordinator);

        var problem = await (await client.GetAsync("/api/plans?search=%00")).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(["search"], problem.ErrorFields());
    }

    private static string Token() => "zq" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<List<Guid>> Search(HttpClient client, string search)
    {
        var page = await (await client.GetAsync($"/api/plans?pageSize=200&search={Uri.EscapeDataString(search)}")).ReadOk<PlanPage>();
        return [.. page.Items.Select(p => p.Id)];
    }

    private async Task<PlanResponse> Create(Committee committee, string title, string goal)
    {
        var client = await app.ClientFor(Users.Secretary(committee));
        var body = new
        {
            committee = committee.Code,
            title,
            objectives = new[]
            {
                new
                {
                    title = "Lige muligheder",
                    goals = new[]
                    {
                        new { number = "1", text = goal, indicators = new[] { new { text = "Andelen skal stige med 5 procentpoint inden 2027" } }, activities = new[] { new { text = "Jobmesse" } } },
                    },
                },
            },
        };
        return await (await client.PostAsJsonAsync("/api/plans", body)).ReadOk<PlanResponse>();
    }
}
