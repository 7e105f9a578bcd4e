using System.Security.Claims;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Approvals.Tests.Features.Accounts;

/// <summary>A bearer token sent request after request is unprotected once; what it allows is judged as before.</summary>
public sealed class RememberedBearerTicketsTests
{
    [Fact]
    public void A_token_is_unprotected_once_and_every_request_gets_a_copy_of_its_own()
    {
        var inner = new CountingFormat(DateTimeOffset.UtcNow.AddHours(8));
        var tickets = new RememberedBearerTickets(inner, TimeProvider.System);

        var first = tickets.Unprotect("token-a")!;
        var copies = Enumerable.Range(0, 10).Select(_ => tickets.Unprotect("token-a")!).ToList();
        first.Properties.ExpiresUtc = DateTimeOffset.UnixEpoch;
        ((ClaimsIdentity)first.Principal.Identity!).AddClaim(new Claim("added", "by one request"));

        Assert.Equal(1, inner.Unprotects);
        Assert.All(copies, copy => Assert.Equal("user-1", copy.Principal.FindFirstValue(ClaimTypes.NameIdentifier)));
        var later = tickets.Unprotect("token-a")!;
        Assert.NotEqual(DateTimeOffset.UnixEpoch, later.Properties.ExpiresUtc);
        Assert.Null(later.Principal.FindFirst("added"));
        Assert.Equal(1, inner.Unprotects);

        tickets.Unprotect("token-b");
        Assert.Equal(2, inner.Unprotects);
    }

    [Fact]
    public void A_token_that_does_not_unprotect_is_asked_about_every_time()
    {
        var inner = new CountingFormat(DateTimeOffset.UtcNow.AddHours(8)) { Refuses = true };
        var tickets = new RememberedBearerTickets(inner, TimeProvider.System);

        Assert.Null(tickets.Unprotect("tampered"));
        Assert.Null(tickets.Unprotect("tampered"));

        Assert.Equal(2, inner.Unprotects);
    }

    [Fact]
    public void An_expired_ticket_is_not_remembered()
    {
        var inner = new CountingFormat(DateTimeOffset.UtcNow.AddSeconds(-1));
        var tickets = new RememberedBearerTickets(inner, TimeProvider.System);

        tickets.Unprotect("old");
        tickets.Unprotect("old");

        Assert.Equal(2, inner.Unprotects);
    }

    [Fact]
    public async Task The_app_remembers_bearer_tickets_and_a_token_still_fails_once_its_session_ends()
    {
        await using var app = new ApprovalsApp();
        await app.InitializeAsync();
        var options = app.Services.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(IdentityConstants.BearerScheme);
        Assert.IsType<RememberedBearerTickets>(options.BearerTokenProtector);

        var client = await app.ClientFor(Users.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    private sealed class CountingFormat(DateTimeOffset expires) : ISecureDataFormat<AuthenticationTicket>
    {
        public int Unprotects { get; private set; }

        public bool Refuses { get; init; }

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Unprotects++;
            if (Refuses)
            {
                return null;
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "user-1")], IdentityConstants.BearerScheme);
            return new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties { ExpiresUtc = expires }, IdentityConstants.BearerScheme);
        }
    }
}
