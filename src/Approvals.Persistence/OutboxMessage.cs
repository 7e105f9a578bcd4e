namespace Approvals.Persistence;

/// <summary>
/// An event waiting to be published, written in the same transaction as the change that caused it.
/// The ascending <see cref="Id"/> gives publishing order.
/// </summary>
public sealed class OutboxMessage : ILeasedRow<long>
{
    /// <summary>The length of a W3C <c>traceparent</c> (version 00): 00-{32 hex}-{16 hex}-{2 hex}.</summary>
    public const int TraceParentMaxLength = 55;

    public const int MaxTypeLength = 200;

    /// <summary>The index of unsent rows (<c>IX_Outbox_SentUtc_Id</c>) and the condition its rows meet.</summary>
    public const string UnsentIndexName = "IX_Outbox_SentUtc_Id";

    /// <inheritdoc cref="UnsentIndexName"/>
    public const string UnsentFilter = "\"SentUtc\" IS NULL";

    public long Id { get; set; }

    public Guid MessageId { get; set; }

    public Guid PlanId { get; set; }

    /// <summary>The CLR type name of the event, e.g. <c>Approvals.Core.Contracts.PlanSubmitted</c>.</summary>
    public string Type { get; set; } = "";

    public string Body { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime? SentUtc { get; set; }

    /// <summary>Failed publishes so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Not published before then: the back-off after a failed publish.</summary>
    public DateTime NextAttemptUtc { get; set; }

    public string? LastError { get; set; }

    /// <summary>The dispatcher holding the row while it publishes (see <see cref="RowLeases{TRow, TKey}"/>).</summary>
    public Guid? ClaimToken { get; set; }

    public DateTime? LeaseUntilUtc { get; set; }

    /// <summary>
    /// The W3C trace context (<c>traceparent</c>) of the request that wrote the row, so publishing it continues that
    /// trace; null when nothing was traced.
    /// </summary>
    public string? TraceParent { get; set; }
}

/// <summary>An entry in a user's in-app inbox. (EventId, RecipientId) is unique: a redelivery adds nothing.</summary>
public sealed class Notification : ILeasedRow<Guid>
{
    /// <summary>Room for the longest prefix ("Handleplan sendt tilbage: ") before the longest plan title.</summary>
    public const int MaxSubjectLength = 400;

    /// <summary>A plan's address: <c>App:BaseUrl</c> (checked at start-up to leave room) and <c>/planer/{id}</c>.</summary>
    public const int MaxLinkLength = 300;

    public const int MaxKindLength = 32;

    public Guid Id { get; set; }

    public Guid EventId { get; set; }

    public string RecipientId { get; set; } = "";

    public Guid PlanId { get; set; }

    public string Kind { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public string Link { get; set; } = "";

    /// <summary>When the event happened (its commit); <see cref="CreatedUtc"/> minus this is the delivery lag.</summary>
    public DateTime OccurredUtc { get; set; }

    /// <summary>When the entry was stored in the inbox.</summary>
    public DateTime CreatedUtc { get; set; }

    public DateTime? ReadUtc { get; set; }

    public DateTime? EmailedUtc { get; set; }

    /// <summary>Failed sends so far.</summary>
    public int EmailAttempts { get; set; }

    /// <summary>Null when no e-mail is due: SMTP is not configured, the mail went out, or the sender gave up.</summary>
    public DateTime? NextEmailAttemptUtc { get; set; }

    public string? EmailLastError { get; set; }

    /// <summary>The mailer holding the entry while it sends its e-mail (see <see cref="RowLeases{TRow, TKey}"/>).</summary>
    public Guid? ClaimToken { get; set; }

    public DateTime? LeaseUntilUtc { get; set; }
}
