using Approvals.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Security;

/// <summary>
/// The Content-Security-Policy as Chromium enforces it: a script slipped into a page does not run, and the pages
/// themselves need nothing it refuses (every page axe checks is also checked for refusals, see <see cref="Accessibility"/>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserApp app)
{
    [Fact]
    public async Task An_inline_script_slipped_into_a_page_does_not_run_and_the_browser_reports_it()
    {
        var page = await app.NewPage();
        await page.GotoAsync("/log-ind");

        try
        {
            await page.AddScriptTagAsync(new() { Content = "window.slippedIn = true;" });
        }
        catch (PlaywrightException)
        {
            // Refused by the policy; what counts is below.
        }

        Assert.False(await page.EvaluateAsync<bool>("() => window.slippedIn === true"), "An inline script ran despite the Content-Security-Policy.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Log ind");
        Assert.Contains(BrowserApp.ContentSecurityPolicyViolations(page), v => v.Contains("script", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_coverage_bars_are_drawn_without_inline_styles()
    {
        var page = await app.SignedIn("koordinator@approvals.local");

        await page.GotoAsync("/koordinator");

        var bars = page.Locator("table.coverage tbody .share__fill");
        await Expect(bars).ToHaveCountAsync(7);
        var widths = new List<double>();
        foreach (var bar in await bars.AllAsync())
        {
            widths.Add((await bar.BoundingBoxAsync())?.Width ?? 0);
        }

        Assert.Contains(widths, w => w > 0);
        Assert.Empty(BrowserApp.ContentSecurityPolicyViolations(page));
    }
}
