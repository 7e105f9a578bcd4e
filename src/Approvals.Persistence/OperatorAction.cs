namespace Approvals.Persistence;

/// <summary>
/// What an administrator did on the operations page or API (retrying an event or an e-mail): who, when, on what,
/// and the error it had then. Append-only, like the plans' journal.
/// </summary>
public sealed class OperatorAction
{
    public const int ActionMaxLength = 32;
    public const int TargetMaxLength = 64;
    public const int ActorIdMaxLength = 64;
    public const int ActorNameMaxLength = 200;
    public const int DetailMaxLength = 2000;

    public long Id { get; set; }

    public DateTime AtUtc { get; set; }

    public string ActorId { get; set; } = "";

    public string ActorName { get; set; } = "";

    /// <summary><c>retry-event</c> or <c>retry-email</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>The outbox row's message id or the notification's id.</summary>
    public string Target { get; set; } = "";

    /// <summary>The last error the event or e-mail had when it was retried.</summary>
    public string? Detail { get; set; }
}
