namespace Approvals.Persistence;

/// <summary>
/// A one-time link to choose a password. Only the SHA-256 of its token is stored: whoever reads the database
/// cannot use a pending link. Used, revoked and expired invitations are kept for the account's history.
/// </summary>
public sealed class Invitation
{
    private Invitation()
    {
    }

    public Guid Id { get; private set; }

    public string UserId { get; private set; } = "";

    public string TokenHash { get; private set; } = "";

    public string CreatedById { get; private set; } = "";

    public DateTime CreatedUtc { get; private set; }

    public DateTime ExpiresUtc { get; private set; }

    public DateTime? UsedUtc { get; private set; }

    public DateTime? RevokedUtc { get; private set; }

    public static Invitation Issue(string userId, string tokenHash, string createdById, DateTime nowUtc, TimeSpan lifetime) => new()
    {
        Id = Guid.NewGuid(),
        UserId = userId,
        TokenHash = tokenHash,
        CreatedById = createdById,
        CreatedUtc = nowUtc,
        ExpiresUtc = nowUtc + lifetime,
    };

    public bool IsOpen(DateTime nowUtc) => UsedUtc is null && RevokedUtc is null && nowUtc < ExpiresUtc;

    public void Use(DateTime nowUtc)
    {
        if (!IsOpen(nowUtc))
        {
            throw new InvalidOperationException("The invitation is used, revoked or expired.");
        }

        UsedUtc = nowUtc;
    }

    /// <summary>A newer link replaces this one.</summary>
    public void Revoke(DateTime nowUtc)
    {
        if (UsedUtc is null && RevokedUtc is null)
        {
            RevokedUtc = nowUtc;
        }
    }
}
