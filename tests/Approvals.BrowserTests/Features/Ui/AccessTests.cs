using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Ui;

[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserApp app)
{
    [Fact]
    public async Task A_secretary_cannot_open_another_committees_edit_page_even_by_url()
    {
        var id = await app.StartPlan(Committee.Tmu, "TMU's plan", TestPlans.TwoGoals());
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));

        var edit = await page.GotoAsync($"/planer/{id}/rediger");

        Assert.Equal(403, edit!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Du har ikke adgang til denne side");
        await Expect(page.Locator("textarea")).ToHaveCountAsync(0);
        await BrowserApp.Screenshot(page, "adgang-naegtet");

        var view = await page.GotoAsync($"/planer/{id}");
        Assert.Equal(403, view!.Status);
        await Expect(page.GetByText("TMU's plan")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_reviewer_cannot_open_an_edit_page_or_start_a_plan()
    {
        var id = await app.StartPlan(Committee.Sou, "Plan som en godkender ikke må redigere", TestPlans.TwoGoals());
        var page = await app.SignedIn(DemoAccounts.ApproverOf(Committee.Sou));

        Assert.Equal(403, (await page.GotoAsync($"/planer/{id}/rediger"))!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Du har ikke adgang til denne side");

        // The role check of /planer/ny sends the browser to the access-denied page, which answers 403 too.
        var start = await page.GotoAsync("/planer/ny");
        Assert.Equal(403, start!.Status);
        Assert.Contains("/adgang-naegtet", page.Url);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Du har ikke adgang til denne side");
    }

    [Fact]
    public async Task An_unknown_page_and_an_unknown_plan_get_the_friendly_404()
    {
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));

        var unknown = await page.GotoAsync("/findes-ikke");
        Assert.Equal(404, unknown!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Siden findes ikke");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Gå til forsiden" })).ToBeVisibleAsync();
        await BrowserApp.Screenshot(page, "ikke-fundet");

        var plan = await page.GotoAsync($"/planer/{Guid.NewGuid()}");
        Assert.Equal(404, plan!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Siden findes ikke");
    }

    [Fact]
    public async Task The_api_keeps_answering_problem_details_beside_the_pages()
    {
        var page = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));

        var response = await page.APIRequest.GetAsync($"/api/plans/{Guid.NewGuid()}");

        Assert.Equal(404, response.Status);
        Assert.StartsWith("application/problem+json", response.Headers["content-type"]);
    }
}
