using System.Text.Json;
using Approvals.OidcProvider;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Administration;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Accounts;

/// <summary>
/// Single sign-on against a real OpenID Connect provider (OpenIddict, on a loopback port), following every redirect
/// by hand as a browser would: app → provider's authorization endpoint → its sign-in page → back to the app's
/// callback with a code, which the app redeems at the provider's token endpoint with PKCE and its client secret.
/// </summary>
[Collection(SingleSignOnCollection.Name)]
public sealed class SingleSignOnTests(SingleSignOnTests.Fixture fixture) : IClassFixture<SingleSignOnTests.Fixture>
{
    private const string SecretariesGroup = "3f6c1a52-sou-sekretaerer";
    private const string SouGroup = "9d0e4b11-sou";
    private const string CoordinatorsGroup = "b2a7e8c4-koordinatorer";

    private readonly TestIdentityProvider _provider = fixture.Provider;
    private readonly ApprovalsApp _app = fixture.App;

    /// <summary>One provider and one app for the class; each test signs in people of its own.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TestIdentityProvider Provider { get; private set; } = null!;

        public ApprovalsApp App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Provider = await TestIdentityProvider.StartAsync("http://localhost", []);
            App = await new ConfiguredApp(Settings(Provider)).StartAsync();
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }

    /// <summary>A person known to the provider, with a user name and address no other test uses.</summary>
    private ProviderUser Person(string name, params string[] groups)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var user = new ProviderUser(id, $"{id}@kk.test", name, groups);
        _provider.Add(user);
        return user;
    }

    public static Dictionary<string, string?> Settings(TestIdentityProvider provider, bool createAccounts = true, bool localPasswords = true) => new()
    {
        ["Authentication:Oidc:Authority"] = provider.Authority,
        ["Authentication:Oidc:ClientId"] = TestIdentityProvider.ClientId,
        ["Authentication:Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret,
        ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
        ["Authentication:Oidc:CreateAccounts"] = createAccounts ? "true" : "false",
        ["Authentication:LocalPasswords"] = localPasswords ? "true" : "false",
        ["Authentication:Oidc:Groups:0:Group"] = SecretariesGroup,
        ["Authentication:Oidc:Groups:0:Role"] = "Secretary",
        ["Authentication:Oidc:Groups:1:Group"] = SouGroup,
        ["Authentication:Oidc:Groups:1:Committee"] = "SOU",
        ["Authentication:Oidc:Groups:2:Group"] = CoordinatorsGroup,
        ["Authentication:Oidc:Groups:2:Role"] = "Coordinator",
    };

    [Fact]
    public async Task A_first_sign_in_creates_the_account_with_the_roles_and_committee_its_groups_map_to()
    {
        var sara = Person("Sara Sekretær", SecretariesGroup, SouGroup, "unmapped-group");

        var (client, landing) = await SignIn(_app, _provider, sara.UserName);

        Assert.Equal("/", landing);
        var me = await (await client.Get("/api/auth/me")).ReadOk<JsonElement>();
        Assert.Equal(sara.Email, me.GetProperty("email").GetString());
        Assert.Equal("Sara Sekretær", me.GetProperty("displayName").GetString());
        Assert.Equal("SOU", me.GetProperty("committee").GetString());
        Assert.Equal(["Secretary"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var id = me.GetProperty("id").GetString();
        var history = await _app.WithDb(db => db.AccountChanges.Where(c => c.UserId == id).Select(c => c.ActorName).ToListAsync());
        Assert.All(history, actor => Assert.Equal(AccountAdministration.SingleSignOnActor, actor));
        Assert.NotEmpty(history);
    }

    [Fact]
    public async Task An_existing_account_is_matched_by_email_and_given_the_mapped_roles()
    {
        var admin = await _app.ClientFor(Users.Administrator);
        var existing = await Administration.AccountSteps.Create(admin, Administration.AccountSteps.NewEmail(), "Kaj Koordinator", ["Secretary"], "TMU");
        _provider.Add(new ProviderUser("kaj-" + existing.Id, existing.Email.ToUpperInvariant(), "Kaj fra organisationen", [CoordinatorsGroup]));
        var before = existing.Id;

        var (client, landing) = await SignIn(_app, _provider, "kaj-" + existing.Id);

        Assert.Equal("/", landing);
        var me = await (await client.Get("/api/auth/me")).ReadOk<JsonElement>();
        Assert.Equal(before, me.GetProperty("id").GetString());
        Assert.Equal(["Coordinator"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Kaj Koordinator", me.GetProperty("displayName").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("committee").ValueKind);
        Assert.Equal(1, await _app.WithDb(db => db.Users.CountAsync(u => u.NormalizedEmail == existing.Email.ToUpperInvariant())));
    }

    [Fact]
    public async Task A_person_without_a_mapped_group_gets_the_no_access_page_and_no_account()
    {
        var uffe = Person("Uffe Uden", "unmapped-group");

        var (client, landing) = await SignIn(_app, _provider, uffe.UserName);

        Assert.Equal("/ingen-adgang?aarsag=ingen-gruppe", landing);
        var page = await client.Get(landing);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("ikke med i en af de grupper", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Get("/api/auth/me")).StatusCode);
        Assert.False(await _app.WithDb(db => db.Users.AnyAsync(u => u.Email == uffe.Email)));
    }

    [Fact]
    public async Task Groups_changed_at_the_organisation_change_the_roles_at_the_next_sign_in()
    {
        var sara = Person("Sara Sekretær", SecretariesGroup, SouGroup);
        await SignIn(_app, _provider, sara.UserName);
        _provider.Add(sara with { Groups = [CoordinatorsGroup] });

        var (client, _) = await SignIn(_app, _provider, sara.UserName);

        var me = await (await client.Get("/api/auth/me")).ReadOk<JsonElement>();
        Assert.Equal(["Coordinator"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, me.GetProperty("committee").ValueKind);
    }

    [Fact]
    public async Task A_deactivated_account_gets_the_no_access_page()
    {
        var kaj = Person("Kaj Koordinator", CoordinatorsGroup);
        await SignIn(_app, _provider, kaj.UserName);
        var admin = await _app.ClientFor(Users.Administrator);
        var id = await _app.WithDb(db => db.Users.Where(u => u.Email == kaj.Email).Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/users/{id}/deactivate", null)).StatusCode);

        var (client, landing) = await SignIn(_app, _provider, kaj.UserName);

        Assert.Equal("/ingen-adgang?aarsag=deaktiveret", landing);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Get("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Without_account_creation_an_unknown_address_gets_the_no_access_page()
    {
        await using var app = await new ConfiguredApp(Settings(_provider, createAccounts: false)).StartAsync();
        var sara = Person("Sara Sekretær", SecretariesGroup, SouGroup);

        var (_, landing) = await SignIn(app, _provider, sara.UserName);

        Assert.Equal("/ingen-adgang?aarsag=ingen-konto", landing);
        Assert.False(await app.WithDb(db => db.Users.AnyAsync(u => u.Email == sara.Email)));
    }

    [Fact]
    public async Task With_local_passwords_off_password_sign_in_is_refused_on_the_api_and_gone_from_the_page()
    {
        await using var app = await new ConfiguredApp(Settings(_provider, localPasswords: false)).StartAsync();
        using var anonymous = app.CreateClient();

        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = Users.Coordinator, password = Web.Features.Accounts.DemoAccounts.Password });
        var page = await anonymous.GetStringAsync("/log-ind");

        Assert.Contains("LocalPasswords", (await login.AssertProblem(HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Contains("Log ind med din organisations konto", page);
        Assert.DoesNotContain("type=\"password\"", page);
        var (client, landing) = await SignIn(app, _provider, Person("Kaj Koordinator", CoordinatorsGroup).UserName);
        Assert.Equal("/", landing);
        Assert.Equal(HttpStatusCode.OK, (await client.Get("/api/auth/me")).StatusCode);
    }

    /// <summary>
    /// Signs in through the provider as <paramref name="userName"/>, following each redirect, and returns the app's
    /// client (with the cookies it got) and the local address the app sent the browser to at the end.
    /// </summary>
    public static async Task<(RawBrowser App, string Landing)> SignIn(ApprovalsApp app, TestIdentityProvider provider, string userName)
    {
        var client = RawBrowser.For(app);
        using var browserAtProvider = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() });
        var signInPage = await (await client.Get("/log-ind")).Content.ReadAsStringAsync();
        Assert.Contains("Log ind med din organisations konto", signInPage);

        var toProvider = await client.Send(HttpMethod.Post, "/log-ind/organisation", new()
        {
            ["__RequestVerificationToken"] = PageClient.TokenOf(signInPage),
            ["ReturnUrl"] = "/",
        });
        var authorize = Location(toProvider, HttpStatusCode.Redirect);
        Assert.StartsWith(provider.Authority + "/connect/authorize", authorize.ToString());
        Assert.Contains("code_challenge=", authorize.Query);
        Assert.Contains("code_challenge_method=S256", authorize.Query);

        var toLogin = Location(await browserAtProvider.GetAsync(authorize), HttpStatusCode.Redirect, authorize);
        var loginForm = await browserAtProvider.GetStringAsync(toLogin);
        var returnUrl = System.Text.RegularExpressions.Regex.Match(loginForm, "name=\"returnUrl\" value=\"([^\"]+)\"").Groups[1].Value;
        var back = await browserAtProvider.PostAsync(new Uri(authorize, "/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = userName,
            ["returnUrl"] = System.Net.WebUtility.HtmlDecode(returnUrl),
        }));
        var authorizeAgain = Location(back, HttpStatusCode.Redirect, authorize);
        var callback = Location(await browserAtProvider.GetAsync(authorizeAgain), HttpStatusCode.Redirect, authorize);
        Assert.Equal("/signin-oidc", callback.AbsolutePath);

        var done = Location(await client.Get(callback.PathAndQuery), HttpStatusCode.Redirect);
        var landing = await client.Get(done.IsAbsoluteUri ? done.PathAndQuery : done.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, landing.StatusCode);
        return (client, landing.Headers.Location!.OriginalString);
    }

    private static Uri Location(HttpResponseMessage response, HttpStatusCode status, Uri? relativeTo = null)
    {
        Assert.True(response.StatusCode == status, $"{response.RequestMessage!.RequestUri} answered {(int)response.StatusCode}, not {(int)status}: {response.Content.ReadAsStringAsync().Result}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri || relativeTo is null ? location : new Uri(relativeTo, location);
    }
}

/// <summary>
/// Single sign-on tests run alone, after the rest: each sign-in is several requests between the app and the provider
/// in this process, which a machine busy with hundreds of other tests can stretch past the handler's timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SingleSignOnCollection
{
    public const string Name = "single-sign-on";
}
