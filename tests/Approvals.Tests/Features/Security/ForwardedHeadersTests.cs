using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Security;

namespace Approvals.Tests.Features.Security;

/// <summary>
/// Behind a TLS-terminating proxy (here: requests from loopback with X-Forwarded-* headers, to the app on a real
/// port): the original scheme and client address count when the proxy is configured as trusted, and only then.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static readonly Dictionary<string, string?> TrustLoopbackProxy = new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" };

    [Fact]
    public async Task Behind_a_trusted_proxy_an_HTTPS_request_gets_Secure_cookies_and_HSTS()
    {
        await using var app = new ConfiguredApp(TrustLoopbackProxy);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.StartOnLoopback() };

        var form = await http.SendAsync(ThroughProxy(HttpMethod.Get, "/log-ind", "https", "203.0.113.9"));
        var signIn = await SignIn(http, form, "https", "203.0.113.9");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookies = SetCookies(form).Concat(SetCookies(signIn)).ToList();
        Assert.Contains(cookies, c => c.StartsWith("approvals=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(SignInLimits.DeviceCookie + "=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.Contains("; httponly", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal([SecurityExtensions.StrictTransportSecurity], form.Headers.GetValues("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Without_a_configured_proxy_forwarded_headers_are_not_believed()
    {
        await using var app = new ConfiguredApp(new Dictionary<string, string?>());
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.StartOnLoopback() };

        var form = await http.SendAsync(ThroughProxy(HttpMethod.Get, "/log-ind", "https", "203.0.113.9"));

        var cookies = SetCookies(form).ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.False(form.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_sign_in_limit_counts_each_client_address()
    {
        var settings = new Dictionary<string, string?>(TrustLoopbackProxy)
        {
            ["SignIn:PerAddress:Burst"] = "2",
            ["SignIn:PerAddress:PerMinute"] = "1",
        };
        await using var app = new ConfiguredApp(settings);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.StartOnLoopback() };

        var first = await Login(http, "203.0.113.1", Users.Coordinator);
        var second = await Login(http, "203.0.113.1", Users.Administrator);
        var third = await Login(http, "203.0.113.1", Users.CouncilApprover);
        var elsewhere = await Login(http, "203.0.113.2", Users.CouncilApprover);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized],
            new[] { first, second, third, elsewhere }.Select(r => r.StatusCode));
    }

    private static Task<HttpResponseMessage> Login(HttpClient http, string client, string email)
    {
        var request = ThroughProxy(HttpMethod.Post, "/api/auth/login", "http", client);
        request.Content = JsonContent.Create(new { email, password = "Forkert-adgangskode-1" });
        return http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> SignIn(HttpClient http, HttpResponseMessage form, string scheme, string client)
    {
        var request = ThroughProxy(HttpMethod.Post, "/log-ind", scheme, client);
        request.Headers.Add("Cookie", string.Join("; ", SetCookies(form).Select(c => c.Split(';')[0])));
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = Users.Coordinator,
            ["Input.Password"] = DemoAccounts.Password,
            ["__RequestVerificationToken"] = PageClient.TokenOf(await form.Content.ReadAsStringAsync()),
        });
        return await http.SendAsync(request);
    }

    /// <summary>A request as a TLS-terminating proxy passes it on: the client's scheme, address and host in headers.</summary>
    private static HttpRequestMessage ThroughProxy(HttpMethod method, string path, string scheme, string client)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = "approvals.test";
        request.Headers.Add("X-Forwarded-Proto", scheme);
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];
}
