using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// What the reader needs from a document's paragraph styles, with <c>basedOn</c> followed: whether a style is a
/// heading or the title, and the list numbering it applies. Word names built-in styles in English whatever the
/// language of the UI ("heading 1" has the id "Overskrift1" in a Danish Word), so names are compared, not ids.
/// </summary>
internal sealed class WordStyles
{
    /// <summary>
    /// The style of the export's marks ("Mangler indikator", "Mangler nummer"): the reader skips their text, and a row
    /// holding one is a goal of its own, never empty and never a continuation of the goal above.
    /// </summary>
    public const string Mark = "ApprovalsMarkering";

    private const int MaxChain = 20;
    private readonly Dictionary<string, Style> _styles;
    private readonly string? _defaultParagraphStyle;

    private WordStyles(Dictionary<string, Style> styles, string? defaultParagraphStyle)
    {
        _styles = styles;
        _defaultParagraphStyle = defaultParagraphStyle;
    }

    public static WordStyles Of(MainDocumentPart main)
    {
        var styles = new Dictionary<string, Style>(StringComparer.Ordinal);
        string? defaultStyle = null;
        foreach (var style in main.StyleDefinitionsPart?.Styles?.Elements<Style>() ?? [])
        {
            if (style.StyleId?.Value is not { } id || style.Type?.Value != StyleValues.Paragraph)
            {
                continue;
            }

            styles.TryAdd(id, style);
            if (style.Default?.Value == true)
            {
                defaultStyle ??= id;
            }
        }

        return new WordStyles(styles, defaultStyle);
    }

    public string? StyleIdOf(Paragraph paragraph) =>
        paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? _defaultParagraphStyle;

    public bool IsTitle(Paragraph paragraph) =>
        Chain(StyleIdOf(paragraph)).Any(s => NameOf(s) is "title" or "titel");

    /// <summary>A heading: an outline level on the paragraph or its style, or a style named "heading n".</summary>
    public bool IsHeading(Paragraph paragraph)
    {
        if (paragraph.ParagraphProperties?.OutlineLevel?.Val?.Value is { } direct)
        {
            return direct < 9;
        }

        foreach (var style in Chain(StyleIdOf(paragraph)))
        {
            if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } level)
            {
                return level < 9;
            }

            if (NameOf(style).StartsWith("heading", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsMark(Paragraph paragraph) => StyleIdOf(paragraph) == Mark;

    /// <summary>The list a paragraph belongs to through its style, if any: (numId, level).</summary>
    public (int NumId, int Level)? NumberingOf(string? styleId)
    {
        foreach (var style in Chain(styleId))
        {
            if (style.StyleParagraphProperties?.NumberingProperties is { } numPr && numPr.NumberingId?.Val?.Value is { } numId)
            {
                return (numId, numPr.NumberingLevelReference?.Val?.Value ?? 0);
            }
        }

        return null;
    }

    private IEnumerable<Style> Chain(string? styleId)
    {
        for (var i = 0; i < MaxChain && styleId is not null && _styles.TryGetValue(styleId, out var style); i++)
        {
            yield return style;
            styleId = style.BasedOn?.Val?.Value;
        }
    }

    private static string NameOf(Style style) => (style.StyleName?.Val?.Value ?? "").Trim().ToLowerInvariant();
}
