namespace Approvals.Persistence;

/// <summary>
/// One line of an account's append-only history: what was done to it, by whom, when, and the values before and
/// after (a JSON object of the fields that changed). Passwords are never recorded, only that one was set.
/// </summary>
public sealed class AccountChange
{
    private AccountChange()
    {
    }

    public long Id { get; private set; }

    public string UserId { get; private set; } = "";

    public string Action { get; private set; } = "";

    /// <summary>The account that made the change; empty when the app did (the create-admin command, single sign-on).</summary>
    public string ActorId { get; private set; } = "";

    public string ActorName { get; private set; } = "";

    public DateTime AtUtc { get; private set; }

    public string? Before { get; private set; }

    public string? After { get; private set; }

    public static AccountChange Record(string userId, string action, string actorId, string actorName, DateTime atUtc, string? before, string? after) => new()
    {
        UserId = userId,
        Action = action,
        ActorId = actorId,
        ActorName = actorName,
        AtUtc = atUtc,
        Before = before,
        After = after,
    };
}
