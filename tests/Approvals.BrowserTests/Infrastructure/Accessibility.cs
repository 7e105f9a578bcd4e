using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Approvals.BrowserTests.Infrastructure;

public static class Accessibility
{
    /// <summary>
    /// Runs axe-core on the page and fails on any serious or critical violation, naming each; and on anything the
    /// browser refused under the app's Content-Security-Policy while showing the page.
    /// </summary>
    public static async Task AssertNoSeriousViolations(IPage page)
    {
        var refused = BrowserApp.ContentSecurityPolicyViolations(page);
        Assert.True(refused.Count == 0, $"The browser refused under the Content-Security-Policy on {page.Url}:\n" + string.Join("\n", refused));

        AxeResult result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0,
            $"axe found {serious.Count} serious/critical violation(s) on {page.Url}:\n" + string.Join("\n", serious.Select(v =>
                $"- {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Take(5).Select(n => n.Html)))));
    }
}
