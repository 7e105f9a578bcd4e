using System.Net.Http.Headers;
using System.Text.Json;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Administration;

namespace Approvals.Tests.Features.Administration;

/// <summary>What an administrator and a new colleague do through the API, step by step.</summary>
public static class AccountSteps
{
    public const string NewPassword = "Forår-i-Valby-2026";

    public static string NewEmail(string who = "kollega") => $"{who}.{Guid.NewGuid():N}@kk.test";

    public static async Task<InvitationResponse> Create(HttpClient admin, string email, string name, string[] roles, string? committee = null)
    {
        var response = await admin.PostAsJsonAsync("/api/users", new { email, name, roles, committee });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/users answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<InvitationResponse>())!;
    }

    public static string TokenOf(string invitationUrl) =>
        Uri.UnescapeDataString(new Uri(invitationUrl).Query.TrimStart('?').Split('&').Single(p => p.StartsWith("token=", StringComparison.Ordinal))["token=".Length..]);

    public static Task<HttpResponseMessage> SetPassword(ApprovalsApp app, string token, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/account/set-password", new { token, password });

    /// <summary>An account created by the administrator, with the password chosen through its invitation.</summary>
    public static async Task<InvitationResponse> Onboard(ApprovalsApp app, HttpClient admin, string[] roles, string? committee = null, string? email = null)
    {
        var created = await Create(admin, email ?? NewEmail(), "Kim Kollega", roles, committee);
        var set = await SetPassword(app, TokenOf(created.InvitationUrl!), NewPassword);
        Assert.True(set.StatusCode == HttpStatusCode.NoContent, $"set-password answered {(int)set.StatusCode}: {await set.Content.ReadAsStringAsync()}");
        return created;
    }

    public static async Task<HttpResponseMessage> Login(ApprovalsApp app, string email, string password = NewPassword)
    {
        using var anonymous = app.CreateClient();
        return await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password });
    }

    public static async Task<string> Token(ApprovalsApp app, string email, string password = NewPassword)
    {
        var response = await Login(app, email, password);
        return (await response.ReadOk<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public static HttpClient WithToken(ApprovalsApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
