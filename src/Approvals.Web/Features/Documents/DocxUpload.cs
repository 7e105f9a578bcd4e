using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Approvals.Web.Features.Documents;

/// <summary>A multipart upload as read: the file's bytes and the small form fields beside it, or why not.</summary>
internal sealed record Upload(byte[]? File, string? FileName, IReadOnlyDictionary<string, StringValues> Fields, DocumentProblem? Problem);

/// <summary>
/// Reads an uploaded .docx from a multipart/form-data body, straight from the request stream: the file is counted
/// as it arrives and refused past <see cref="DocxLimits.MaxFileBytes"/>, so nothing larger is buffered, on disk or in
/// memory. The API and the page read uploads here; neither uses the framework's form binding, which would buffer
/// the whole body (to disk) before the limit is known.
/// </summary>
internal static class DocxUpload
{
    public const string FileField = "file";

    /// <summary>The largest request body an upload may have: the file and the multipart framing around it.</summary>
    public const long MaxBodyBytes = DocxLimits.MaxFileBytes + DocxLimits.MaxFormOverheadBytes;

    /// <summary>
    /// How much of a request is read at most. A body over <see cref="MaxBodyBytes"/> but under this is read to its
    /// end and thrown away, so the client, still sending, receives the 400 that names the limit rather than a
    /// connection closed under it; a larger one is cut off.
    /// </summary>
    public const long MaxReadBytes = 32 * 1024 * 1024;

    private const int MaxSections = 8;
    private const int MaxFieldBytes = 4 * 1024;

    public static async Task<Upload> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxReadBytes;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return await TooLarge(request, fields, ct);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            return new Upload(null, null, fields, DocumentProblem.NotMultipart());
        }

        byte[]? file = null;
        string? fileName = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 8 * 1024 };
            for (var sections = 0; sections < MaxSections && await reader.ReadNextSectionAsync(ct) is { } section; sections++)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    await Drain(section.Body, ct);
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                var isFile = disposition.FileName.HasValue || disposition.FileNameStar.HasValue;
                if (isFile && name == FileField && file is null)
                {
                    fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                    file = await Copy(section.Body, DocxLimits.MaxFileBytes, ct);
                    if (file is null)
                    {
                        return await TooLarge(request, fields, ct);
                    }
                }
                else if (!isFile)
                {
                    var value = await Copy(section.Body, MaxFieldBytes, ct);
                    if (value is null)
                    {
                        return new Upload(null, null, fields, DocumentProblem.NotMultipart());
                    }

                    fields[name] = StringValues.Concat(fields.GetValueOrDefault(name), Encoding.UTF8.GetString(value));
                }
                else
                {
                    await Drain(section.Body, ct);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new Upload(null, null, fields, DocumentProblem.TooLarge());
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A malformed multipart body or a client that went away mid-upload.
            ct.ThrowIfCancellationRequested();
            return new Upload(null, null, fields, DocumentProblem.NotMultipart());
        }

        return file is null
            ? new Upload(null, null, fields, DocumentProblem.FileMissing())
            : new Upload(file, fileName, fields, null);
    }

    /// <summary>Refuses an upload for its size, after reading (and dropping) the rest of a body that is not absurdly large.</summary>
    private static async Task<Upload> TooLarge(HttpRequest request, Dictionary<string, StringValues> fields, CancellationToken ct)
    {
        if (!(request.ContentLength > MaxReadBytes))
        {
            try
            {
                await Drain(request.Body, ct);
            }
            catch (Exception e) when (e is BadHttpRequestException or IOException)
            {
                // Over MaxReadBytes after all, or the client gave up: the connection is closed instead.
            }
        }

        return new Upload(null, null, fields, DocumentProblem.TooLarge());
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes; null when there is more.</summary>
    private static async Task<byte[]?> Copy(Stream body, long limit, CancellationToken ct)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            if (copy.Length + read > limit)
            {
                return null;
            }

            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }

    /// <summary>Reads past a section that is not wanted, keeping nothing (the request's own limit bounds it).</summary>
    private static async Task Drain(Stream body, CancellationToken ct)
    {
        var buffer = new byte[81920];
        while (await body.ReadAsync(buffer, ct) > 0)
        {
        }
    }
}
