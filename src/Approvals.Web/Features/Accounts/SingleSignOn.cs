using System.Security.Claims;
using System.Text.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Administration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Accounts;

/// <summary>Why single sign-on let someone in or not.</summary>
public enum SingleSignOnStatus
{
    SignedIn,

    /// <summary>None of the person's groups is mapped to a role.</summary>
    NoMappedGroup,

    /// <summary>No account has the person's e-mail address, and accounts are not created on first sign-in.</summary>
    NoAccount,

    Deactivated,

    /// <summary>The provider sent no usable e-mail address.</summary>
    NoEmail,

    /// <summary>The provider refused or the sign-in was cancelled.</summary>
    Failed,
}

/// <summary>
/// Single sign-on with the organisation's OpenID Connect provider: the authorization-code flow with PKCE, the
/// provider's groups mapped to roles and a committee by configuration, the account matched by e-mail address.
/// </summary>
public sealed class SingleSignOn(
    ApprovalsDbContext db,
    UserManager<AppUser> users,
    AppSignInManager signIn,
    AccountAdministration administration,
    AccountStates states,
    AuthenticationSettings settings,
    TimeProvider clock,
    ILogger<SingleSignOn> logger)
{
    public const string Scheme = "oidc";

    /// <summary>The <c>amr</c> value of sessions begun through single sign-on.</summary>
    public const string Method = "external";

    public const string NoAccessPath = "/ingen-adgang";

    /// <summary>
    /// Finds or creates the account of the person the provider vouched for, gives it the roles and committee its
    /// groups map to, and signs it in with the app's cookie (a session of its own, marked <see cref="Method"/>).
    /// </summary>
    public async Task<SingleSignOnStatus> SignInAsync(ClaimsPrincipal external, AuthenticationProperties? externalProperties, CancellationToken ct)
    {
        var oidc = settings.Oidc;
        var email = external.FindFirstValue(oidc.EmailClaim)?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > UserLimits.Email || !email.Contains('@'))
        {
            logger.LogWarning("Single sign-on: the provider sent no e-mail address in the claim '{Claim}'.", oidc.EmailClaim);
            return SingleSignOnStatus.NoEmail;
        }

        var (roles, committee) = Map(GroupsOf(external));
        if (roles.Count == 0)
        {
            logger.LogInformation("Single sign-on: {Email} has no group mapped to a role.", email);
            return SingleSignOnStatus.NoMappedGroup;
        }

        var normalized = users.NormalizeEmail(email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (user is null)
        {
            if (!oidc.CreateAccounts)
            {
                logger.LogInformation("Single sign-on: no account has the address {Email}, and Authentication:Oidc:CreateAccounts is off.", email);
                return SingleSignOnStatus.NoAccount;
            }

            user = new AppUser
            {
                UserName = email,
                NormalizedUserName = users.NormalizeName(email),
                Email = email,
                NormalizedEmail = normalized,
                EmailConfirmed = true,
                DisplayName = Truncate(external.FindFirstValue(oidc.NameClaim) is { Length: > 0 } name ? name.Trim() : email, UserLimits.Name),
                LockoutEnabled = true,
            };
            user.RenewSecurityStamp();
            db.Users.Add(user);
            db.AccountChanges.Add(AccountChange.Record(user.Id, AccountAdministration.Actions.Created, "", AccountAdministration.SingleSignOnActor, now, null,
                AccountAdministration.Serialize(AccountAdministration.Snapshot(user, []))));
        }
        else if (!user.Active)
        {
            logger.LogInformation("Single sign-on: the account {Email} is deactivated.", email);
            return SingleSignOnStatus.Deactivated;
        }

        await administration.ApplyMappedAccessAsync(user, roles, committee, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first sign-ins of one person at once: the other created the account; this one tries again.
            db.ChangeTracker.Clear();
            return await SignInAsync(external, externalProperties, ct);
        }

        states.Forget(user.Id);
        var properties = new AuthenticationProperties();
        if (externalProperties?.GetTokenValue("id_token") is { } idToken)
        {
            // Kept for signing out at the provider too (id_token_hint).
            properties.StoreTokens([new AuthenticationToken { Name = "id_token", Value = idToken }]);
        }

        signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
        await signIn.SignInWithClaimsAsync(user, properties, [new Claim(AccountClaims.Method, Method)]);
        return SingleSignOnStatus.SignedIn;
    }

    /// <summary>The groups the provider listed: one claim per group, or one claim holding a JSON array.</summary>
    private HashSet<string> GroupsOf(ClaimsPrincipal external)
    {
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in external.FindAll(settings.Oidc.GroupsClaim))
        {
            if (claim.Value.StartsWith('['))
            {
                try
                {
                    groups.UnionWith(JsonSerializer.Deserialize<string[]>(claim.Value) ?? []);
                    continue;
                }
                catch (JsonException)
                {
                    // Not an array after all: the value is the group.
                }
            }

            groups.Add(claim.Value);
        }

        return groups;
    }

    /// <summary>
    /// The roles and committee the groups give, in configuration order. A committee-bound role without a committee
    /// is left out (it could not act), and a committee goes only with a committee-bound role.
    /// </summary>
    internal (IReadOnlyList<string> Roles, string? Committee) Map(IReadOnlySet<string> groups)
    {
        var mapped = settings.Oidc.Groups.Where(m => groups.Contains(m.Group)).ToList();
        var roles = mapped.Select(m => m.Role).Where(r => !string.IsNullOrWhiteSpace(r)).Cast<string>().Distinct().ToList();
        var committees = mapped.Select(m => Committee.Find(m.Committee)?.Code).OfType<string>().Distinct().ToList();
        if (committees.Count > 1)
        {
            logger.LogWarning("Single sign-on: the groups map to several committees ({Committees}); an account belongs to one, so {Committee} is used.",
                string.Join(", ", committees), committees[0]);
        }

        var committee = committees.FirstOrDefault();
        if (committee is null)
        {
            roles.RemoveAll(Roles.IsCommitteeBound);
        }

        return (roles, roles.Any(Roles.IsCommitteeBound) ? committee : null);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

public static class SingleSignOnExtensions
{
    public static void AddSingleSignOn(this AuthenticationBuilder authentication, OidcSettings settings)
    {
        authentication.Services.AddScoped<SingleSignOn>();
        authentication.AddOpenIdConnect(SingleSignOn.Scheme, "Organisation", o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.ResponseType = "code";
            o.UsePkce = true;
            // The code comes back on a top-level GET: the correlation and nonce cookies can then be SameSite=Lax and
            // still reach the app from the provider's site (a cross-site form post would need SameSite=None and HTTPS).
            o.ResponseMode = "query";
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.Scope.Clear();
            o.Scope.Add("openid");
            foreach (var scope in settings.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                o.Scope.Add(scope);
            }

            o.MapInboundClaims = false;
            o.SaveTokens = true;
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.SignOutScheme = IdentityConstants.ApplicationScheme;
            o.CallbackPath = "/signin-oidc";
            o.SignedOutCallbackPath = "/signout-callback-oidc";
            o.Events.OnRemoteFailure = context =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILogger<SingleSignOn>>()
                    .LogWarning(context.Failure, "Single sign-on failed at the provider or on the way back.");
                context.Response.Redirect($"{SingleSignOn.NoAccessPath}?aarsag=fejl");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>Whether the provider offers RP-initiated logout, so signing out can end the session there too.</summary>
    public static async Task<bool> ProviderEndsSessionsAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(SingleSignOn.Scheme);
        if (options.ConfigurationManager is null)
        {
            return false;
        }

        try
        {
            var configuration = await options.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
            return !string.IsNullOrEmpty(configuration.EndSessionEndpoint);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
