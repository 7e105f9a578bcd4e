using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Home;

[Collection(BrowserCollection.Name)]
public sealed class HomeTests(BrowserApp app)
{
    [Fact]
    public async Task A_secretary_sees_only_her_committees_plans_with_stage_and_flags()
    {
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));

        var plans = page.GetByRole(AriaRole.Region, new() { Name = "Mine planer" });
        await Expect(plans.GetByRole(AriaRole.Link, new() { Name = "Handleplan: Sundheds- og Omsorgsudvalget" }).First).ToBeVisibleAsync();
        await Expect(plans.GetByRole(AriaRole.Row).Filter(new() { HasText = "Teknik- og Miljøudvalget" })).ToHaveCountAsync(0);
        await Expect(plans.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Kladde");
        await Expect(plans.GetByRole(AriaRole.Row).Nth(1).Locator(".count--error")).ToContainTextAsync("Fejl:");
        await BrowserApp.Screenshot(page, "forside-sekretaer");
    }

    [Fact]
    public async Task A_reviewer_finds_a_plan_at_her_stage_among_her_tasks()
    {
        var id = await app.StartPlan(Committee.Kfu, "Plan til administrativ behandling", TestPlans.TwoGoals());
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""UPDATE "Plans" SET "Stage" = {Stages.AdministrativeReview} WHERE "Id" = {id}"""));

        var page = await app.SignedIn("administrativ@approvals.local");

        var tasks = page.GetByRole(AriaRole.Region, new() { Name = "Mine opgaver" });
        var row = tasks.GetByRole(AriaRole.Row).Filter(new() { HasText = "Plan til administrativ behandling" });
        await Expect(row).ToContainTextAsync("Administrativ behandling");
        await Expect(tasks).Not.ToContainTextAsync("Kladde");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mine planer" })).ToHaveCountAsync(0);
        await BrowserApp.Screenshot(page, "forside-administrativ");
    }
}
