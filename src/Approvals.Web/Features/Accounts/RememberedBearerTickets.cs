using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// Remembers the ticket a bearer token was unprotected to, so a client sending the same token request after request
/// has it decrypted and verified once, not on every request: unprotecting (a key derivation, a decryption and a MAC
/// check through ASP.NET Core Data Protection) was about a twelfth of the CPU of a plan read. Only tokens that
/// unprotect are remembered, keyed by a SHA-256 of the token (the token itself is not kept), for at most
/// <see cref="Lifetime"/> and never past the ticket's own expiry, at most <see cref="Capacity"/> of them.
/// <para>
/// Nothing about what a token is allowed changes: each request gets its own copy of the ticket, the bearer handler
/// still refuses it after its expiry, and every request is still judged by the account's current state
/// (<see cref="AccountStates"/>: an ended session, a deactivated account or a new password refuse it at once).
/// </para>
/// </summary>
internal sealed class RememberedBearerTickets(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock)
    : ISecureDataFormat<AuthenticationTicket>
{
    public const int Capacity = 10_000;

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _tickets = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (string.IsNullOrEmpty(protectedText))
        {
            return inner.Unprotect(protectedText, purpose);
        }

        var key = (Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(protectedText))), purpose);
        if (!_tickets.TryGetValue(key, out AuthenticationTicket? ticket) || ticket is null)
        {
            ticket = inner.Unprotect(protectedText, purpose);
            if (ticket is null)
            {
                return null;
            }

            // Never remembered past the ticket's expiry by the app's clock (the handler refuses it then anyway).
            var remembered = Lifetime;
            if (ticket.Properties.ExpiresUtc is { } expires && expires - clock.GetUtcNow() < remembered)
            {
                remembered = expires - clock.GetUtcNow();
            }

            if (remembered > TimeSpan.Zero)
            {
                _tickets.Set(key, ticket, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = remembered, Size = 1 });
            }
        }

        // ClaimsPrincipal.Clone shares its identities: each is cloned, so no request sees another's changes.
        return new AuthenticationTicket(
            new ClaimsPrincipal(ticket.Principal.Identities.Select(i => i.Clone())), ticket.Properties.Clone(), ticket.AuthenticationScheme);
    }

    /// <summary>Wraps the bearer scheme's protector once ASP.NET Core has made it from the Data Protection keys.</summary>
    internal sealed class Wrapping(TimeProvider clock) : IPostConfigureOptions<BearerTokenOptions>
    {
        public void PostConfigure(string? name, BearerTokenOptions options)
        {
            if (options.BearerTokenProtector is not RememberedBearerTickets)
            {
                options.BearerTokenProtector = new RememberedBearerTickets(options.BearerTokenProtector, clock);
            }
        }
    }
}
