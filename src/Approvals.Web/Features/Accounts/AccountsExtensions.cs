using System.Security.Claims;
using Approvals.Core.Accounts;
using Approvals.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Accounts;

public static class Policies
{
    /// <summary>The coverage report: coordinators and administrators, and reviewers may read it too.</summary>
    public const string ReadReports = nameof(ReadReports);

    public const string WritePlans = nameof(WritePlans);

    /// <summary>Account administration: administrators only.</summary>
    public const string AdministerAccounts = nameof(AdministerAccounts);

    /// <summary>The operations page and API (what did not go through, retrying it): administrators only.</summary>
    public const string OperateDelivery = nameof(OperateDelivery);
}

public static class AccountsExtensions
{
    /// <summary>
    /// The bearer token or the cookie, as <see cref="SchemeFor"/> chooses for each request; either is judged by the
    /// account's current state (<see cref="AccountAuthenticationHandler"/>).
    /// </summary>
    public const string SmartScheme = "BearerOrCookie";

    public static void AddAccounts(this WebApplicationBuilder builder)
    {
        var settings = AuthenticationSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.Configure<AccountOptions>(builder.Configuration.GetSection(AccountOptions.Section));
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<AccountStates>();

        var authentication = builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, AccountAuthenticationHandler>(SmartScheme, "Bearer token or cookie", null)
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromHours(8));
        builder.Services.AddSingleton<IPostConfigureOptions<BearerTokenOptions>, RememberedBearerTickets.Wrapping>();
        authentication.AddIdentityCookies();
        if (settings.Oidc.Enabled)
        {
            authentication.AddSingleSignOn(settings.Oidc);
        }

        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "approvals";
            o.LoginPath = "/log-ind";
            o.LogoutPath = "/log-ud";
            o.AccessDeniedPath = "/adgang-naegtet";
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.SlidingExpiration = true;
            // Identity's security stamp validator would re-issue the cookie every 30 minutes from a fresh principal
            // without the session; every request is judged against the account by AccountAuthenticationHandler instead.
            o.Events.OnValidatePrincipal = _ => Task.CompletedTask;
            // The API answers 401/403; only pages redirect to the sign-in page.
            o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });

        builder.Services
            .AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                // Failed sign-ins never lock an account (PasswordSignIn): the sign-in rate limits bound guessing instead.
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ApprovalsDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>();
        builder.Services.AddScoped(sp => (AppSignInManager)sp.GetRequiredService<SignInManager<AppUser>>());

        builder.Services.AddHostedService<RoleInitializer>();
        builder.AddSignInLimits();
        builder.Services.AddScoped<OwnAccount>();
        builder.Services.AddSingleton<InvitationMailer>();

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.ReadReports, p => p.RequireRole(
                Roles.Coordinator, Roles.Administrator, Roles.AdministrativeReviewer, Roles.CommitteeApprover, Roles.CouncilApprover))
            .AddPolicy(Policies.WritePlans, p => p.RequireRole(Roles.Secretary))
            .AddPolicy(Policies.AdministerAccounts, p => p.RequireRole(Roles.Administrator))
            .AddPolicy(Policies.OperateDelivery, p => p.RequireRole(Roles.Administrator));
    }

    /// <summary>
    /// Which credential a request is judged by. On the API, a change (anything but GET and HEAD) needs a bearer token:
    /// the browser's cookie alone gets 401, so a page on another site cannot use a signed-in browser to change
    /// anything, whatever it posts. Reads accept the cookie too, as pages link to downloads (the coverage CSV).
    /// Pages use the cookie; a bearer token is honoured wherever it is sent.
    /// </summary>
    public static string SchemeFor(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return IdentityConstants.BearerScheme;
        }

        var reads = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        return request.Path.StartsWithSegments("/api") && !reads ? IdentityConstants.BearerScheme : IdentityConstants.ApplicationScheme;
    }

    private static Task RedirectOrStatus(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Puts the committee and display name on the principal, beside the roles Identity adds.</summary>
internal sealed class AppClaimsPrincipalFactory(
    UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.GivenName, user.DisplayName));
        if (user.CommitteeCode is { } committee)
        {
            identity.AddClaim(new Claim(Roles.CommitteeClaim, committee));
        }

        return identity;
    }
}
