using System.Diagnostics;
using System.Text.Json;
using Approvals.Core.Contracts;

namespace Approvals.Persistence;

public static class Outbox
{
    /// <summary>
    /// Adds <paramref name="planEvent"/> to the outbox of <paramref name="db"/>: it is written by the same
    /// SaveChanges, so in the same transaction, as the change that caused it, and published afterwards.
    /// </summary>
    public static OutboxMessage Enqueue(this ApprovalsDbContext db, IPlanEvent planEvent)
    {
        var message = Message(planEvent);
        db.Outbox.Add(message);
        return message;
    }

    /// <summary>
    /// The outbox row of <paramref name="planEvent"/>, not added to any context: for a caller that writes it by hand in
    /// the transaction of the change that caused it, and wakes the dispatcher after the commit itself.
    /// </summary>
    public static OutboxMessage Message(IPlanEvent planEvent) =>
        new()
        {
            MessageId = planEvent.EventId,
            PlanId = planEvent.PlanId,
            Type = planEvent.GetType().FullName!,
            Body = JsonSerializer.Serialize(planEvent, planEvent.GetType(), OutboxJson.Default),
            CreatedUtc = planEvent.OccurredUtc,
            NextAttemptUtc = planEvent.OccurredUtc,
            TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id.Length: <= OutboxMessage.TraceParentMaxLength } current ? current.Id : null,
        };

    /// <summary>Reads an outbox row back into its event.</summary>
    public static IPlanEvent Deserialize(OutboxMessage message)
    {
        var type = typeof(IPlanEvent).Assembly.GetType(message.Type)
            ?? throw new InvalidOperationException($"Outbox message {message.Id} has unknown type '{message.Type}'.");
        return (IPlanEvent)JsonSerializer.Deserialize(message.Body, type, OutboxJson.Default)!;
    }
}
