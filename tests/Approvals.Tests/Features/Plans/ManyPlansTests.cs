using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Plans;

/// <summary>With ten thousand plans, every list answers a page: the API, the home page and the coordinator page.</summary>
public sealed class ManyPlansTests(ManyPlansApp app, ITestOutputHelper output) : IClassFixture<ManyPlansApp>
{
    private const int Seed = 6;

    [Fact]
    public async Task The_plan_list_answers_a_page_with_the_total()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var (first, firstMs) = await Timed(() => client.GetAsync("/api/plans"));
        var (last, lastMs) = await Timed(() => client.GetAsync($"/api/plans?committee=BIU&pageSize=200&page={ManyPlansApp.Count / 200}"));

        var page = await first.ReadOk<PlanPage>();
        Assert.Equal((50, ManyPlansApp.Count + Seed, 1, 50), (page.Items.Count, page.Total, page.Page, page.PageSize));
        var lastPage = await last.ReadOk<PlanPage>();
        Assert.Equal(200, lastPage.Items.Count);
        Assert.Equal($"{ManyPlansApp.TitlePrefix}{ManyPlansApp.Count - 1:D5}", lastPage.Items[^1].Title);
        Assert.InRange((await first.Content.ReadAsByteArrayAsync()).Length, 1, 64 * 1024);
        output.WriteLine($"GET /api/plans: first page {firstMs} ms, page {ManyPlansApp.Count / 200} of 200 rows {lastMs} ms");
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats_in_code_point_order()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var pages = new List<PlanSummary>();
        for (var p = 1; p <= 3; p++)
        {
            pages.AddRange((await (await client.GetAsync($"/api/plans?committee=BIU&pageSize=7&page={p}")).ReadOk<PlanPage>()).Items);
        }

        var titles = pages.Select(s => s.Title).ToList();
        Assert.Equal(21, pages.Select(s => s.Id).Distinct().Count());
        Assert.Equal(titles.Order(StringComparer.Ordinal), titles);
    }

    [Fact]
    public async Task The_home_page_shows_a_page_of_the_reviewers_tasks_without_reading_any_plan_content()
    {
        var pages = await PageClient.SignIn(app, Users.AdministrativeReviewer);
        var mark = app.Logs.Lines.Count;

        var (html, ms) = await Timed(() => pages.Html("/"));
        var commands = app.CommandsSince(mark).ToList();
        var second = await pages.Html("/?taskPage=2");

        Assert.Equal(50, Regex.Matches(html, "<tr>\\s*<th scope=\"row\"><a href=\"/planer/").Count);
        Assert.Contains($"Viser 1–50 af {Danish(ManyPlansApp.Count)}", html);
        Assert.Contains("href=\"/?taskPage=2\"", html.Replace("&amp;", "&", StringComparison.Ordinal));
        Assert.Contains("Viser 51–100 af", second);
        Assert.InRange(html.Length, 1, 200 * 1024);
        Assert.DoesNotContain(commands, c => c.Contains("\"PlanContents\"", StringComparison.Ordinal));
        output.WriteLine($"GET / as the administrative reviewer: {ms} ms, {html.Length} characters, {commands.Count} database commands");
    }

    [Fact]
    public async Task The_coordinator_page_shows_a_page_of_the_rows_and_the_whole_summary()
    {
        var pages = await PageClient.SignIn(app, Users.Coordinator);
        var rows = (2 * ManyPlansApp.Count) + SeedGaps;

        var (html, ms) = await Timed(() => pages.Html("/koordinator"));
        var last = await pages.Html($"/koordinator?rowPage={(rows + 99) / 100}");
        var beyond = await pages.Html("/koordinator?rowPage=100000");

        Assert.Equal(100, Regex.Matches(html, "<tr data-plan=").Count);
        Assert.Contains($"({Danish(rows)})", html);
        Assert.Contains($"<td class=\"num\">{rows}</td>", html); // the summary's total of flagged goals
        Assert.Equal(rows % 100 == 0 ? 100 : rows % 100, Regex.Matches(last, "<tr data-plan=").Count);
        Assert.Equal(Regex.Matches(last, "<tr data-plan=").Count, Regex.Matches(beyond, "<tr data-plan=").Count);
        Assert.InRange(html.Length, 1, 300 * 1024);
        output.WriteLine($"GET /koordinator: {ms} ms, {html.Length} characters");
    }

    private static string Danish(int number) => number.ToString("N0", new System.Globalization.CultureInfo("da-DK"));

    private static int SeedGaps => Flags.SeedFlagsTests.ExpectedGaps.Length;

    private static async Task<(T Result, long Ms)> Timed<T>(Func<Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        var result = await work();
        return (result, clock.ElapsedMilliseconds);
    }
}
