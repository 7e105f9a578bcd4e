namespace Approvals.Web.Features.Flags;

/// <summary>Which of a flag's two texts a request wants: Danish unless it asks for English.</summary>
public static class FlagLanguage
{
    public const string Danish = "da";
    public const string English = "en";

    public static bool IsKnown(string lang) =>
        string.Equals(lang, Danish, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(lang, English, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>?lang=</c> wins; otherwise the Accept-Language entry of highest quality that names Danish or English
    /// (so "en-GB,en;q=0.9" and "en" mean English, "da,en;q=0.5" and "fr" mean Danish).
    /// </summary>
    public static bool PrefersEnglish(HttpRequest request, string? lang)
    {
        if (lang is not null)
        {
            return string.Equals(lang, English, StringComparison.OrdinalIgnoreCase);
        }

        var preferred = request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is null or > 0)
            .OrderByDescending(l => l.Quality ?? 1) // a stable sort: equal qualities keep the header's order
            .Select(l => l.Value.Value ?? "")
            .FirstOrDefault(v => Names(v, English) || Names(v, Danish));
        return preferred is not null && Names(preferred, English);
    }

    private static bool Names(string tag, string language) =>
        tag.Equals(language, StringComparison.OrdinalIgnoreCase) ||
        tag.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase);
}
