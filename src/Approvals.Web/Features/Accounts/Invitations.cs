using System.Security.Cryptography;
using System.Text;
using Approvals.Persistence;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Accounts;

/// <summary>A link just issued: the token is in <see cref="Url"/> and nowhere else (the database keeps its hash).</summary>
public sealed record IssuedInvitation(string Url, DateTime ExpiresUtc);

/// <summary>Where links to this app point: <c>App:BaseUrl</c>, as in notification e-mails.</summary>
public sealed class AccountLinks(string baseUrl)
{
    public const string SetPasswordPath = "/adgangskode/ny";

    public string SetPassword(string token) => $"{baseUrl.TrimEnd('/')}{SetPasswordPath}?token={Uri.EscapeDataString(token)}";

    public string Home => baseUrl.TrimEnd('/') + "/";
}

/// <summary>One-time links to choose a password: issued by an administrator, redeemed by the person.</summary>
public static class Invitations
{
    /// <summary>The longest token the API reads: issued ones are 43 characters.</summary>
    public const int MaxTokenLength = 100;

    /// <summary>
    /// Adds a new invitation for <paramref name="user"/> to the context and revokes the user's open ones, for the
    /// caller's SaveChanges: the old link stops working in the same transaction that creates the new one.
    /// </summary>
    public static async Task<IssuedInvitation> IssueAsync(
        ApprovalsDbContext db, AccountLinks links, string userId, string actorId, DateTime nowUtc, TimeSpan lifetime, CancellationToken ct)
    {
        foreach (var open in await db.Invitations.Where(i => i.UserId == userId && i.UsedUtc == null && i.RevokedUtc == null).ToListAsync(ct))
        {
            open.Revoke(nowUtc);
        }

        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var invitation = Invitation.Issue(userId, Hash(token), actorId, nowUtc, lifetime);
        db.Invitations.Add(invitation);
        return new IssuedInvitation(links.SetPassword(token), invitation.ExpiresUtc);
    }

    /// <summary>The open invitation a token names, tracked, or null when it is unknown, used, revoked or expired.</summary>
    public static async Task<Invitation?> FindOpenAsync(ApprovalsDbContext db, string? token, DateTime nowUtc, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var hash = Hash(token.Trim());
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is not null && invitation.IsOpen(nowUtc) ? invitation : null;
    }

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
