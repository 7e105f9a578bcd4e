namespace Approvals.Persistence;

/// <summary>
/// One sign-in: a bearer token or a browser cookie carries its id. A session is honoured while it has not ended,
/// its account is active and the account's security stamp is still the one the session holds.
/// </summary>
public sealed class AccountSession
{
    private AccountSession()
    {
    }

    public Guid Id { get; private set; }

    public string UserId { get; private set; } = "";

    /// <summary>The authentication scheme the session was issued for (bearer token or cookie).</summary>
    public string Scheme { get; private set; } = "";

    /// <summary>How the person proved who they are: <c>pwd</c> (password) or <c>external</c> (single sign-on).</summary>
    public string Method { get; private set; } = "";

    public string SecurityStamp { get; set; } = "";

    public DateTime CreatedUtc { get; private set; }

    public DateTime? EndedUtc { get; private set; }

    public static AccountSession Start(string userId, string scheme, string method, string securityStamp, DateTime nowUtc) => new()
    {
        Id = Guid.NewGuid(),
        UserId = userId,
        Scheme = scheme,
        Method = method,
        SecurityStamp = securityStamp,
        CreatedUtc = nowUtc,
    };
}
