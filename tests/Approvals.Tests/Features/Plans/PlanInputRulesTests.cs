using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Plans;

/// <summary>What POST and PUT /api/plans refuse, and that a refusal changes nothing.</summary>
[Collection(AppCollection.Name)]
public sealed class PlanInputRulesTests(ApprovalsApp app)
{
    public static TheoryData<string> BlankCommittees => new()
    {
        """{"title":"Uden udvalg","objectives":[]}""",
        """{"committee":null,"title":"Uden udvalg","objectives":[]}""",
        """{"committee":"","title":"Uden udvalg","objectives":[]}""",
        """{"committee":"   ","title":"Uden udvalg","objectives":[]}""",
        """{"committee":"\u200b","title":"Uden udvalg","objectives":[]}""",
    };

    [Theory]
    [MemberData(nameof(BlankCommittees))]
    public async Task A_missing_or_blank_committee_is_a_400_naming_it_and_creates_nothing(string body)
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var before = await app.WithDb(db => db.Plans.CountAsync());

        var problem = await (await client.PostAsync("/api/plans", Json(body))).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal(["committee"], problem.ErrorFields());
        Assert.Contains("ØU, TMU", problem.GetProperty("errors").GetProperty("committee")[0].GetString());
        Assert.Equal(before, await app.WithDb(db => db.Plans.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(BlankCommittees))]
    public async Task A_missing_or_blank_committee_on_a_save_is_a_400_and_changes_nothing(string body)
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var plan = await Create(client, "Før");

        var response = await Send(client, HttpMethod.Put, plan.Id, body, plan.ETag);

        Assert.Equal(["committee"], (await response.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(plan.ETag, (await client.GetAsync($"/api/plans/{plan.Id}")).Headers.ETag!.ToString());
    }

    [Theory]
    [InlineData("\u200b")]
    [InlineData("\u2060")]
    [InlineData("\u00ad")]
    [InlineData("\u0000")]
    [InlineData(" \u200b\u00ad\t")]
    public async Task A_title_of_only_invisible_characters_is_blank(string title)
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var before = await app.WithDb(db => db.Plans.CountAsync());

        var response = await client.PostAsJsonAsync("/api/plans", new { committee = "BIU", title, objectives = Array.Empty<object>() });

        Assert.Equal(["title"], (await response.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(before, await app.WithDb(db => db.Plans.CountAsync()));
    }

    [Fact]
    public async Task Control_characters_are_not_stored_and_a_goal_text_of_invisible_characters_is_flagged_missing()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));

        var created = await (await client.PostAsJsonAsync("/api/plans", new
        {
            committee = "BIU",
            title = "\u200bTitel med\u0000 nul\u0007 ",
            objectives = new[] { new { title = "M", goals = new[] { new { number = "1", text = "\u2060\u00ad", indicators = new[] { new { text = "\u200b" } }, activities = Array.Empty<object>() } } } },
        })).ReadOk<PlanResponse>();
        var flags = await client.GetFromJsonAsync<JsonElement>($"/api/plans/{created.Id}/validation");

        Assert.Equal("Titel med nul", created.Title);
        Assert.Equal("", created.Objectives[0].Goals[0].Text);
        var codes = flags.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("goal-text-missing", codes);
        Assert.Contains("indicator-placeholder", codes);
    }

    [Fact]
    public async Task A_weak_etag_does_not_match_for_a_save()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var plan = await Create(client, "Svag");

        var response = await Send(client, HttpMethod.Put, plan.Id, """{"committee":"BIU","title":"Ændret","objectives":[]}""", "W/" + plan.ETag);

        await response.AssertProblem(HttpStatusCode.PreconditionFailed);
        Assert.Equal("Svag", (await client.GetFromJsonAsync<PlanResponse>($"/api/plans/{plan.Id}"))!.Title);
    }

    [Fact]
    public async Task If_match_star_names_no_version_and_a_save_is_refused_with_a_typed_428()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var plan = await Create(client, "Stjerne");

        var problem = await (await Send(client, HttpMethod.Put, plan.Id, """{"committee":"BIU","title":"Ændret","objectives":[]}""", "*"))
            .AssertProblem(HttpStatusCode.PreconditionRequired);

        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-3", problem.GetProperty("type").GetString());
        Assert.Contains("If-Match", problem.GetProperty("detail").GetString());
        Assert.Equal("Stjerne", (await client.GetFromJsonAsync<PlanResponse>($"/api/plans/{plan.Id}"))!.Title);
    }

    [Fact]
    public async Task A_save_without_if_match_is_a_428_with_a_type()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var plan = await Create(client, "Uden");

        var problem = await (await client.PutAsJsonAsync($"/api/plans/{plan.Id}", new { committee = "BIU", title = "x", objectives = Array.Empty<object>() }))
            .AssertProblem(HttpStatusCode.PreconditionRequired);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_plan_of_more_than_the_field_limit_is_refused_by_the_api()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var plan = await Create(client, "Stor");

        // 1 objective title + 50 goals × (number, text, 38 indicators) = 2,001 fields
        var tooMany = PlanWith(goals: 50, indicatorsPerGoal: 38);
        var atLimit = PlanWith(goals: 50, indicatorsPerGoal: 37);
        var problem = await (await Send(client, HttpMethod.Put, plan.Id, tooMany, plan.ETag)).AssertProblem(HttpStatusCode.BadRequest);
        var saved = await (await Send(client, HttpMethod.Put, plan.Id, atLimit, plan.ETag)).ReadOk<PlanResponse>();

        Assert.Equal(["objectives"], problem.ErrorFields());
        Assert.Contains("2001", problem.GetProperty("detail").GetString());
        Assert.Equal(50 * 37, saved.Objectives[0].Goals.Sum(g => g.Indicators.Count));
    }

    /// <summary>A plan of one objective with the given goals, each with the given indicators: 1 + goals × (2 + indicators) fields.</summary>
    public static string PlanWith(int goals, int indicatorsPerGoal, string title = "Stor plan") => JsonSerializer.Serialize(new
    {
        committee = "BIU",
        title,
        objectives = new[]
        {
            new
            {
                title = "Én målsætning",
                goals = Enumerable.Range(1, goals).Select(g => new
                {
                    number = g.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    text = $"Mål {g}",
                    indicators = Enumerable.Range(1, indicatorsPerGoal).Select(i => new { text = $"Andelen stiger med {i} %" }).ToArray(),
                    activities = Array.Empty<object>(),
                }).ToArray(),
            },
        },
    });

    private static async Task<PlanResponse> Create(HttpClient client, string title) =>
        await (await client.PostAsJsonAsync("/api/plans", new { committee = "BIU", title, objectives = Array.Empty<object>() })).ReadOk<PlanResponse>();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, Guid id, string body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, $"/api/plans/{id}") { Content = Json(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
