using System.Security.Claims;
using Approvals.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Accounts;

/// <summary>
/// Identity's sign-in with the account rules of this app: a deactivated account cannot sign in, password sign-in
/// can be switched off (<c>Authentication:LocalPasswords=false</c>), and every sign-in starts an
/// <see cref="AccountSession"/> whose id the token or cookie carries, so that signing out ends exactly that session.
/// </summary>
public sealed class AppSignInManager(
    UserManager<AppUser> users,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    ApprovalsDbContext db,
    AccountStates states,
    AuthenticationSettings settings,
    TimeProvider clock)
    : SignInManager<AppUser>(users, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => user.Active && await base.CanSignInAsync(user);

    public override Task<SignInResult> PasswordSignInAsync(AppUser user, string password, bool isPersistent, bool lockoutOnFailure) =>
        settings.LocalPasswords
            ? base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure)
            : Task.FromResult(SignInResult.NotAllowed);

    public override async Task SignInWithClaimsAsync(AppUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var claims = additionalClaims.ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        var method = claims.FirstOrDefault(c => c.Type == AccountClaims.Method)?.Value ?? "pwd";
        if (string.IsNullOrEmpty(user.SecurityStamp))
        {
            user.RenewSecurityStamp();
        }

        var session = AccountSession.Start(user.Id, AuthenticationScheme, method, user.SecurityStamp!, now);
        db.AccountSessions.Add(session);
        if (db.Entry(user).State == EntityState.Detached)
        {
            db.Users.Attach(user);
        }

        user.LastSignInUtc = now;
        await db.SaveChangesAsync();

        // Sessions past their age are refused anyway; deleting them here keeps the table to the sessions that count.
        var cutoff = now - AccountStates.SessionMaxAge;
        await db.AccountSessions.Where(s => s.CreatedUtc < cutoff).ExecuteDeleteAsync();

        claims.Add(new Claim(AccountClaims.Session, session.Id.ToString()));
        await base.SignInWithClaimsAsync(user, authenticationProperties, claims);
    }

    /// <summary>Ends the signed-in session (of the cookie or bearer token the request carries), then removes Identity's cookies.</summary>
    public override async Task SignOutAsync()
    {
        await EndSessionAsync(Context.User, Context.RequestAborted);
        await base.SignOutAsync();
    }

    /// <summary>Ends the session <paramref name="user"/> belongs to: its token or cookie is refused from the next request on.</summary>
    public async Task EndSessionAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(AccountClaims.Session), out var sessionId))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await db.AccountSessions
            .Where(s => s.Id == sessionId && s.EndedUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedUtc, now), ct);
        states.ForgetSession(sessionId);
    }
}
