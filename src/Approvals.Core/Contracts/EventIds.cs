namespace Approvals.Core.Contracts;

/// <summary>
/// A new event's id: a version 7 UUID, whose first 48 bits are the time in milliseconds. Events written one after
/// another get ids in that order (within a millisecond the rest is random), so the unique indexes on them (the outbox's
/// message id, the inbox's event and recipient) take each new entry at their end, on a page the last write already
/// holds, instead of on a page of their own anywhere in the index: one page fewer to read and to write per index and
/// event. The id is still unique without coordination; it reveals when the event was made, which its row says anyway.
/// </summary>
public static class EventIds
{
    public static Guid Next() => Guid.CreateVersion7();
}
