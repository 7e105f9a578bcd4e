using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// The app's default scheme. A request is read by the bearer handler or the cookie handler, as
/// <see cref="AccountsExtensions.SchemeFor"/> chooses (API changes need a bearer token); either way the result is then judged by the account's current state (<see cref="AccountStates"/>):
/// an ended session, a deactivated account or a changed password is refused, and roles, committee and name are
/// the account's as they are now, not as they were when the token or cookie was issued.
/// </summary>
internal sealed class AccountAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountStates states)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var target = Target;
        var presented = await Context.AuthenticateAsync(target);
        if (presented.None)
        {
            return AuthenticateResult.NoResult();
        }

        if (!presented.Succeeded)
        {
            return AuthenticateResult.Fail(presented.Failure ?? new InvalidOperationException("The token or cookie was not accepted."));
        }

        var (principal, refusal) = await states.JudgeAsync(presented.Principal, Context.RequestAborted);
        if (principal is null)
        {
            Logger.LogInformation("Refused a {Scheme} of user {UserId}: {Refusal}", target, presented.Principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, refusal);
            if (target == IdentityConstants.ApplicationScheme)
            {
                // The browser need not keep sending a cookie that will never be accepted again.
                await Context.SignOutAsync(IdentityConstants.ApplicationScheme);
            }

            return AuthenticateResult.Fail(refusal!);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(principal, presented.Properties, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Context.ChallengeAsync(Target, properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Context.ForbidAsync(Target, properties);

    private string Target => AccountsExtensions.SchemeFor(Context);
}
