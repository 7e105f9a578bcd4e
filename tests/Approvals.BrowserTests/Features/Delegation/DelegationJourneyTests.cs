using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Delegation;

/// <summary>A reviewer going on holiday names a stand-in on /konto; the stand-in finds the task and approves it on their behalf.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DelegationJourneyTests(BrowserApp app)
{
    [Fact]
    public async Task A_reviewer_names_a_stand_in_who_sees_the_task_and_approves_it_on_their_behalf()
    {
        var reviewer = await NewUser("Aase Afrejse", Roles.AdministrativeReviewer);
        var standIn = await NewUser("Sune Stedfortræder", Roles.Coordinator);
        var title = $"Plan til stedfortræderen {Guid.NewGuid():N}"[..40];
        // Real indicators: the administrative approval's guard lets it through.
        var planId = await app.StartPlan(Committee.Biu, title, new PlanContent(
        [
            new Objective("Sundhed for alle",
            [
                new ResultGoal("1", "Flere borgere skal have en god hverdag", [new Indicator("Andelen skal stige med 5 procentpoint inden 2027")], [new Activity("Opsøgende indsats")]),
            ]),
        ]));
        await app.Take(planId, DemoAccounts.SecretaryOf(Committee.Biu), "submit");

        var page = await app.SignedIn(reviewer);
        await page.GotoAsync("/konto");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Stedfortræder under fravær" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(page);
        var now = DateTime.UtcNow;
        await page.GetByLabel("Stedfortræderens e-mailadresse").FillAsync("ingen.saadan@kk.test");
        await page.GetByLabel("Fra (dansk tid)").FillAsync(Local(now.AddMinutes(-5)));
        await page.GetByLabel("Til (dansk tid)").FillAsync(Local(now.AddDays(2)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Giv myndighed" }).ClickAsync();
        await Expect(page.Locator("#delegation-email-error")).ToContainTextAsync("Der er ingen bruger med den e-mailadresse");
        await Accessibility.AssertNoSeriousViolations(page);
        await page.GetByLabel("Stedfortræderens e-mailadresse").FillAsync(standIn);
        await page.GetByRole(AriaRole.Button, new() { Name = "Giv myndighed" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Stedfortræderen er sat.");
        await Expect(page.Locator(".delegations")).ToContainTextAsync("Sune Stedfortræder");
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "stedfortraeder");

        var stand = await app.SignedIn(standIn);
        var tasks = stand.GetByRole(AriaRole.Region, new() { Name = "Mine opgaver" });
        await Expect(tasks).ToContainTextAsync("på vegne af Aase Afrejse");
        await Accessibility.AssertNoSeriousViolations(stand);
        await tasks.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await stand.GetByRole(AriaRole.Button, new() { Name = "Godkend", Exact = true }).ClickAsync();
        await Expect(stand.Locator(".history tbody tr").Last).ToContainTextAsync("Sune Stedfortræder på vegne af Aase Afrejse");
        await Accessibility.AssertNoSeriousViolations(stand);

        var admin = await app.SignedIn("admin@approvals.local");
        var id = await app.WithDb(db => Task.FromResult(db.Users.Single(u => u.Email == reviewer).Id));
        await admin.GotoAsync($"/admin/brugere/{id}");
        await Expect(admin.Locator(".delegations")).ToContainTextAsync("Sune Stedfortræder");
        await Expect(admin.Locator("table", new() { HasText = "Hvornår" })).ToContainTextAsync("Stedfortræder givet");
        await Accessibility.AssertNoSeriousViolations(admin);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Afslut stedfortræder" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Stedfortræderen er afsluttet.");
        await Expect(admin.GetByText("Der er ingen stedfortræder nu eller senere.")).ToBeVisibleAsync();
    }

    private static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen")).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> NewUser(string name, string role)
    {
        var email = $"stedfortraeder.{Guid.NewGuid():N}@kk.test";
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name };
        Assert.True((await users.CreateAsync(user, DemoAccounts.Password)).Succeeded);
        Assert.True((await users.AddToRolesAsync(user, [role])).Succeeded);
        return email;
    }
}
