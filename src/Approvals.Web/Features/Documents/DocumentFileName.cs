using System.Globalization;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// The download name of an exported plan, "ØU - Handleplan 2027.docx": safe on Windows, macOS and Linux (no
/// path or reserved characters, no trailing dots, a bounded length), sent per RFC 6266 as <c>filename*</c> in UTF-8
/// with an ASCII <c>filename</c> ("OEU - Handleplan 2027.docx") for clients that do not read the former.
/// </summary>
public static class DocumentFileName
{
    private const int MaxStemLength = 120;

    public static string For(string committeeCode, string title, int? revision)
    {
        var stem = $"{committeeCode} - {title}{(revision is { } n ? $" - udgave {n}" : "")}";
        var safe = new StringBuilder(stem.Length);
        foreach (var c in stem.Normalize(NormalizationForm.FormC))
        {
            safe.Append(char.IsControl(c) || c is '\\' or '/' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? ' ' : c);
        }

        var name = string.Join(' ', safe.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (new StringInfo(name).LengthInTextElements > MaxStemLength)
        {
            name = new StringInfo(name).SubstringByTextElements(0, MaxStemLength);
        }

        name = name.TrimEnd('.', ' ');
        return (name.Length == 0 ? "handleplan" : name) + ".docx";
    }

    /// <summary>The Content-Disposition header value for downloading <paramref name="fileName"/>.</summary>
    public static string Disposition(string fileName) =>
        new ContentDispositionHeaderValue("attachment") { FileName = Ascii(fileName), FileNameStar = fileName }.ToString();

    /// <summary>Danish letters spelt out as Danes do without them (Ø as Oe), other accents dropped, the rest as "_".</summary>
    public static string Ascii(string fileName)
    {
        var spelt = new StringBuilder(fileName.Length);
        for (var i = 0; i < fileName.Length; i++)
        {
            var upperNext = i + 1 < fileName.Length && char.IsUpper(fileName[i + 1]);
            spelt.Append(fileName[i] switch
            {
                'Æ' => upperNext ? "AE" : "Ae",
                'Ø' => upperNext ? "OE" : "Oe",
                'Å' => upperNext ? "AA" : "Aa",
                'æ' => "ae",
                'ø' => "oe",
                'å' => "aa",
                var c => c.ToString(),
            });
        }

        var ascii = new StringBuilder(spelt.Length);
        foreach (var c in spelt.ToString().Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            ascii.Append(c is >= ' ' and <= '~' ? c : '_');
        }

        return ascii.ToString();
    }
}
