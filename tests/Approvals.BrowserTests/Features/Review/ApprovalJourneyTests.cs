using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Review;

/// <summary>
/// The whole journey of the SOU seed plan through the pages, each step by the person whose step it is, clicking
/// what they would click: from its "??????" indicator to adoption, and off the coordinator's list.
/// </summary>
[Collection(JourneyCollection.Name)]
public sealed class ApprovalJourneyTests(BrowserApp app)
{
    private const string SouPlan = "Handleplan: Sundheds- og Omsorgsudvalget";
    private const string Measure = "Andelen af københavnere med etnisk minoritetsbaggrund, der kender de kommunale sundhedstilbud, skal stige fra 40 til 60 procent";
    private const string Deadline = " inden udgangen af 2027";
    private const string ReturnComment = "Indikatoren mangler en tidsramme. Skriv, hvornår målet skal være nået.";

    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_SOU_plan_goes_from_placeholder_to_adopted_and_leaves_the_coordinators_list()
    {
        var id = await app.WithDb(db => db.Plans.Where(p => p.Title == SouPlan).Select(p => p.Id).SingleAsync());
        var goalLink = $"a[href='/planer/{id}#maal-1-1']";

        // Before: the coordinator sees the SOU goal among those lacking an indicator.
        var coordinator = await app.SignedIn("koordinator@approvals.local");
        await coordinator.GotoAsync("/koordinator");
        await Expect(coordinator.Locator(goalLink)).ToHaveCountAsync(1);
        await Expect(coordinator.Locator("tr[data-committee='SOU']")).ToContainTextAsync("0 %");
        await BrowserApp.Screenshot(coordinator, "rejse-01-koordinator-foer");

        // The secretary finds the plan among her tasks, replaces "??????" with a real measure and submits.
        var secretary = await app.SignedIn(DemoAccounts.SecretaryOf(Committee.Sou));
        await secretary.GetByRole(AriaRole.Region, new() { Name = "Mine opgaver" }).GetByRole(AriaRole.Link, new() { Name = SouPlan }).ClickAsync();
        await Expect(secretary.Locator("#maal-1-1 .flag--error")).ToContainTextAsync("??????");
        await Expect(secretary.Locator(".action--blocked")).ToHaveCountAsync(0);
        await secretary.GetByRole(AriaRole.Link, new() { Name = "Rediger planen" }).ClickAsync();
        var indicator = secretary.Locator("#indicators-1-1").GetByLabel("Indikator 1", new() { Exact = true });
        await Expect(indicator).ToHaveValueAsync("??????");
        await indicator.FillAsync(Measure);
        await secretary.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();
        await Expect(secretary.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");
        await Expect(secretary.Locator("#goal-1-1 .flag--error")).ToHaveCountAsync(0);
        await BrowserApp.Screenshot(secretary, "rejse-02-rediger-indikator");

        await secretary.GetByRole(AriaRole.Link, new() { Name = "Tilbage til planen" }).First.ClickAsync();
        await secretary.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true }).ClickAsync();
        await Expect(secretary.GetByRole(AriaRole.Status)).ToContainTextAsync("Handlingen »Indsend« er udført");
        await Expect(secretary.Locator("[aria-current='step']")).ToContainTextAsync("Administrativ behandling");
        await Expect(secretary.GetByRole(AriaRole.Button)).ToHaveTextAsync(["English", "Log ud"]);
        await BrowserApp.Screenshot(secretary, "rejse-03-indsendt");

        // The administrative reviewer returns it; the comment is required.
        var reviewer = await app.SignedIn("administrativ@approvals.local");
        await reviewer.GetByRole(AriaRole.Region, new() { Name = "Mine opgaver" }).GetByRole(AriaRole.Link, new() { Name = SouPlan }).ClickAsync();
        await Expect(reviewer.GetByRole(AriaRole.Button, new() { Name = "Godkend", Exact = true })).ToBeVisibleAsync();
        await reviewer.GetByRole(AriaRole.Button, new() { Name = "Send tilbage", Exact = true }).ClickAsync();
        var comment = reviewer.GetByLabel("Kommentar til sekretæren (skal udfyldes)");
        await Expect(comment).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(reviewer.Locator("#comment-return-error")).ToHaveTextAsync("Skriv en kommentar, så sekretæren ved, hvad der skal rettes.");
        await Expect(reviewer.Locator("[aria-current='step']")).ToContainTextAsync("Administrativ behandling");
        await Accessibility.AssertNoSeriousViolations(reviewer);
        await BrowserApp.Screenshot(reviewer, "rejse-04-kommentar-mangler");

