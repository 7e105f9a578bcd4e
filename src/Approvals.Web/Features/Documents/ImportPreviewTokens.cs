using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Approvals.Web.Features.Plans;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// Carries a previewed plan from the import page's preview to its "Opret kladde" button without keeping the upload
/// on the server: the plan and its expiry, compressed and protected with the app's data-protection keys (shared by
/// every instance through the database), for the user who previewed it and for <see cref="Lifetime"/>. What is
/// created is exactly what was shown; a token that was altered, is another user's or has expired is refused.
/// </summary>
public sealed class ImportPreviewTokens(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    private const string Purpose = "Approvals.Documents.ImportPreview.v1";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Protect(PlanInput plan, string userId)
    {
        using var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, new Preview(clock.GetUtcNow() + Lifetime, plan), Json);
        }

        return WebEncoders.Base64UrlEncode(Protector(userId).Protect(compressed.ToArray()));
    }

    /// <summary>The plan the token carries, or null when it is not a valid, unexpired token of this user.</summary>
    public PlanInput? Unprotect(string? token, string userId)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }

        try
        {
            var compressed = Protector(userId).Unprotect(WebEncoders.Base64UrlDecode(token));
            using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var preview = JsonSerializer.Deserialize<Preview>(brotli, Json);
            return preview is not null && preview.ExpiresUtc > clock.GetUtcNow() ? preview.Plan : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException or InvalidDataException)
        {
            return null;
        }
    }

    private IDataProtector Protector(string userId) => protection.CreateProtector(Purpose, userId);

    private sealed record Preview(DateTimeOffset ExpiresUtc, PlanInput Plan);
}
