using Approvals.OidcProvider;

namespace Approvals.BrowserTests.Infrastructure;

/// <summary>
/// The app with single sign-on against a real OpenID Connect provider (OpenIddict) on another loopback port: the
/// browser goes through every redirect. The provider knows a secretary, a coordinator and someone without a mapped group.
/// </summary>
public sealed class SingleSignOnApp : BrowserApp
{
    public const string SecretariesGroup = "sou-sekretaerer";
    public const string SouGroup = "sou";

    public TestIdentityProvider Provider { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Authentication:Oidc:Authority"] = Provider.Authority,
        ["Authentication:Oidc:ClientId"] = TestIdentityProvider.ClientId,
        ["Authentication:Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret,
        ["Authentication:Oidc:RequireHttpsMetadata"] = "false",
        ["Authentication:Oidc:CreateAccounts"] = "true",
        ["Authentication:Oidc:Groups:0:Group"] = SecretariesGroup,
        ["Authentication:Oidc:Groups:0:Role"] = "Secretary",
        ["Authentication:Oidc:Groups:1:Group"] = SouGroup,
        ["Authentication:Oidc:Groups:1:Committee"] = "SOU",
    };

    protected override async Task BeforeStartAsync(int port) =>
        Provider = await TestIdentityProvider.StartAsync($"http://127.0.0.1:{port}",
        [
            new("sara", "sara.sso@kk.test", "Sara fra SSO", [SecretariesGroup, SouGroup]),
            new("uden", "uden.gruppe@kk.test", "Uffe Uden Gruppe", ["andet-team"]),
        ]);

    protected override async Task DisposeExtrasAsync() => await Provider.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SingleSignOnCollection : ICollectionFixture<SingleSignOnApp>
{
    public const string Name = "sso";
}
