using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Ui;

[Collection(BrowserCollection.Name)]
public sealed class LanguageTests(BrowserApp app)
{
    [Fact]
    public async Task Pages_are_Danish_by_default_and_the_header_switches_to_English_and_back()
    {
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));
        var id = await app.StartPlan(Committee.Sou, "Plan på to sprog", TestPlans.TwoGoals());
        await page.GotoAsync($"/planer/{id}");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "da");
        await Expect(page.Locator("#maal-1-1 .flag__label")).ToHaveTextAsync("Fejl:");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        Assert.EndsWith($"/planer/{id}", page.Url);
        await Expect(page.Locator("table.plan-table thead th").First).ToHaveTextAsync("Objective");
        await Expect(page.Locator("#maal-1-1 .flag__label")).ToHaveTextAsync("Error:");
        await Expect(page.Locator("#maal-1-1 .flag--error")).ToContainTextAsync("placeholder");
        await Expect(page.Locator("[aria-current='step']")).ToContainTextAsync("Draft");
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "plan-engelsk");

        await page.GetByRole(AriaRole.Button, new() { Name = "Dansk" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "da");
        await Expect(page.Locator("[aria-current='step']")).ToContainTextAsync("Kladde");
    }

    [Fact]
    public async Task Dates_are_written_the_Danish_way()
    {
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));
        var id = await app.StartPlan(Committee.Sou, "Plan med dato", TestPlans.TwoGoals());

        await page.GotoAsync($"/planer/{id}");

        var shown = await page.Locator(".meta time").TextContentAsync();
        var month = new System.Globalization.CultureInfo("da-DK").DateTimeFormat.GetMonthName(
            TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen")).Month);
        Assert.Contains(month, shown);
    }
}
