using System.Text.Json;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;

namespace Approvals.Tests.Features.Accounts;

[Collection(AppCollection.Name)]
public sealed class AuthTests(ApprovalsApp app)
{
    [Fact]
    public async Task A_demo_account_signs_in_and_gets_a_bearer_token_that_the_api_accepts()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/login",
            new { email = Users.Coordinator, password = DemoAccounts.Password });

        var body = await response.ReadOk<JsonElement>();
        var token = body.GetProperty("accessToken").GetString();
        Assert.False(string.IsNullOrEmpty(token));

        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await client.GetFromJsonAsync<MeResponse>("/api/auth/me");
        Assert.Equal(Users.Coordinator, me!.Email);
        Assert.Equal(["Coordinator"], me.Roles);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_problem()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/login",
            new { email = Users.Coordinator, password = "not-the-password" });

        var problem = await response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Contains("password", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("koordinator\u0000@approvals.local")]
    [InlineData("Tekst med \u0000 og \u0007 inde i")]
    public async Task An_address_with_a_control_character_is_a_failed_sign_in_not_a_server_error(string email)
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = DemoAccounts.Password });

        // PostgreSQL refused the lookup of a name holding U+0000: 500. Now it is the one answer every failure gets.
        var problem = await response.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Contains("password", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_login_without_a_password_names_the_missing_field()
    {
        using var anonymous = app.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = Users.Coordinator });

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Contains("password", problem.ErrorFields());
    }

    [Theory]
    [InlineData("/api/plans")]
    [InlineData("/api/committees")]
    [InlineData("/api/auth/me")]
    public async Task The_api_refuses_anonymous_requests_with_401(string path)
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/auth/register")]
    [InlineData("/register")]
    [InlineData("/api/register")]
    public async Task There_is_no_self_registration(string path)
    {
        // Not following redirects: the sign-in page a redirect leads to is itself a 200.
        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });
        var response = await anonymous.PostAsJsonAsync(path, new { email = "ny@approvals.local", password = "Approvals-demo-1" });

        // Unknown paths are 404 under /api and a redirect to the sign-in page elsewhere: never a success.
        Assert.False(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}");
        var exists = await app.WithDb(db => Task.FromResult(db.Users.Any(u => u.Email == "ny@approvals.local")));
        Assert.False(exists);
    }

    [Fact]
    public async Task Every_demo_role_can_sign_in()
    {
        foreach (var account in DemoAccounts.All)
        {
            Assert.False(string.IsNullOrEmpty(await app.TokenFor(account.Email)), account.Email);
        }
    }
}
