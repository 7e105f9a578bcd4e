using Approvals.BrowserTests.Infrastructure;
using Approvals.Core.Contracts;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Approvals.BrowserTests.Features.Operations;

/// <summary>The operations page as an administrator uses it: a failed event listed with its error, retried with a click.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DriftTests(BrowserApp app)
{
    [Fact]
    public async Task An_administrator_sees_a_failed_event_and_retries_it()
    {
        var error = $"TimeoutException: The broker did not confirm the publish ({Guid.NewGuid():N}).";
        // An event for a plan of its own with no one to notify, so its delivery touches no one's inbox.
        var planEvent = new PlanSubmitted(Guid.NewGuid(), Guid.NewGuid(), "SOU", "Fejlet udsendelse", 1, "draft", "administrative-review",
            "system", DateTime.UtcNow.AddHours(-1), []);
        await app.WithDb(db =>
        {
            var row = db.Enqueue(planEvent);
            row.Attempts = 4;
            row.LastError = error;
            row.NextAttemptUtc = DateTime.UtcNow.AddDays(1);
            return db.SaveChangesAsync();
        });
        var admin = await app.SignedIn("admin@approvals.local");

        await admin.GetByRole(AriaRole.Link, new() { Name = "Drift", Exact = true }).ClickAsync();

        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Drift", Level = 1 })).ToBeVisibleAsync();
        var row = admin.Locator("tr", new() { HasText = error });
        await Expect(row).ToContainTextAsync("PlanSubmitted");
        await Accessibility.AssertNoSeriousViolations(admin);
        await BrowserApp.Screenshot(admin, "drift");

        await row.GetByRole(AriaRole.Button, new() { Name = "Prøv igen nu" }).ClickAsync();

        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("Hændelsen sendes igen nu.");
        await Expect(admin.Locator("#journal + ul")).ToContainTextAsync($"sendte hændelsen {planEvent.EventId} igen");
        await Accessibility.AssertNoSeriousViolations(admin);
        await Eventually.True(() => app.WithDb(db => db.Outbox.AnyAsync(m => m.MessageId == planEvent.EventId && m.SentUtc != null)),
            TimeSpan.FromSeconds(60), "the retried event to be delivered");
        await admin.ReloadAsync();
        await Expect(admin.Locator("tr", new() { HasText = error })).ToHaveCountAsync(0);
    }
}
