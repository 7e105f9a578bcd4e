using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Plans;

[Collection(BrowserCollection.Name)]
public sealed class PlanActionsTests(BrowserApp app)
{
    private static readonly string SouSecretary = DemoAccounts.SecretaryOf(Committee.Sou);

    [Fact]
    public async Task A_reviewer_sees_why_approving_is_blocked_and_the_reason_leads_to_the_goal()
    {
        var id = await app.StartPlan(Committee.Sou, "Plan til administrativ behandling med pladsholder", TestPlans.TwoGoals());
        await app.Take(id, SouSecretary, "submit");
        var page = await app.SignedIn("administrativ@approvals.local");

        await page.GotoAsync($"/planer/{id}");

        var blocked = page.Locator(".action--blocked");
        await Expect(blocked.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Godkend – ikke muligt endnu");
        await Expect(blocked).ToContainTextAsync("Alle resultatmål har en rigtig indikator");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Godkend", Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send tilbage", Exact = true })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "plan-handlinger-blokeret");

        await blocked.GetByRole(AriaRole.Link, new() { Name = "Resultatmål 1" }).ClickAsync();

        Assert.EndsWith("#maal-1-1", page.Url);
        await Expect(page.Locator("#maal-1-1")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task A_click_on_a_page_someone_else_acted_on_first_changes_nothing_and_says_so()
    {
        var id = await app.StartPlan(Committee.Sou, "Plan åbnet i to faner", TestPlans.TwoGoals());
        var first = await app.SignedIn(SouSecretary);
        var second = await first.Context.NewPageAsync();
        await first.GotoAsync($"/planer/{id}");
        await second.GotoAsync($"/planer/{id}");

        await first.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true }).ClickAsync();
        await Expect(first.GetByRole(AriaRole.Status)).ToContainTextAsync("Handlingen »Indsend« er udført");
        await second.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true }).ClickAsync();

        await Expect(second.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nogen anden handlede på planen før dig");
        await Expect(second.Locator("[aria-current='step']")).ToContainTextAsync("Administrativ behandling");
        await Expect(second.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true })).ToHaveCountAsync(0);
        Assert.Equal(1, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == id)));
        await Accessibility.AssertNoSeriousViolations(second);
        await BrowserApp.Screenshot(second, "plan-handling-for-sent");
    }
}
