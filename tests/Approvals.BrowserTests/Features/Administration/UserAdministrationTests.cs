using Approvals.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Administration;

/// <summary>Account administration through the pages, as an administrator and the new colleague click through it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UserAdministrationTests(BrowserApp app)
{
    private const string Admin = "admin@approvals.local";

    [Fact]
    public async Task An_administrator_creates_a_user_who_chooses_a_password_signs_in_and_changes_it()
    {
        var email = $"ny.kollega.{Guid.NewGuid():N}@kk.test";
        var admin = await app.SignedIn(Admin);

        await admin.GetByRole(AriaRole.Link, new() { Name = "Brugere", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Brugere", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(admin);
        await BrowserApp.Screenshot(admin, "brugere");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Opret bruger" }).ClickAsync();
        await Accessibility.AssertNoSeriousViolations(admin);
        await admin.GetByLabel("E-mailadresse").FillAsync(email);
        await admin.GetByLabel("Navn").FillAsync("Nina Nybegynder");
        await admin.GetByLabel("Udvalgssekretær").CheckAsync();
        await admin.GetByLabel("Udvalg", new() { Exact = true }).SelectOptionAsync("KFU");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Opret bruger" }).ClickAsync();

        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Brugeren er oprettet.");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Link til at vælge adgangskode" })).ToBeVisibleAsync();
        await Expect(admin.GetByText("Linket er ikke sendt med e-mail")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(admin);
        await BrowserApp.Screenshot(admin, "bruger-oprettet");
        var link = await admin.Locator("#invitation-url").InputValueAsync();
        Assert.Contains("/adgangskode/ny?token=", link);
        var history = admin.Locator("table", new() { HasText = "Hvornår" });
        await Expect(history).ToContainTextAsync("Oprettet");
        await Expect(history).ToContainTextAsync("Udvalgssekretær");

        var colleague = await app.NewPage();
        await colleague.GotoAsync(new Uri(link).PathAndQuery);
        await Expect(colleague.GetByRole(AriaRole.Heading, new() { Name = "Vælg din adgangskode" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(colleague);
        await colleague.GetByLabel("Ny adgangskode").FillAsync("kort");
        await colleague.GetByLabel("Gentag den nye adgangskode").FillAsync("kort");
        await colleague.GetByRole(AriaRole.Button, new() { Name = "Gem adgangskode" }).ClickAsync();
        await Expect(colleague.Locator("[data-valmsg-for='Input.Password']")).ToContainTextAsync("Adgangskoden er for svag");
        await Accessibility.AssertNoSeriousViolations(colleague);
        await colleague.GetByLabel("Ny adgangskode").FillAsync("Kultur-og-fritid-2026");
        await colleague.GetByLabel("Gentag den nye adgangskode").FillAsync("Kultur-og-fritid-2026");
        await colleague.GetByRole(AriaRole.Button, new() { Name = "Gem adgangskode" }).ClickAsync();
        await Expect(colleague.GetByRole(AriaRole.Status)).ToContainTextAsync("Din adgangskode er gemt.");

        await BrowserApp.SignIn(colleague, email, "Kultur-og-fritid-2026");
        await Expect(colleague.GetByRole(AriaRole.Heading, new() { Name = "Mine planer" })).ToBeVisibleAsync();
        await Expect(colleague.GetByRole(AriaRole.Link, new() { Name = "Brugere", Exact = true })).ToHaveCountAsync(0);
        await colleague.GetByRole(AriaRole.Link, new() { Name = "Min konto" }).ClickAsync();
        await Expect(colleague.GetByRole(AriaRole.Heading, new() { Name = "Min konto" })).ToBeVisibleAsync();
        await Expect(colleague.Locator(".details")).ToContainTextAsync("Kultur- og Fritidsudvalget");
        await Accessibility.AssertNoSeriousViolations(colleague);
        await BrowserApp.Screenshot(colleague, "konto");
        await colleague.GetByLabel("Nuværende adgangskode").FillAsync("Kultur-og-fritid-2026");
        await colleague.GetByLabel("Ny adgangskode").FillAsync("Endnu-bedre-kode-2027");
        await colleague.GetByLabel("Gentag den nye adgangskode").FillAsync("Endnu-bedre-kode-2027");
        await colleague.GetByRole(AriaRole.Button, new() { Name = "Skift adgangskode" }).ClickAsync();
        await Expect(colleague.GetByRole(AriaRole.Status)).ToContainTextAsync("Din adgangskode er skiftet.");

        // The link was used: opening it again says so.
        var again = await app.NewPage();
        await again.GotoAsync(new Uri(link).PathAndQuery);
        await Expect(again.GetByRole(AriaRole.Alert)).ToContainTextAsync("Linket kan ikke bruges");
        await Accessibility.AssertNoSeriousViolations(again);
    }

    [Fact]
    public async Task A_secretary_without_a_committee_is_refused_beside_the_committee_field()
    {
        var admin = await app.SignedIn(Admin);
        await admin.GotoAsync("/admin/brugere/ny");

        await admin.GetByLabel("E-mailadresse").FillAsync($"uden.udvalg.{Guid.NewGuid():N}@kk.test");
        await admin.GetByLabel("Navn").FillAsync("Ulla Udvalgsløs");
        await admin.GetByLabel("Udvalgssekretær").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Opret bruger" }).ClickAsync();

        await Expect(admin.Locator("[data-valmsg-for='Input.Committee']")).ToHaveTextAsync("Udvalgssekretærer og udvalgsgodkendere skal have et udvalg: vælg det.");
        await Expect(admin.GetByLabel("Udvalgssekretær")).ToBeCheckedAsync();
        await Accessibility.AssertNoSeriousViolations(admin);
        await BrowserApp.Screenshot(admin, "bruger-fejl");
    }

    [Fact]
    public async Task A_deactivated_user_is_sent_to_the_sign_in_page_on_the_next_click()
    {
        var email = $"snart.vaek.{Guid.NewGuid():N}@kk.test";
        var admin = await app.SignedIn(Admin);
        await admin.GotoAsync("/admin/brugere/ny");
        await admin.GetByLabel("E-mailadresse").FillAsync(email);
        await admin.GetByLabel("Navn").FillAsync("Dennis Deaktiveret");
        await admin.GetByLabel("Koordinator").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Opret bruger" }).ClickAsync();
        var link = await admin.Locator("#invitation-url").InputValueAsync();
        var user = await app.NewPage();
        await user.GotoAsync(new Uri(link).PathAndQuery);
        await user.GetByLabel("Ny adgangskode").FillAsync("Koordinering-2026!");
        await user.GetByLabel("Gentag den nye adgangskode").FillAsync("Koordinering-2026!");
        await user.GetByRole(AriaRole.Button, new() { Name = "Gem adgangskode" }).ClickAsync();
        await BrowserApp.SignIn(user, email, "Koordinering-2026!");
        await user.GotoAsync("/koordinator");
        await Expect(user.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        await admin.GetByRole(AriaRole.Button, new() { Name = "Deaktivér konto" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Kontoen er deaktiveret.");
        await Expect(admin.Locator("table", new() { HasText = "Hvornår" })).ToContainTextAsync("Deaktiveret");

        await user.GotoAsync("/koordinator");
        Assert.Contains("/log-ind", user.Url);
    }

    [Fact]
    public async Task The_last_administrator_is_told_why_they_cannot_deactivate_themselves()
    {
        var admin = await app.SignedIn(Admin);
        await admin.GotoAsync("/admin/brugere?soeg=admin%40approvals.local");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Administrator", Exact = true }).Last.ClickAsync();

        await admin.GetByRole(AriaRole.Button, new() { Name = "Deaktivér konto" }).ClickAsync();

        await Expect(admin.GetByRole(AriaRole.Alert)).ToContainTextAsync("kontoen er den sidste aktive administrator");
        await Accessibility.AssertNoSeriousViolations(admin);
        await admin.GotoAsync("/admin/brugere");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Brugere", Level = 1 })).ToBeVisibleAsync();
    }
}
