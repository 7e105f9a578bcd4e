using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Plans;

[Collection(BrowserCollection.Name)]
public sealed class ViewPlanTests(BrowserApp app)
{
    [Fact]
    public async Task The_plan_is_a_table_with_each_flag_beside_its_goal_and_the_stage_marked()
    {
        var id = await app.StartPlan(Committee.Sou, "Plan med markeringer", TestPlans.TwoGoals());
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));

        await page.GotoAsync($"/planer/{id}");

        var headers = await page.Locator("table.plan-table thead th").AllTextContentsAsync();
        Assert.Equal(["Målsætning", "Nr.", "Resultatmål", "Indikatorer", "Aktiviteter"], headers.Select(h => h.Trim()));
        var flagged = page.Locator("#maal-1-1");
        await Expect(flagged.Locator(".flag--error")).ToContainTextAsync("Fejl:");
        await Expect(flagged.Locator(".flag--error")).ToContainTextAsync("pladsholder");
        await Expect(page.Locator("#maal-1-2 .flag")).ToHaveCountAsync(0);
        await Expect(page.Locator("[aria-current='step']")).ToContainTextAsync("Kladde");
        await Expect(page.Locator(".stages__step")).ToHaveTextAsync(
            [new System.Text.RegularExpressions.Regex("Kladde"), new("Administrativ behandling"), new("Udvalgsgodkendelse"), new("Borgerrepræsentationen"), new("Vedtaget")]);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Rediger planen" })).ToBeVisibleAsync();
        await BrowserApp.Screenshot(page, "plan");
    }

    [Fact]
    public async Task A_warning_reads_differently_from_an_error_not_by_colour_alone()
    {
        var id = await app.StartPlan(Committee.Sou, "Plan med advarsel", new PlanContent(
        [
            new Objective("Målsætning", [new ResultGoal("1", "Et mål", [new Indicator("Fastholdelse af nuværende indsats")], [])]),
        ]));
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));

        await page.GotoAsync($"/planer/{id}");

        var warning = page.Locator("#maal-1-1 .flag--warning");
        await Expect(warning).ToContainTextAsync("Advarsel:");
        await Expect(warning.Locator("svg.flag-icon--warning")).ToHaveCountAsync(1);
        await Expect(page.Locator("#maal-1-1 .flag--error")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_reviewer_reads_a_plan_but_is_not_offered_to_edit_it()
    {
        var id = await app.StartPlan(Committee.Tmu, "Plan til læsning", TestPlans.TwoGoals());
        var page = await app.SignedIn("administrativ@approvals.local");

        var response = await page.GotoAsync($"/planer/{id}");

        Assert.Equal(200, response!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Plan til læsning", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Rediger planen" })).ToHaveCountAsync(0);
    }
}
