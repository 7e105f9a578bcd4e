using Approvals.Persistence;

namespace Approvals.Tests.Infrastructure;

/// <summary>Inbox entries made up by a test, written past the delivery: the fields the test does not look at are filled in.</summary>
public static class InboxEntries
{
    public static Notification For(string recipientId, Guid? eventId = null, string kind = "PlanSubmitted", string subject = "Til behandling") => new()
    {
        Id = Guid.CreateVersion7(),
        EventId = eventId ?? Guid.NewGuid(),
        RecipientId = recipientId,
        PlanId = Guid.NewGuid(),
        Kind = kind,
        Subject = subject,
        Body = "",
        Link = "",
        OccurredUtc = DateTime.UtcNow,
        CreatedUtc = DateTime.UtcNow,
    };
}
