namespace Approvals.Persistence;

/// <summary>
/// A reminder or escalation that was sent: one row per plan, stage entry, kind and offset, unique. It is written in
/// the same transaction as its outbox event, so a second instance (or a second pass after a crash) that tries to
/// send the same notice fails on the key and sends nothing.
/// </summary>
public sealed class DeadlineNotice
{
    public long Id { get; set; }

    public Guid PlanId { get; set; }

    public int StageEntry { get; set; }

    /// <summary><c>Reminder</c> or <c>Escalation</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Seconds before the due time (a reminder) or after it (the escalation).</summary>
    public long OffsetSeconds { get; set; }

    public string Stage { get; set; } = "";

    public DateTime DueUtc { get; set; }

    /// <summary>The outbox event that carries it.</summary>
    public Guid EventId { get; set; }

    public DateTime CreatedUtc { get; set; }
}
