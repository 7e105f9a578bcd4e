using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Approvals.OidcProvider;

/// <summary>A person the provider knows: who they are and which groups the organisation put them in.</summary>
public sealed record ProviderUser(string UserName, string Email, string Name, IReadOnlyList<string> Groups);

/// <summary>
/// An OpenID Connect provider for tests, on a loopback port: OpenIddict's server with the authorization-code flow and
/// PKCE (required), one client, a sign-in page where the test picks a person by user name, ID tokens carrying
/// <c>email</c>, <c>name</c> and <c>groups</c>, and RP-initiated logout. Plain HTTP, which only a test may use.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "approvals";
    public const string ClientSecret = "approvals-test-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ProviderUser> _users;

    private TestIdentityProvider(WebApplication app, ConcurrentDictionary<string, ProviderUser> users)
    {
        _app = app;
        _users = users;
        Authority = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>The provider's address, e.g. <c>http://127.0.0.1:41234</c>: the app's <c>Authentication:Oidc:Authority</c>.</summary>
    public string Authority { get; }

    /// <summary>How many times someone signed out at the provider (RP-initiated logout).</summary>
    public int SignOuts { get; private set; }

    public void Add(ProviderUser user) => _users[user.UserName] = user;

    /// <summary>Starts the provider for a client whose app answers at <paramref name="clientBaseUrl"/> (where it redirects back to).</summary>
    public static async Task<TestIdentityProvider> StartAsync(string clientBaseUrl, IEnumerable<ProviderUser> users)
    {
        var known = new ConcurrentDictionary<string, ProviderUser>(users.ToDictionary(u => u.UserName));
        var redirect = clientBaseUrl.TrimEnd('/') + "/signin-oidc";
        var postLogout = clientBaseUrl.TrimEnd('/') + "/signout-callback-oidc";

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "provider";
                o.LoginPath = "/login";
            });
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetEndSessionEndpointUris("connect/endsession");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            o.RegisterScopes(Scopes.Email, Scopes.Profile);
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.DisableAccessTokenEncryption();
            // No database of clients and tokens: the one client is checked by the handlers below.
            o.EnableDegradedMode();
            o.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough()
                .DisableTransportSecurityRequirement();

            o.AddEventHandler<ValidateAuthorizationRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client_id.");
                }
                else if (context.RedirectUri != redirect)
                {
                    context.Reject(Errors.InvalidClient, $"redirect_uri must be {redirect}.");
                }

                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "Wrong client credentials.");
                }

                return default;
            }));
            o.AddEventHandler<ValidateEndSessionRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } uri && uri != postLogout)
                {
                    context.Reject(Errors.InvalidRequest, $"post_logout_redirect_uri must be {postLogout}.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();

        app.MapGet("/login", (string? returnUrl) => Results.Content(LoginPage(returnUrl ?? "/"), "text/html; charset=utf-8"));
        app.MapPost("/login", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var returnUrl = form["returnUrl"].ToString();
            if (!known.TryGetValue(form["username"].ToString(), out var user))
            {
                return Results.Content(LoginPage(returnUrl, "Ukendt brugernavn."), "text/html; charset=utf-8", statusCode: 401);
            }

            var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme);
            identity.AddClaim(new Claim(ClaimTypes.Name, user.UserName));
            await http.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Redirect(returnUrl.StartsWith('/') ? returnUrl : "/");
        });

        app.MapMethods("/connect/authorize", ["GET", "POST"], async (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
            var signedIn = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (!signedIn.Succeeded || !known.TryGetValue(signedIn.Principal.Identity!.Name!, out var user))
            {
                return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + http.Request.QueryString });
            }

            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, user.UserName)
                .SetClaim(Claims.Email, user.Email)
                .SetClaim(Claims.Name, user.Name)
                .SetClaims("groups", [.. user.Groups]);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });

        TestIdentityProvider? provider = null;
        app.MapMethods("/connect/endsession", ["GET", "POST"], async (HttpContext http) =>
        {
            provider!.SignOuts++;
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });

        await app.StartAsync();
        provider = new TestIdentityProvider(app, known);

        // OpenIddict's first request runs a great deal of code for the first time; on a busy machine that took close
        // to a minute. Done here, it does not count against the timeouts of the sign-in a test then makes.
        using var warmUp = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await warmUp.GetStringAsync(provider.Authority + "/.well-known/openid-configuration");
        await warmUp.GetStringAsync(provider.Authority + "/.well-known/jwks");
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string LoginPage(string returnUrl, string? error = null) => $"""
        <!DOCTYPE html>
        <html lang="da">
        <head><meta charset="utf-8"><title>Organisationens log-ind</title></head>
        <body>
        <main>
        <h1>Organisationens log-ind</h1>
        {(error is null ? "" : $"<p role=\"alert\">{HtmlEncoder.Default.Encode(error)}</p>")}
        <form method="post" action="/login">
        <input type="hidden" name="returnUrl" value="{HtmlEncoder.Default.Encode(returnUrl)}">
        <label for="username">Brugernavn</label>
        <input id="username" name="username" autocomplete="username">
        <button type="submit">Log ind hos organisationen</button>
        </form>
        </main>
        </body>
        </html>
        """;
}
