using System.Text.RegularExpressions;
using Approvals.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Coverage;

[Collection(BrowserCollection.Name)]
public sealed class CoordinatorTests(BrowserApp app)
{
    [Fact]
    public async Task The_coordinator_filters_from_the_keyboard_follows_a_goal_and_downloads_the_csv()
    {
        var page = await app.SignedIn("koordinator@approvals.local");
        await page.GetByRole(AriaRole.Link, new() { Name = "Koordinator" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Indikatordækning");
        await Expect(page.Locator("table.coverage tbody tr")).ToHaveCountAsync(7);

        await page.GetByLabel("Udvalg", new() { Exact = true }).FocusAsync();
        await page.GetByLabel("Udvalg", new() { Exact = true }).SelectOptionAsync("tmu");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Fase", new() { Exact = true })).ToBeFocusedAsync();
        await page.GetByLabel("Fase", new() { Exact = true }).SelectOptionAsync("draft");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Vis");
        await page.Keyboard.PressAsync("Enter");

        // The address, then what the page shows: a wait for the page's load event timed out once in CI (15 s), as the
        // sign-in helper's did; the assertions below wait for what they check.
        await Expect(page).ToHaveURLAsync(new Regex("[?&]committee=tmu(&|$)"), new() { Timeout = 45_000 });
        await Expect(page).ToHaveURLAsync(new Regex("[?&]stage=draft(&|$)"));
        await Expect(page.Locator("table.coverage tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.coverage tbody tr")).ToContainTextAsync("TMU");
        var rows = page.Locator("table.missing tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();
        Assert.All(await page.Locator("table.missing tbody tr td:first-child").AllTextContentsAsync(), c => Assert.Equal("TMU", c.Trim()));
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "koordinator-filtreret");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Hent som CSV (Excel)" }).ClickAsync());
        Assert.Equal("manglende-indikatorer-tmu-draft.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("\uFEFFUdvalg;Plan-id;Plan;", csv);
        Assert.Equal(await rows.CountAsync(), csv.Split("\r\n").Count(line => line.StartsWith("TMU;", StringComparison.Ordinal)));

        var goal = rows.First.Locator("th a");
        var href = await goal.GetAttributeAsync("href");
        await goal.ClickAsync();
        Assert.EndsWith(href!, page.Url);
        await Expect(page.Locator($"#{href!.Split('#')[1]}")).ToBeInViewportAsync();
        await Expect(page.Locator($"#{href.Split('#')[1]} .flag--error")).ToBeVisibleAsync();
    }
}
