using Approvals.Core.Accounts;
using Approvals.Core.Plans;

namespace Approvals.Web.Features.Accounts;

/// <summary>The <c>Accounts</c> section.</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>How long an invitation or password-reset link can be used.</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromHours(72);
}

/// <summary>The <c>Authentication</c> section: which ways of signing in the installation offers.</summary>
public sealed class AuthenticationSettings
{
    public const string Section = "Authentication";

    /// <summary>False turns password sign-in off (page and API): everyone signs in with single sign-on.</summary>
    public bool LocalPasswords { get; set; } = true;

    public OidcSettings Oidc { get; set; } = new();

    public static AuthenticationSettings Read(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<AuthenticationSettings>() ?? new AuthenticationSettings();
        var faults = settings.Oidc.Check();
        if (!settings.LocalPasswords && !settings.Oidc.Enabled)
        {
            faults.Add("Authentication:LocalPasswords is false but single sign-on is not configured (Authentication:Oidc:Authority and :ClientId): no one could sign in.");
        }

        if (faults.Count > 0)
        {
            throw new InvalidOperationException("The Authentication settings are invalid: " + string.Join(" ", faults));
        }

        return settings;
    }
}

/// <summary>Single sign-on with an OpenID Connect provider (Microsoft Entra ID and the like).</summary>
public sealed class OidcSettings
{
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Create an account on first sign-in when none has the person's e-mail address.</summary>
    public bool CreateAccounts { get; set; }

    /// <summary>The claim holding the e-mail address the account is matched by.</summary>
    public string EmailClaim { get; set; } = "email";

    public string NameClaim { get; set; } = "name";

    /// <summary>The claim listing the person's groups (one claim per group, or a JSON array).</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Scopes asked for besides <c>openid</c>.</summary>
    public string Scopes { get; set; } = "profile email";

    /// <summary>Only a test provider on loopback may be reached over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Which group gives which role and/or committee.</summary>
    public List<OidcGroupMapping> Groups { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    internal List<string> Check()
    {
        var faults = new List<string>();
        if (string.IsNullOrWhiteSpace(Authority) != string.IsNullOrWhiteSpace(ClientId))
        {
            faults.Add("Set both Authentication:Oidc:Authority and Authentication:Oidc:ClientId, or neither.");
        }

        for (var i = 0; i < Groups.Count; i++)
        {
            var mapping = Groups[i];
            var key = $"Authentication:Oidc:Groups:{i}";
            if (string.IsNullOrWhiteSpace(mapping.Group))
            {
                faults.Add($"{key}:Group is empty: name the group id the provider sends.");
            }

            if (string.IsNullOrWhiteSpace(mapping.Role) && string.IsNullOrWhiteSpace(mapping.Committee))
            {
                faults.Add($"{key} maps group '{mapping.Group}' to nothing: give it a Role, a Committee or both.");
            }

            if (!string.IsNullOrWhiteSpace(mapping.Role) && !Roles.All.Contains(mapping.Role))
            {
                faults.Add($"{key}:Role '{mapping.Role}' is not a role ({string.Join(", ", Roles.All)}).");
            }

            if (!string.IsNullOrWhiteSpace(mapping.Committee) && Committee.Find(mapping.Committee) is null)
            {
                faults.Add($"{key}:Committee '{mapping.Committee}' is not a committee ({Committee.ValidCodes}).");
            }
        }

        return faults;
    }
}

public sealed class OidcGroupMapping
{
    public string Group { get; set; } = "";

    public string? Role { get; set; }

    public string? Committee { get; set; }
}
