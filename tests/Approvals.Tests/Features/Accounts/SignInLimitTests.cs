using System.Globalization;
using Approvals.Core.Accounts;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Accounts;

/// <summary>
/// Sign-in attempts are limited per client address and per account (429 with Retry-After), strangers cannot keep an
/// account's owner out, and every refusal reads the same whatever its reason.
/// </summary>
public sealed class SignInLimitTests
{
    /// <summary>Token buckets refilled by one a minute, so none refills during a test.</summary>
    private static Dictionary<string, string?> Limits(int perAddress, int perAccount, int perDevice = 1000) => new()
    {
        ["SignIn:PerAddress:Burst"] = perAddress.ToString(CultureInfo.InvariantCulture),
        ["SignIn:PerAddress:PerMinute"] = "1",
        ["SignIn:PerAccount:Burst"] = perAccount.ToString(CultureInfo.InvariantCulture),
        ["SignIn:PerAccount:PerMinute"] = "1",
        ["SignIn:PerDevice:Burst"] = perDevice.ToString(CultureInfo.InvariantCulture),
        ["SignIn:PerDevice:PerMinute"] = "1",
    };

    private static Task<HttpResponseMessage> Login(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    [Fact]
    public async Task Past_the_limit_for_one_account_the_api_answers_429_with_Retry_After_even_to_the_right_password()
    {
        await using var app = await new ConfiguredApp(Limits(perAddress: 1000, perAccount: 3)).StartAsync();
        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, Users.Coordinator, $"forkert-{i}")).StatusCode);
        }

        var refused = await Login(client, Users.Coordinator, DemoAccounts.Password);

        var problem = await refused.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Contains("Wait", problem.GetProperty("detail").GetString());
        // The limit is the account's: another account from the same address signs in.
        Assert.Equal(HttpStatusCode.OK, (await Login(client, Users.AdministrativeReviewer, DemoAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task Past_the_limit_for_one_address_no_account_can_be_tried_from_it()
    {
        await using var app = await new ConfiguredApp(Limits(perAddress: 3, perAccount: 1000)).StartAsync();
        using var client = app.CreateClient();
        foreach (var email in new[] { Users.Coordinator, Users.Administrator, Users.CouncilApprover })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, email, "Sommer2026!Sommer")).StatusCode);
        }

        var refused = await Login(client, Users.AdministrativeReviewer, DemoAccounts.Password);

        await refused.AssertProblem(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Past_the_limit_the_sign_in_page_answers_429_in_Danish()
    {
        await using var app = await new ConfiguredApp(Limits(perAddress: 1000, perAccount: 2)).StartAsync();
        var page = new PageClient(app.CreateClient());
        var form = await page.Html("/log-ind");
        for (var i = 0; i < 2; i++)
        {
            var failed = await Post(page, form, Users.Coordinator, $"forkert-{i}");
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        var refused = await Post(page, form, Users.Coordinator, DemoAccounts.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("For mange forsøg på at logge ind", html);
        Assert.Contains("<html lang=\"da\">", html);
    }

    [Fact]
    public async Task A_stranger_guessing_at_an_account_cannot_keep_its_owner_out()
    {
        await using var app = await new ConfiguredApp(Limits(perAddress: 1000, perAccount: 5, perDevice: 5)).StartAsync();
        // The owner has signed in on this browser before, and so holds its device cookie.
        var owner = await PageClient.SignIn(app, Users.Coordinator);
        var signedIn = await owner.Html("/");
        await owner.Post("/log-ud", signedIn, []);

        using var stranger = app.CreateClient();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add((await Login(stranger, Users.Coordinator, $"gæt-{i}")).StatusCode);
        }

        // The owner's first sign-in, from a browser without the cookie yet, took one of the account's five attempts.
        Assert.Equal(4, answers.Count(a => a == HttpStatusCode.Unauthorized));
        Assert.Equal(8, answers.Count(a => a == HttpStatusCode.TooManyRequests));
        var form = await owner.Html("/log-ind");
        var back = await Post(owner, form, Users.Coordinator, DemoAccounts.Password);
        Assert.True(back.IsSuccessStatusCode, $"The owner's sign-in answered {(int)back.StatusCode}");
        Assert.DoesNotContain("/log-ind", back.RequestMessage!.RequestUri!.AbsolutePath);
        // A stranger still cannot, even with the right password: the attempt counts against the account.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Login(stranger, Users.Coordinator, DemoAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task Every_refusal_reads_the_same_whether_the_password_is_wrong_or_the_account_unknown_locked_or_barred()
    {
        await using var configured = new ConfiguredApp(new Dictionary<string, string?>());
        // An unconfirmed e-mail address is one reason Identity refuses a correct password ("not allowed").
        await using var app = configured.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.Configure<IdentityOptions>(o => o.SignIn.RequireConfirmedEmail = true)));
        var locked = await NewAccount(app, "Spærret konto", async (users, user) => await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddYears(1)));
        var unconfirmed = await NewAccount(app, "Ubekræftet konto", (users, user) =>
        {
            user.EmailConfirmed = false;
            return users.UpdateAsync(user);
        });
        var secondFactor = await NewAccount(app, "Konto med to trin", (users, user) => users.SetTwoFactorEnabledAsync(user, true));
        var attempts = new (string Email, string Password)[]
        {
            (Users.Coordinator, "forkert-adgangskode"),
            ("ingen.saadan@approvals.local", DemoAccounts.Password),
            (locked, DemoAccounts.Password),
            (unconfirmed, DemoAccounts.Password),
            (secondFactor, DemoAccounts.Password),
        };

        using var client = app.CreateClient();
        var details = new List<string?>();
        var pageErrors = new List<string>();
        foreach (var (email, password) in attempts)
        {
            var problem = await (await Login(client, email, password)).AssertProblem(HttpStatusCode.Unauthorized);
            details.Add(problem.GetProperty("detail").GetString());
            var page = new PageClient(app.CreateClient());
            var answer = await Post(page, await page.Html("/log-ind"), email, password);
            pageErrors.Add(System.Text.RegularExpressions.Regex.Match(await answer.Content.ReadAsStringAsync(), "<div class=\"error-summary[^>]*>(.*?)</div>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value);
        }

        Assert.Equal(AuthEndpoints.FailedDetail, Assert.Single(details.Distinct()));
        Assert.Contains("Du kunne ikke logges ind", Assert.Single(pageErrors.Distinct()));
    }

    private static Task<HttpResponseMessage> Post(PageClient page, string form, string email, string password) =>
        page.Post("/log-ind", form, new() { ["Input.Email"] = email, ["Input.Password"] = password });

    private static async Task<string> NewAccount(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app, string name, Func<UserManager<AppUser>, AppUser, Task> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var email = $"test.{Guid.NewGuid():N}@approvals.local";
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name };
        Assert.True((await users.CreateAsync(user, DemoAccounts.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Coordinator)).Succeeded);
        await change(users, user);
        return email;
    }
}
