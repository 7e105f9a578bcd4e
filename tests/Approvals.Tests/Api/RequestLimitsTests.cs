using System.Net.Http.Headers;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Api;

/// <summary>Body size and content type: refused with problem details, and nothing stored.</summary>
[Collection(AppCollection.Name)]
public sealed class RequestLimitsTests(ApprovalsApp app)
{
    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_on_the_stream_with_413()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var before = await app.WithDb(db => db.Plans.CountAsync());
        // A valid plan whose body is just over the limit, sent without Content-Length.
        var padding = new string(' ', (int)RequestLimits.MaxBodyBytes);
        var content = new ChunkedJson($$"""{"committee":"BIU","title":"Chunked",{{padding}}"objectives":[]}""");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/plans") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        var problem = await response.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(["body"], problem.ErrorFields());
        Assert.Contains("more than", problem.GetProperty("detail").GetString()); // counted on the stream, not declared
        Assert.Contains(RequestLimits.MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.Equal(before, await app.WithDb(db => db.Plans.CountAsync()));
    }

    [Fact]
    public async Task A_chunked_body_within_the_limit_is_read()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var content = new ChunkedJson("""{"committee":"BIU","title":"Chunked, men lille","objectives":[]}""");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/plans") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_body_declared_over_the_limit_is_refused_with_413_before_it_is_read()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var huge = new string('x', (int)RequestLimits.MaxBodyBytes);

        var problem = await (await client.PostAsJsonAsync("/api/plans", new { committee = "BIU", title = huge, objectives = Array.Empty<object>() }))
            .AssertProblem(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(["body"], problem.ErrorFields());
    }

    [Theory]
    [InlineData("/api/plans")]
    [InlineData("/api/auth/login")]
    [InlineData("/api/plans/00000000-0000-0000-0000-000000000001/transitions")]
    [InlineData("/api/plans/00000000-0000-0000-0000-000000000001")]
    public async Task Json_in_an_unknown_charset_is_a_415_naming_the_content_type(string path)
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var before = await app.WithDb(db => db.Plans.CountAsync());
        var content = new ByteArrayContent("""{"committee":"BIU","title":"Tegnsæt","objectives":[],"email":"a@b.c","password":"x","action":"submit"}"""u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");
        var request = new HttpRequestMessage(path.EndsWith("0001", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation("If-Match", "\"x\"");

        var problem = await (await client.SendAsync(request)).AssertProblem(HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(["Content-Type"], problem.ErrorFields());
        Assert.Contains("UTF-8", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.WithDb(db => db.Plans.CountAsync()));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));

        var response = await client.PostAsync("/api/plans", new StringContent("committee=BIU", Encoding.UTF8, "text/plain"));
        var problem = await response.AssertProblem(HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(["Content-Type"], problem.ErrorFields());
    }

    /// <summary>JSON sent without Content-Length, as a streaming client sends it.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedJson(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < _bytes.Length; at += 16 * 1024)
            {
                await stream.WriteAsync(_bytes.AsMemory(at, Math.Min(16 * 1024, _bytes.Length - at)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