        // From the keyboard: type the comment, Tab to the button, Enter.
        await comment.FocusAsync();
        await reviewer.Keyboard.TypeAsync(ReturnComment);
        await reviewer.Keyboard.PressAsync("Tab");
        await Expect(reviewer.Locator(":focus")).ToHaveTextAsync("Send tilbage");
        await reviewer.Keyboard.PressAsync("Enter");
        await Expect(reviewer.GetByRole(AriaRole.Status)).ToContainTextAsync("Handlingen »Send tilbage« er udført. Planen er nu i fasen »Kladde«.");
        await Expect(reviewer.Locator(".history tbody tr").Last).ToContainTextAsync(ReturnComment);

        // The secretary is told: the badge in the header, and the comment in her inbox. Delivery is asynchronous
        // (outbox dispatcher, then the bus), so she looks again until it is there, as a person would.
        var badge = secretary.Locator(".main-nav .badge");
        await Eventually.True(async () =>
        {
            await secretary.ReloadAsync();
            return await badge.CountAsync() == 1;
        }, DeliveryTimeout, "the secretary's unread badge after the return");
        await Expect(badge).ToHaveTextAsync("1 ulæste");
        await BrowserApp.Screenshot(secretary, "rejse-05-notifikation-badge");
        await secretary.GetByRole(AriaRole.Link, new() { Name = "Notifikationer" }).ClickAsync();
        var entry = secretary.Locator(".inbox__item--unread").Filter(new() { HasText = "sendt tilbage" });
        await Expect(entry).ToContainTextAsync($"Handleplan sendt tilbage: {SouPlan}");
        await Expect(entry).ToContainTextAsync(ReturnComment);
        await Accessibility.AssertNoSeriousViolations(secretary);
        await BrowserApp.Screenshot(secretary, "rejse-06-notifikationer");
        await entry.GetByRole(AriaRole.Button, new() { Name = "Markér som læst" }).ClickAsync();
        await Expect(badge).ToHaveCountAsync(0);
        await Expect(secretary.Locator(".inbox__item--unread")).ToHaveCountAsync(0);

        // She adds the deadline and resubmits.
        await secretary.GetByRole(AriaRole.Link, new() { Name = $"Handleplan sendt tilbage: {SouPlan}" }).ClickAsync();
        await Expect(secretary.Locator(".history")).ToContainTextAsync(ReturnComment);
        await secretary.GetByRole(AriaRole.Link, new() { Name = "Rediger planen" }).ClickAsync();
        await indicator.FillAsync(Measure + Deadline);
        await secretary.GetByRole(AriaRole.Button, new() { Name = "Gem planen" }).First.ClickAsync();
        await Expect(secretary.GetByRole(AriaRole.Status)).ToContainTextAsync("Planen er gemt");
        await secretary.GetByRole(AriaRole.Link, new() { Name = "Tilbage til planen" }).First.ClickAsync();
        await secretary.GetByRole(AriaRole.Button, new() { Name = "Indsend", Exact = true }).ClickAsync();
        await Expect(secretary.Locator("[aria-current='step']")).ToContainTextAsync("Administrativ behandling");

        // Approved by the administrative reviewer, the SOU committee and the city council.
        await Approve(reviewer, id, "Udvalgsgodkendelse");
        var committee = await app.SignedIn(DemoAccounts.ApproverOf(Committee.Sou));
        await Approve(committee, id, "Borgerrepræsentationen");
        var council = await app.SignedIn("borgerrepraesentationen@approvals.local");
        await Approve(council, id, "Vedtaget");
        await Expect(council.Locator(".stages__step--done")).ToHaveCountAsync(4);
        await Expect(council.GetByText("Du har ingen handlinger på planen i denne fase.")).ToBeVisibleAsync();
        var history = council.Locator(".history tbody tr");
        await Expect(history).ToHaveCountAsync(6);
        await Expect(history.Locator("th")).ToHaveTextAsync(["Indsendt", "Sendt tilbage", "Indsendt", "Godkendt", "Godkendt", "Godkendt"]);
        await Expect(history.Nth(1).Locator("td.num")).ToHaveTextAsync("1");
        await Expect(history.Nth(2).Locator("td.num")).ToHaveTextAsync("2");
        await Expect(history.Last).ToContainTextAsync("Vedtaget");
        await BrowserApp.Screenshot(council, "rejse-07-vedtaget");

        var saved = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal((Stages.Adopted, 2, Measure + Deadline), (saved.Stage, saved.Revision, saved.Content.Goals.Single().Indicators.Single().Text));

        // After: the goal has left the coordinator's list, and SOU is fully covered.
        await coordinator.ReloadAsync();
        await Expect(coordinator.Locator(goalLink)).ToHaveCountAsync(0);
        await Expect(coordinator.Locator("tr[data-committee='SOU']")).ToContainTextAsync("100 %");
        await BrowserApp.Screenshot(coordinator, "rejse-08-koordinator-efter");
    }

    private static async Task Approve(IPage page, Guid id, string nextStage)
    {
        await page.GotoAsync($"/planer/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Godkend", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Planen er nu i fasen »{nextStage}«.");
        await Expect(page.Locator("[aria-current='step']")).ToContainTextAsync(nextStage);
    }
}
