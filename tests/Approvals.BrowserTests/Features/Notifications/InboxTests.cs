using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Notifications;

[Collection(BrowserCollection.Name)]
public sealed class InboxTests(BrowserApp app)
{
    [Fact]
    public async Task The_unread_count_is_in_the_header_and_a_notification_is_marked_read_from_the_keyboard()
    {
        var email = DemoAccounts.SecretaryOf(Committee.Biu);
        await app.WithDb(async db =>
        {
            var recipient = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();

            // Other tests of the shared app act on this committee's plans, and its secretary is told: what they left
            // is read already, so the count shows this test's notification alone.
            await db.Notifications.Where(n => n.RecipientId == recipient && n.ReadUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadUtc, DateTime.UtcNow));
            db.Notifications.Add(new Notification
            {
                Id = Guid.CreateVersion7(),
                EventId = Guid.NewGuid(),
                RecipientId = recipient,
                PlanId = Guid.NewGuid(),
                Kind = "PlanReturned",
                Subject = "Handleplan sendt tilbage: Beskæftigelse",
                Body = "Administrativ sagsbehandler har sendt handleplanen tilbage.\n\nKommentar:\nTilføj en indikator til mål 2.",
                Link = "http://localhost/planer/x",
                OccurredUtc = DateTime.UtcNow,
                CreatedUtc = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        var page = await app.SignedIn(email);
        await Expect(page.Locator(".main-nav .badge")).ToHaveTextAsync("1 ulæste");

        await page.GetByRole(AriaRole.Link, new() { Name = "Notifikationer" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Notifikationer");
        await Expect(page.Locator(".inbox__item--unread")).ToContainTextAsync("Tilføj en indikator til mål 2.");
        await Expect(page.Locator(".inbox__item--unread .tag")).ToHaveTextAsync("Ulæst");
        await Accessibility.AssertNoSeriousViolations(page);
        await BrowserApp.Screenshot(page, "notifikationer");

        var mark = page.GetByRole(AriaRole.Button, new() { Name = "Markér som læst" });
        await mark.FocusAsync();
        await Expect(mark).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator(".main-nav .badge")).ToHaveCountAsync(0);
        await Expect(page.Locator(".inbox__item--read").Filter(new() { HasText = "Tilføj en indikator til mål 2." })).ToHaveCountAsync(1);
        await Expect(page.GetByText("Du har ingen ulæste notifikationer.")).ToBeVisibleAsync();
    }
}
