using System.Buffers;
using System.Globalization;
using System.Text;

namespace Approvals.Core;

/// <summary>
/// What counts as text. Text made only of characters no reader can see (white space, control and format
/// characters such as U+200B zero width space, U+2060 word joiner, U+00AD soft hyphen, U+0000, and the blank
/// "filler" letters) is blank wherever text is required: a plan's title, a return comment, a goal's text.
/// Every validator, the workflow runtime and the flag rules ask <see cref="IsBlank"/>.
/// </summary>
public static class TextRules
{
    /// <summary>True when <paramref name="text"/> is null, empty or made only of invisible characters.</summary>
    public static bool IsBlank(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsInvisible(rune))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Text as it is stored: without the control characters no text needs (all but tab, line feed and carriage
    /// return; PostgreSQL refuses U+0000 outright) and without invisible characters at either end. Blank text
    /// becomes "". Characters inside the text are kept as written.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var kept = text;
        if (text.AsSpan().IndexOfAnyInRange('\0', '\u001F') >= 0 || text.AsSpan().IndexOfAnyInRange('\u007F', '\u009F') >= 0)
        {
            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                if (!char.IsControl(c) || c is '\t' or '\n' or '\r')
                {
                    builder.Append(c);
                }
            }

            kept = builder.ToString();
        }

        return TrimInvisible(kept);
    }

    /// <summary>Removes invisible characters (see <see cref="IsBlank"/>) from both ends.</summary>
    public static string TrimInvisible(string text)
    {
        var start = 0;
        while (start < text.Length && Rune.DecodeFromUtf16(text.AsSpan(start), out var rune, out var used) == OperationStatus.Done && IsInvisible(rune))
        {
            start += used;
        }

        var end = text.Length;
        while (end > start && Rune.DecodeLastFromUtf16(text.AsSpan(start, end - start), out var rune, out var used) == OperationStatus.Done && IsInvisible(rune))
        {
            end -= used;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary>
    /// An identifier as sent (an action such as "submit", a stage such as "draft"): invisible characters at
    /// either end are dropped, nothing else. Identifiers are then compared ordinally, so case matters.
    /// </summary>
    public static string? Identifier(string? text) => text is null ? null : TrimInvisible(text);

    public static bool IsInvisible(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune))
        {
            return true;
        }

        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return true;
        }

        return rune.Value switch
        {
            0x034F => true, // combining grapheme joiner
            >= 0xFE00 and <= 0xFE0F => true, // variation selectors
            >= 0xE0100 and <= 0xE01EF => true, // variation selectors supplement
            0x115F or 0x1160 or 0x3164 or 0xFFA0 => true, // Hangul fillers, drawn as nothing
            0x2800 => true, // Braille pattern blank
            _ => false,
        };
    }
}
