using Approvals.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Accounts;

/// <summary>Single sign-on in Chromium through the real redirects to the provider and back.</summary>
[Collection(SingleSignOnCollection.Name)]
public sealed class SingleSignOnTests(SingleSignOnApp app)
{
    // A sign-in is several round trips between the app and the provider, each running code for the first time: on a
    // machine this busy, allow a minute for what takes a second when it is idle.
    private static readonly LocatorClickOptions Patient = new() { Timeout = 90_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 90_000 };

    [Fact]
    public async Task A_secretary_signs_in_with_the_organisation_account_gets_the_mapped_role_and_signs_out_at_the_provider_too()
    {
        var page = await app.NewPage();
        await page.GotoAsync("/");
        Assert.Contains("/log-ind", page.Url);
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "log-ind-sso");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind med din organisations konto" }).ClickAsync(Patient);
        await page.WaitForURLAsync(url => url.StartsWith(app.Provider.Authority, StringComparison.Ordinal), new() { Timeout = 90_000 });
        await page.GetByLabel("Brugernavn").FillAsync("sara", new() { Timeout = 90_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind hos organisationen" }).ClickAsync(Patient);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mine planer" })).ToBeVisibleAsync(Visible);
        await Expect(page.Locator(".who__name")).ToHaveTextAsync("Sara fra SSO", new() { Timeout = 90_000 });
        await Expect(page.Locator(".who__role")).ToHaveTextAsync("Udvalgssekretær");
        Assert.StartsWith(app.BaseUrl, page.Url);

        var signOutsBefore = app.Provider.SignOuts;
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ud" }).ClickAsync(Patient);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Du er logget ud.", new() { Timeout = 90_000 });
        Assert.Equal(signOutsBefore + 1, app.Provider.SignOuts);
        await page.GotoAsync("/");
        Assert.Contains("/log-ind", page.Url);

        // Signed out at the provider too: signing in again asks who you are.
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind med din organisations konto" }).ClickAsync(Patient);
        await Expect(page.GetByLabel("Brugernavn")).ToBeVisibleAsync(Visible);
    }

    [Fact]
    public async Task A_person_without_a_mapped_group_gets_a_friendly_no_access_page()
    {
        var page = await app.NewPage();
        await page.GotoAsync("/log-ind");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind med din organisations konto" }).ClickAsync(Patient);
        await page.GetByLabel("Brugernavn").FillAsync("uden", new() { Timeout = 90_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Log ind hos organisationen" }).ClickAsync(Patient);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ingen adgang til Approvals" })).ToBeVisibleAsync(Visible);
        await Expect(page.GetByText("ikke med i en af de grupper")).ToBeVisibleAsync(Visible);
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "ingen-adgang");
        await page.GotoAsync("/");
        Assert.Contains("/log-ind", page.Url);
    }
}
