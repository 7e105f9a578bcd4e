using System.Security.Claims;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Approvals.Web.Features.Accounts;

/// <summary>An account as it is now: what every request is judged by.</summary>
public sealed record AccountState(
    string Id, string Email, string DisplayName, string? Committee, IReadOnlyList<string> Roles, bool Active, string SecurityStamp);

/// <summary>A session as it is now.</summary>
public sealed record SessionState(Guid Id, string UserId, string SecurityStamp, bool Ended, DateTime CreatedUtc);

public static class AccountClaims
{
    /// <summary>The id of the <see cref="AccountSession"/> a token or cookie belongs to.</summary>
    public const string Session = "approvals:session";

    /// <summary>How the person signed in (RFC 8176 "amr"): <c>pwd</c> or <c>external</c>.</summary>
    public const string Method = "amr";
}

/// <summary>
/// The current state of accounts and sessions, read from the database at most once per
/// <see cref="CacheDuration"/> per instance, and forgotten at once on this instance when it changes here. A change
/// made on another instance is seen here when the cached state runs out: within <see cref="CacheDuration"/>.
/// </summary>
public sealed class AccountStates(IMemoryCache cache, IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    /// <summary>A session older than this is refused, however it was kept alive (sliding cookies); the row is then deleted.</summary>
    public static readonly TimeSpan SessionMaxAge = TimeSpan.FromDays(30);

    public async ValueTask<AccountState?> UserAsync(string userId, CancellationToken ct)
    {
        if (cache.TryGetValue(UserKey(userId), out AccountState? state))
        {
            return state;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        state = await LoadUser(db, userId, ct);
        cache.Set(UserKey(userId), state, CacheDuration);
        return state;
    }

    public async ValueTask<SessionState?> SessionAsync(Guid sessionId, CancellationToken ct)
    {
        if (cache.TryGetValue(SessionKey(sessionId), out SessionState? state))
        {
            return state;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        state = await db.AccountSessions.AsNoTracking()
            .Where(s => s.Id == sessionId)
            .Select(s => new SessionState(s.Id, s.UserId, s.SecurityStamp, s.EndedUtc != null, s.CreatedUtc))
            .SingleOrDefaultAsync(ct);
        cache.Set(SessionKey(sessionId), state, CacheDuration);
        return state;
    }

    /// <summary>Makes this instance read the account afresh on its next request.</summary>
    public void Forget(string userId) => cache.Remove(UserKey(userId));

    public void ForgetSession(Guid sessionId) => cache.Remove(SessionKey(sessionId));

    /// <summary>
    /// The principal a request is judged by: built from the account's current roles, committee and name, or null
    /// when the session has ended, is unknown or too old, the account is deactivated or gone, or its security
    /// stamp has changed since the session began (a new password).
    /// </summary>
    public async ValueTask<(ClaimsPrincipal? Principal, string? Refusal)> JudgeAsync(ClaimsPrincipal presented, CancellationToken ct)
    {
        var identity = presented.Identity as ClaimsIdentity;
        if (!Guid.TryParse(presented.FindFirstValue(AccountClaims.Session), out var sessionId) || identity?.AuthenticationType is not { } type)
        {
            return (null, "The token or cookie belongs to no session: sign in again.");
        }

        var session = await SessionAsync(sessionId, ct);
        if (session is null || session.Ended)
        {
            return (null, "The session has ended: sign in again.");
        }

        if (clock.GetUtcNow().UtcDateTime - session.CreatedUtc > SessionMaxAge)
        {
            return (null, "The session is too old: sign in again.");
        }

        var account = await UserAsync(session.UserId, ct);
        if (account is null || !account.Active)
        {
            return (null, "The account is deactivated.");
        }

        if (!string.Equals(account.SecurityStamp, session.SecurityStamp, StringComparison.Ordinal))
        {
            return (null, "The account's password or access changed after this session began: sign in again.");
        }

        var current = new ClaimsIdentity(type, ClaimTypes.Name, ClaimTypes.Role);
        current.AddClaim(new Claim(ClaimTypes.NameIdentifier, account.Id));
        current.AddClaim(new Claim(ClaimTypes.Name, account.Email));
        current.AddClaim(new Claim(ClaimTypes.Email, account.Email));
        current.AddClaim(new Claim(ClaimTypes.GivenName, account.DisplayName));
        current.AddClaim(new Claim(AccountClaims.Session, sessionId.ToString()));
        if (presented.FindFirstValue(AccountClaims.Method) is { } method)
        {
            current.AddClaim(new Claim(AccountClaims.Method, method));
        }

        if (account.Committee is { } committee)
        {
            current.AddClaim(new Claim(Approvals.Core.Accounts.Roles.CommitteeClaim, committee));
        }

        foreach (var role in account.Roles)
        {
            current.AddClaim(new Claim(ClaimTypes.Role, role));
        }

        return (new ClaimsPrincipal(current), null);
    }

    private static async Task<AccountState?> LoadUser(ApprovalsDbContext db, string userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.CommitteeCode, u.DeactivatedUtc, u.SecurityStamp })
            .SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return null;
        }

        var roles = await (from link in db.UserRoles
                           join role in db.Roles on link.RoleId equals role.Id
                           where link.UserId == userId
                           select role.Name).ToListAsync(ct);
        return new AccountState(user.Id, user.Email ?? "", user.DisplayName, user.CommitteeCode,
            roles.OfType<string>().Order(StringComparer.Ordinal).ToList(), user.DeactivatedUtc is null, user.SecurityStamp ?? "");
    }

    private static (string, string) UserKey(string userId) => ("account", userId);

    private static (string, Guid) SessionKey(Guid sessionId) => ("account-session", sessionId);
}
