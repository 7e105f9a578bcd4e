using Approvals.Core.Contracts;
using Approvals.Persistence;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// The events of the outbox rows a workflow action of this instance has just written, so the
/// <see cref="OutboxDispatcher"/> publishes the event it already holds instead of reading it back from the row's JSON:
/// finding the type by name and deserialising the body were about 1.2 % of the app's CPU per transition. The row stays
/// the truth: an event is only taken for the row it was written to (its message id, plan and type), and a row whose
/// event is not here (written by another instance or before a restart, or forgotten) is read from its JSON as before.
/// <para>
/// At most <see cref="Capacity"/> events are kept; past that the oldest is forgotten. Events whose row another
/// instance publishes are never taken here and age out so.
/// </para>
/// </summary>
public sealed class CommittedEvents
{
    /// <summary>How many events are kept at most: far more than are ever waiting to be published at once.</summary>
    public const int Capacity = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, IPlanEvent> _events = [];

    // Ids in the order remembered, taken ones included: trimmed to twice the capacity, oldest first.
    private readonly Queue<Guid> _order = new();

    /// <summary>How many events are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>
    /// Keeps <paramref name="planEvent"/>, whose outbox row (<see cref="Outbox.Message"/>) is about to be written: kept
    /// before the commit, so it is here whenever the dispatcher wakes. One whose write fails is never asked for.
    /// </summary>
    public void Remember(IPlanEvent planEvent)
    {
        lock (_lock)
        {
            if (!_events.TryAdd(planEvent.EventId, planEvent))
            {
                return;
            }

            _order.Enqueue(planEvent.EventId);
            while ((_events.Count > Capacity || _order.Count > Capacity * 2) && _order.TryDequeue(out var oldest))
            {
                _events.Remove(oldest);
            }
        }
    }

    /// <summary>The event written to <paramref name="row"/>, forgotten here as it is taken; null when it is not kept.</summary>
    public IPlanEvent? Take(OutboxMessage row)
    {
        IPlanEvent? planEvent;
        lock (_lock)
        {
            if (!_events.Remove(row.MessageId, out planEvent))
            {
                return null;
            }
        }

        return planEvent.PlanId == row.PlanId && planEvent.GetType().FullName == row.Type ? planEvent : null;
    }
}
