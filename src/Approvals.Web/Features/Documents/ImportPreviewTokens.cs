using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// Carries a previewed plan from the import page's preview to its "Opret kladde" button without keeping the upload
/// on the server: the plan, compressed and protected with the app's data-protection keys (shared by every instance
/// through the database), for the user who previewed it and for two hours. What is created is exactly what was
/// shown; a token that was altered, is another user's or has expired is refused.
/// </summary>
public sealed class ImportPreviewTokens(IDataProtectionProvider protection)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private const string Purpose = "Approvals.Documents.ImportPreview.v1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Protect(PlanInput plan, string userId)
    {
        using var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, plan, Json);
        }

        var protectedBytes = Protector(userId).Protect(compressed.ToArray(), DateTimeOffset.UtcNow + Lifetime);
        return WebEncoders.Base64UrlEncode(protectedBytes);
    }

    public PlanInput? Unprotect(string? token, string userId)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        try
        {
            var compressed = Protector(userId).Unprotect(WebEncoders.Base64UrlDecode(token), out _);
            using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
            return JsonSerializer.Deserialize<PlanInput>(brotli, Json);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException or InvalidDataException)
        {
            return null;
        }
    }

    private ITimeLimitedDataProtector Protector(string userId) =>
        protection.CreateProtector(Purpose, userId).ToTimeLimitedDataProtector();
}
