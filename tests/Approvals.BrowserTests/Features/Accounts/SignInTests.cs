using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Accounts;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserApp app)
{
    [Fact]
    public async Task A_secretary_signs_in_from_the_front_page_and_signs_out_again()
    {
        var page = await app.NewPage();

        await page.GotoAsync("/");
        Assert.Contains("/log-ind", page.Url);
        await BrowserApp.Screenshot(page, "log-ind");

        await page.GetByLabel("E-mailadresse").FillAsync(DemoAccounts.SecretaryOf(Committee.Sou));
        await page.GetByLabel("Adgangskode").FillAsync(DemoAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mine planer" })).ToBeVisibleAsync();
        await Expect(page.Locator(".who__name")).ToHaveTextAsync("Sekretær, Sundheds- og Omsorgsudvalget");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log ud" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Du er logget ud.");
        await page.GotoAsync("/");
        Assert.Contains("/log-ind", page.Url);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_no_session()
    {
        var page = await app.NewPage();
        await page.GotoAsync("/log-ind");

        await page.GetByLabel("E-mailadresse").FillAsync(DemoAccounts.SecretaryOf(Committee.Sou));
        await page.GetByLabel("Adgangskode").FillAsync("ikke-adgangskoden");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Du kunne ikke logges ind: e-mailadressen eller adgangskoden er forkert");
        await page.GotoAsync("/");
        Assert.Contains("/log-ind", page.Url);
    }

    [Fact]
    public async Task An_empty_sign_in_names_the_missing_fields()
    {
        var page = await app.NewPage();
        await page.GotoAsync("/log-ind");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind", Exact = true }).ClickAsync();

        await Expect(page.Locator("[data-valmsg-for='Input.Email']")).ToHaveTextAsync("Udfyld feltet.");
        await Expect(page.Locator("[data-valmsg-for='Input.Password']")).ToHaveTextAsync("Udfyld feltet.");
    }
}
