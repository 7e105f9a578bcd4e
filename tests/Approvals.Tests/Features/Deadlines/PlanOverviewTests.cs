using System.Net;
using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Deadlines;

/// <summary>The overview "Planer" (<c>/planer</c>): who sees which plans, the filters, the search and the pages.</summary>
[Collection(DeadlineCollection.Name)]
public sealed partial class PlanOverviewTests(DeadlineApp app)
{
    [Fact]
    public async Task Readers_see_every_committee_secretaries_their_own_with_stage_due_and_overskredet()
    {
        var token = Token();
        var buu = await Create(Committee.Buu, "Handleplan for børn", $"Flere unge i uddannelse {token}");
        await app.Take(Users.Secretary(Committee.Buu), buu.Id, "submit");
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var sou = await Create(Committee.Sou, $"Handleplan {token}", "Flere borgere i job");
        app.Advance(TimeSpan.FromHours(2));

        var coordinator = await PageClient.SignIn(app, Users.Coordinator);
        var all = await coordinator.Html($"/planer?q={token}");
        Assert.Equal([sou.Id, buu.Id], PlanIds(all));
        Assert.Contains($"data-plan=\"{buu.Id}\" data-overdue=\"true\"", all, StringComparison.Ordinal);
        Assert.Contains($"data-plan=\"{sou.Id}\" data-overdue=\"false\"", all, StringComparison.Ordinal);
        Assert.Contains("<strong class=\"overdue\">overskredet</strong>", all, StringComparison.Ordinal);
        Assert.Contains("<span class=\"stage-tag\">Administrativ behandling</span>", all, StringComparison.Ordinal);
        Assert.Contains("Planer (2)", all, StringComparison.Ordinal);

        Assert.Equal([buu.Id], PlanIds(await coordinator.Html($"/planer?q={token}&committee=buu")));
        Assert.Equal([buu.Id], PlanIds(await coordinator.Html($"/planer?q={token}&stage=administrative-review")));
        Assert.Equal([sou.Id], PlanIds(await coordinator.Html($"/planer?q={token}&stage=draft")));

        // A search in the goal texts only, case-insensitively.
        Assert.Equal([buu.Id], PlanIds(await coordinator.Html($"/planer?q=UNGE+I+UDDANNELSE+{token}")));

        var secretary = await PageClient.SignIn(app, Users.Secretary(Committee.Sou));
        Assert.Equal([sou.Id], PlanIds(await secretary.Html($"/planer?q={token}")));
        Assert.Empty(PlanIds(await secretary.Html($"/planer?q={token}&committee=buu")));
        var own = await secretary.Html("/planer");
        Assert.Contains("<abbr title=\"Sundheds- og Omsorgsudvalget\">SOU</abbr>", own, StringComparison.Ordinal);
        Assert.DoesNotMatch("<abbr title=\"[^\"]*\">(?!SOU)[A-ZØ]+</abbr>", own);
    }

    [Fact]
    public async Task The_search_takes_percent_and_underscore_literally()
    {
        var token = Token();
        var plan = await Create(Committee.Kfu, $"Plan {token}A", "Flere borgere i job");
        var page = await PageClient.SignIn(app, Users.Coordinator);

        Assert.Empty(PlanIds(await page.Html($"/planer?q={token}_")));
        Assert.Empty(PlanIds(await page.Html($"/planer?q={token}%25")));
        Assert.Equal([plan.Id], PlanIds(await page.Html($"/planer?q={token}a")));
    }

    [Fact]
    public async Task Plans_come_25_a_page_newest_change_first()
    {
        var token = Token();
        var created = new List<Guid>();
        for (var i = 0; i < 26; i++)
        {
            created.Add((await Create(Committee.Tmu, $"Plan {i} {token}", "Flere borgere i job")).Id);
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var page = await PageClient.SignIn(app, Users.Coordinator);
        var first = await page.Html($"/planer?q={token}");
        var second = await page.Html($"/planer?q={token}&side=2");
        Assert.Equal(created.AsEnumerable().Reverse().Take(25), PlanIds(first));
        Assert.Equal([created[0]], PlanIds(second));
        Assert.Contains("Side 1 af 2", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"/planer?q={token}&amp;side=2\" rel=\"next\"", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"/planer?q={token}\" rel=\"prev\"", second, StringComparison.Ordinal);
        Assert.Empty(PlanIds(await page.Html($"/planer?q={token}&side=3")));
    }

    [Theory]
    [InlineData("committee=xyz", "committee-error")]
    [InlineData("stage=nope", "stage-error")]
    [InlineData("side=0", "Sidetallet")]
    [InlineData("side=abc", "Sidetallet")]
    [InlineData("side=10001", "Sidetallet")]
    public async Task A_bad_filter_is_a_400_with_the_reason_beside_it(string query, string expected)
    {
        var page = await PageClient.SignIn(app, Users.Coordinator);
        var response = await page.Http.GetAsync($"/planer?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.Empty(PlanIds(html));
    }

    [Fact]
    public async Task A_search_longer_than_200_characters_is_a_400()
    {
        var page = await PageClient.SignIn(app, Users.Coordinator);
        var response = await page.Http.GetAsync($"/planer?q={new string('a', 201)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q-error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signed_out_visitors_are_sent_to_sign_in()
    {
        var response = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/planer");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/log-ind", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    private static string Token() => "zq" + Guid.NewGuid().ToString("N")[..10];

    private static List<Guid> PlanIds(string html) => [.. PlanRow().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

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

    [GeneratedRegex("<tr data-plan=\"([0-9a-f-]{36})\"")]
    private static partial Regex PlanRow();
}
