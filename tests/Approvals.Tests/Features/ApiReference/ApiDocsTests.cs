using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.ApiReference;

namespace Approvals.Tests.Features.ApiReference;

/// <summary>The interactive reference at /api/docs: anonymous, and everything it loads comes from the app itself.</summary>
[Collection(AppCollection.Name)]
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class ApiDocsTests(ApprovalsApp app)
{
    [Theory]
    [InlineData("/api/docs")]
    [InlineData("/api/docs/")]
    public async Task The_reference_page_answers_without_signing_in_and_loads_only_the_apps_own_files(string address)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(address);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"src=\"{ApiReferenceExtensions.ReferencePath}/scalar.js\"", page);
        Assert.Contains($"data-document=\"{ApiReferenceExtensions.DocumentPath}\"", page);
        Assert.DoesNotContain("http", page, StringComparison.OrdinalIgnoreCase);
        // Scripts from the app only; the one allowance is inline styles, which the reference adds at run time.
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy);
        Assert.DoesNotContain("'unsafe-eval'", policy);
    }

    [Fact]
    public async Task The_reference_script_is_served_by_the_app()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var script = await client.GetAsync($"{ApiReferenceExtensions.ReferencePath}/scalar.js");
        var configuration = await client.GetStringAsync($"{ApiReferenceExtensions.ReferencePath}/approvals-docs.js");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000, "The reference's script is missing or truncated.");
        Assert.Contains("Scalar.createApiReference", configuration);
        Assert.Contains("telemetry: false", configuration);
    }

    [Fact]
    public async Task A_browser_that_accepts_gzip_gets_the_reference_script_a_quarter_of_the_size()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var plain = await client.GetAsync($"{ApiReferenceExtensions.ReferencePath}/scalar.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiReferenceExtensions.ReferencePath}/scalar.js");
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");

        using var zipped = await client.SendAsync(request);

        var plainBytes = await plain.Content.ReadAsByteArrayAsync();
        var zippedBytes = await zipped.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal("gzip", Assert.Single(zipped.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", zipped.Headers.Vary);
        Assert.True(zippedBytes.Length * 2 < plainBytes.Length, $"gzipped {zippedBytes.Length} bytes, plain {plainBytes.Length}");
        await using var unzipped = new System.IO.Compression.GZipStream(new MemoryStream(zippedBytes), System.IO.Compression.CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await unzipped.CopyToAsync(copy);
        Assert.Equal(plainBytes, copy.ToArray());
    }

    [Fact]
    public async Task Other_pages_keep_the_apps_strict_policy()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/log-ind");

        Assert.DoesNotContain("unsafe-inline", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
