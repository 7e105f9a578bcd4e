using Approvals.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.ApiReference;

/// <summary>The interactive API reference renders the app's own OpenAPI document, from the app alone, under its policy.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiDocsTests(BrowserApp app)
{
    [Fact]
    public async Task The_reference_shows_the_operations_loading_nothing_from_elsewhere()
    {
        var page = await app.NewPage();
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(app.BaseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)
                && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                lock (elsewhere)
                {
                    elsewhere.Add(request.Url);
                }
            }
        };

        // The reference's script is large: on a loaded machine its parse can outlast the default 15 s "load"; the page is
        // judged by what it shows, below.
        await page.GotoAsync("/api/docs", new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });

        await Expect(page.GetByText("Approvals API").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByText("Who you are: your account, committee and roles").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The reference lists every operation: its full-page capture is dozens of screens tall and outlasted 15 s on a
        // loaded CI machine. The window's view shows what this test is about.
        await BrowserApp.Screenshot(page, "api-docs", fullPage: false);
        Assert.Empty(BrowserApp.ContentSecurityPolicyViolations(page));
        lock (elsewhere)
        {
            Assert.Empty(elsewhere);
        }
    }
}
