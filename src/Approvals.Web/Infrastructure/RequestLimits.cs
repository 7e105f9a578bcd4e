using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Approvals.Web.Infrastructure;

/// <summary>
/// What a request may send: a body of at most <see cref="MaxBodyBytes"/> (an endpoint may allow more with
/// <c>[RequestSizeLimit]</c>, as the plan edit page does), counted on the stream as it is read, so a body without
/// Content-Length (chunked) meets the same limit; and JSON only in UTF-8.
/// </summary>
public static class RequestLimits
{
    /// <summary>
    /// The largest request body read. The largest plan the API accepts (<c>PlanLimits</c>: 100,000 characters in
    /// 2,000 fields) takes at most about 700 KB of JSON even with every character escaped as <c>\uXXXX</c>.
    /// </summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The largest form post of the plan edit page. A form spells out each field's name (about 70 bytes percent-encoded)
    /// and percent-encodes every non-ASCII byte (up to 9 bytes a character), so the largest plan may take about 1.05 MB,
    /// and the hidden id of each item (a name and up to 32 characters) about 0.2 MB more.
    /// </summary>
    public const long MaxFormBodyBytes = 2 * MaxBodyBytes;

    public static void AddRequestLimits(this WebApplicationBuilder builder) =>
        // Kestrel's limit is the same (routing raises it for an endpoint with [RequestSizeLimit]); ours is counted
        // on the stream for every server, the test host too, and answers with problem details naming the limit.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxBodyBytes);

    public static void UseRequestLimits(this WebApplication app) => app.Use(Enforce);

    /// <summary>The limit for this request's endpoint (routing has run): its <c>[RequestSizeLimit]</c>, or <see cref="MaxBodyBytes"/>.</summary>
    public static long LimitFor(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxBodyBytes;

    private static async Task Enforce(HttpContext context, RequestDelegate next)
    {
        var limit = LimitFor(context);
        if (context.Request.ContentLength > limit)
        {
            await Problems.TooLarge(
                    $"The request body is {context.Request.ContentLength} bytes; the limit is {limit} bytes. Split the plan or shorten its texts.")
                .ExecuteAsync(context);
            return;
        }

        if (JsonInAnotherCharset(context.Request) is { } charset)
        {
            await Problems.UnsupportedMediaType(
                    $"The body is declared as JSON in charset '{charset}'; JSON must be UTF-8. Send Content-Type: application/json (or application/json; charset=utf-8).")
                .ExecuteAsync(context);
            return;
        }

        LimitedReadStream? body = null;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            context.Request.Body = body = new LimitedReadStream(context.Request.Body, limit);
        }

        await next(context);

        // A body the endpoint cannot take gets a bare status (too long: from the minimal API reading it; of another type:
        // from routing, which matched no endpoint that reads it). Say why. Every body the API reads is JSON.
        if (context.Response.HasStarted)
        {
            return;
        }

        if (body is { Exceeded: true })
        {
            context.Response.Clear();
            await Problems.TooLarge($"The request body is more than {limit} bytes, the limit. Split the plan or shorten its texts.").ExecuteAsync(context);
        }
        else if (context.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            context.Response.Clear();
            await Problems.UnsupportedMediaType(
                    $"This endpoint reads a JSON body; the request's Content-Type is '{context.Request.ContentType}'. Send Content-Type: application/json.")
                .ExecuteAsync(context);
        }
    }

    /// <summary>The charset of a JSON body when it is not UTF-8 (System.Text.Json would fail on an unknown one with a 500).</summary>
    private static string? JsonInAnotherCharset(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return null;
        }

        var media = type.MediaType ?? "";
        var isJson = media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        var charset = type.CharSet?.Trim('"', ' ');
        return isJson && charset is not null
            && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? charset
            : null;
    }
}

/// <summary>Reads at most <c>limit</c> bytes of the request body; reading past it fails as a 413 bad request.</summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    /// <summary>Whether a read went past the limit (and failed).</summary>
    public bool Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            Exceeded = true;
            throw new BadHttpRequestException(
                $"The request body is more than {limit} bytes, the limit. Split the plan or shorten its texts.",
                StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
