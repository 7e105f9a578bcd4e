using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Ui;

/// <summary>WCAG 2.1 AA as axe-core checks it: no serious or critical violation on any page, in the role that uses it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserApp app)
{
    private const string Anonymous = "";

    [Theory]
    [InlineData("log-ind", Anonymous, "/log-ind")]
    [InlineData("forside-sekretaer", "sekretaer.sou@approvals.local", "/")]
    [InlineData("forside-udvalg", "udvalg.sou@approvals.local", "/")]
    [InlineData("forside-administrativ", "administrativ@approvals.local", "/")]
    [InlineData("forside-borgerrepraesentationen", "borgerrepraesentationen@approvals.local", "/")]
    [InlineData("forside-koordinator", "koordinator@approvals.local", "/")]
    [InlineData("plan-seed", "sekretaer.sou@approvals.local", "/planer/{sou}")]
    [InlineData("plan-koordinator", "koordinator@approvals.local", "/planer/{sou}")]
    [InlineData("rediger-seed", "sekretaer.sou@approvals.local", "/planer/{sou}/rediger")]
    [InlineData("ny-plan", "sekretaer.sou@approvals.local", "/planer/ny")]
    [InlineData("log-ud", "sekretaer.sou@approvals.local", "/log-ud")]
    [InlineData("adgang-naegtet-side", "koordinator@approvals.local", "/adgang-naegtet")]
    [InlineData("ikke-fundet-side", "sekretaer.sou@approvals.local", "/findes-ikke")]
    [InlineData("forbudt-rediger", "sekretaer.tmu@approvals.local", "/planer/{sou}/rediger")]
    [InlineData("plan-administrativ", "administrativ@approvals.local", "/planer/{review}")]
    [InlineData("plan-udvalg-ingen-handlinger", "udvalg.sou@approvals.local", "/planer/{review}")]
    [InlineData("notifikationer", "sekretaer.sou@approvals.local", "/notifikationer")]
    [InlineData("koordinator", "koordinator@approvals.local", "/koordinator")]
    [InlineData("koordinator-filtre", "udvalg.sou@approvals.local", "/koordinator?committee=sou&stage=draft")]
    [InlineData("koordinator-ukendt-filter", "koordinator@approvals.local", "/koordinator?committee=xyz")]
    [InlineData("koordinator-forbudt", "sekretaer.sou@approvals.local", "/koordinator")]
    [InlineData("arbejdsgange", "sekretaer.sou@approvals.local", "/arbejdsgange")]
    [InlineData("frister", "koordinator@approvals.local", "/frister")]
    [InlineData("frister-filtre", "administrativ@approvals.local", "/frister?committee=sou&stage=administrative-review&overdue=true")]
    [InlineData("frister-ukendt-filter", "koordinator@approvals.local", "/frister?committee=xyz")]
    [InlineData("drift", "admin@approvals.local", "/admin/drift")]
    [InlineData("planer", "koordinator@approvals.local", "/planer")]
    [InlineData("planer-sekretaer-soeg", "sekretaer.sou@approvals.local", "/planer?q=plan&stage=draft")]
    [InlineData("planer-ukendt-filter", "koordinator@approvals.local", "/planer?committee=xyz&side=0")]
    public async Task A_page_has_no_serious_accessibility_violations(string name, string account, string path)
    {
        var page = account == Anonymous ? await app.NewPage() : await app.SignedIn(account);
        var sou = await app.WithDb(db => db.Plans.Where(p => p.CommitteeCode == "SOU").OrderBy(p => p.CreatedUtc).Select(p => p.Id).FirstAsync());
        if (path.Contains("{review}", StringComparison.Ordinal))
        {
            // A plan in administrative review whose approval is blocked by its "??????" indicator.
            var review = await app.StartPlan(Committee.Sou, "Plan i administrativ behandling", TestPlans.TwoGoals());
            await app.Take(review, "sekretaer.sou@approvals.local", "submit");
            path = path.Replace("{review}", review.ToString(), StringComparison.Ordinal);
        }

        await page.GotoAsync(path.Replace("{sou}", sou.ToString(), StringComparison.Ordinal));

        await Accessibility.AssertNoSeriousViolations(page);
        await Expect(page.Locator("main#indhold")).ToHaveCountAsync(1);
        await Expect(page.Locator("h1")).ToHaveCountAsync(1);
        var shot = await BrowserApp.Screenshot(page, $"a11y-{name}");
        Console.WriteLine($"Screenshot: {shot}");
    }

    [Fact]
    public async Task The_friendly_500_page_has_no_serious_accessibility_violations()
    {
        var id = await app.StartPlan(Committee.Biu, "Plan på en fjernet arbejdsgang", TestPlans.TwoGoals());
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "Plans" SET "WorkflowVersion" = {99} WHERE "Id" = {id}"""));
        try
        {
            var page = await app.SignedIn("koordinator@approvals.local");

            var response = await page.GotoAsync($"/planer/{id}");

            Assert.Equal(500, response!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Der opstod en fejl hos os");
            await Accessibility.AssertNoSeriousViolations(page);
            await BrowserApp.Screenshot(page, "a11y-fejl-500");
        }
        finally
        {
            await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "Plans" SET "WorkflowVersion" = {1} WHERE "Id" = {id}"""));
        }
    }

    [Fact]
    public async Task The_skip_link_is_the_first_tab_stop_and_takes_the_keyboard_to_the_content()
    {
        var page = await app.SignedIn("sekretaer.sou@approvals.local");
        await page.GotoAsync("/");

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveTextAsync("Gå til indhold");
        await BrowserApp.Screenshot(page, "fokus-spring-til-indhold");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("main#indhold")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(":focus")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/planer/"));
    }

    [Fact]
    public async Task The_edit_form_works_from_the_keyboard_alone()
    {
        var id = await app.StartPlan(Committee.Sou, "Tastaturplan", TestPlans.TwoGoals());
        var page = await app.SignedIn("sekretaer.sou@approvals.local");
        await page.GotoAsync($"/planer/{id}/rediger");

        await page.GetByLabel("Planens titel").FocusAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" (rettet)");
        // Enter in a text field submits with the form's first button: save, not move or remove.
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");
        var title = await app.WithDb(db => db.Plans.Where(p => p.Id == id).Select(p => p.Title).FirstAsync());
        Assert.Equal("Tastaturplan (rettet)", title);
        Assert.Equal(2, await app.WithDb(db => db.Plans.Where(p => p.Id == id).Select(p => p.GoalCount).FirstAsync()));
    }
}
