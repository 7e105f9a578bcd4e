using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Security;

namespace Approvals.Tests.Features.Security;

/// <summary>Every response carries the security headers: pages, the API, static files and error answers alike.</summary>
[Collection(AppCollection.Name)]
public sealed class SecurityHeadersTests(ApprovalsApp app)
{
    public static TheoryData<string, string, bool> Responses => new()
    {
        { "a page", "/log-ind", false },
        { "a static file", "/css/site.css", false },
        { "an API answer", "/api/committees", true },
        { "an API refusal (401)", "/api/committees", false },
        { "an API error (404)", $"/api/plans/{Guid.Empty}", true },
        { "a page's error (404)", "/findes-ikke", false },
        { "a page refused (redirect to sign-in)", "/koordinator", false },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_security_headers(string what, string path, bool signedIn)
    {
        using var client = signedIn ? await app.ClientFor(Users.Coordinator) : app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        var headers = response.Headers;
        Assert.True(headers.TryGetValues("Content-Security-Policy", out var csp), $"{what} has no Content-Security-Policy");
        var policy = Assert.Single(csp);
        Assert.Equal(SecurityExtensions.ContentSecurityPolicy, policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Equal("nosniff", Assert.Single(headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(headers.GetValues("Referrer-Policy")));
        // Plain HTTP: no HSTS (a browser would ignore it, and it must not pin a development machine).
        Assert.False(headers.Contains("Strict-Transport-Security"), what);
    }

    [Fact]
    public async Task A_form_page_sends_one_frame_rule_not_the_antiforgery_default_too()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync("/log-ind");

        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync());
        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
    }

    [Fact]
    public async Task Over_HTTPS_every_response_says_to_use_HTTPS_only()
    {
        using var client = app.CreateClient(new() { BaseAddress = new Uri("https://approvals.test"), AllowAutoRedirect = false });

        var page = await client.GetAsync("/log-ind");
        var api = await client.GetAsync("/api/committees");

        Assert.Equal([SecurityExtensions.StrictTransportSecurity], page.Headers.GetValues("Strict-Transport-Security"));
        Assert.Equal([SecurityExtensions.StrictTransportSecurity], api.Headers.GetValues("Strict-Transport-Security"));
    }
}
