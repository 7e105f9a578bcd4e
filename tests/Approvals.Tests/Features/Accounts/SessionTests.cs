using System.Diagnostics;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using static Approvals.Tests.Features.Administration.AccountSteps;

namespace Approvals.Tests.Features.Accounts;

/// <summary>Signing out ends a session; a new password ends the others; changes reach every instance in time.</summary>
public sealed class SessionTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    [Fact]
    public async Task Logout_ends_the_bearer_token_it_is_called_with_and_no_other()
    {
        using var first = WithToken(app, await Token(app, Users.Coordinator, DemoAccounts.Password));
        using var second = WithToken(app, await Token(app, Users.Coordinator, DemoAccounts.Password));

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.PostAsync("/api/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_on_the_page_ends_the_cookie_even_when_it_is_replayed()
    {
        var browser = RawBrowser.For(app);
        var form = await (await browser.Send(HttpMethod.Get, "/log-ind")).Content.ReadAsStringAsync();
        var signedIn = await browser.Send(HttpMethod.Post, "/log-ind", new()
        {
            ["Input.Email"] = Users.Coordinator,
            ["Input.Password"] = DemoAccounts.Password,
            ["__RequestVerificationToken"] = PageClient.TokenOf(form),
        });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = browser.Cookies["approvals"];
        Assert.Equal(HttpStatusCode.OK, (await browser.Send(HttpMethod.Get, "/api/auth/me")).StatusCode);

        var home = await (await browser.Send(HttpMethod.Get, "/")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Send(HttpMethod.Post, "/log-ud", new() { ["__RequestVerificationToken"] = PageClient.TokenOf(home) })).StatusCode);
        Assert.False(browser.Cookies.ContainsKey("approvals"));

        // A copy of the cookie kept from before signing out is refused too.
        browser.Cookies["approvals"] = session;
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Send(HttpMethod.Get, "/api/auth/me")).StatusCode);
        var page = await browser.Send(HttpMethod.Get, "/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/log-ind", page.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Changing_the_own_password_keeps_this_session_and_ends_every_other()
    {
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Onboard(app, admin, ["Coordinator"]);
        using var here = WithToken(app, await Token(app, created.Email));
        using var elsewhere = WithToken(app, await Token(app, created.Email));
        var browser = await PageClientFor(created.Email, NewPassword);

        var wrong = await here.PostAsJsonAsync("/api/account/password", new { currentPassword = "ikke-det-rigtige-1A!", newPassword = "Nyt-og-bedre-kodeord-7" });
        Assert.Equal(["currentPassword"], (await wrong.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        var weak = await here.PostAsJsonAsync("/api/account/password", new { currentPassword = NewPassword, newPassword = "kort" });
        Assert.Equal(["newPassword"], (await weak.AssertProblem(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/auth/me")).StatusCode);

        var changed = await here.PostAsJsonAsync("/api/account/password", new { currentPassword = NewPassword, newPassword = "Nyt-og-bedre-kodeord-7" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/auth/me")).StatusCode);
        var page = await browser.Http.GetAsync("/konto");
        Assert.Contains("/log-ind", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(app, created.Email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Login(app, created.Email, "Nyt-og-bedre-kodeord-7")).StatusCode);
    }

    [Fact]
    public async Task A_deactivation_on_one_instance_reaches_the_other_within_60_seconds()
    {
        await using var b = ApprovalsApp.On(new KeptDatabase(app.Database)); // the class fixture keeps using the database afterwards
        _ = b.Server;
        var admin = await app.ClientFor(Users.Administrator);
        var created = await Onboard(app, admin, ["Coordinator"]);
        using var onB = WithToken(b, await Token(app, created.Email)); // issued by the first instance, honoured by the second
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/reports/missing-indicators")).StatusCode);

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{created.Id}", new { name = "Kim Kollega", roles = new[] { "Secretary" }, committee = "SOU" })).StatusCode);
        await Eventually.True(async () => (await onB.GetAsync("/api/reports/missing-indicators")).StatusCode == HttpStatusCode.Forbidden,
            TimeSpan.FromSeconds(60), "the other instance to judge the token by the new role");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/users/{created.Id}/deactivate", null)).StatusCode);
        await Eventually.True(async () => (await onB.GetAsync("/api/auth/me")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(60), "the other instance to refuse the deactivated account's token");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"took {clock.Elapsed}");
    }

    private async Task<PageClient> PageClientFor(string email, string password)
    {
        var client = new PageClient(app.CreateClient());
        var response = await client.Post("/log-ind", await client.Html("/log-ind"), new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.DoesNotContain("/log-ind", response.RequestMessage!.RequestUri!.AbsolutePath);
        return client;
    }
}
