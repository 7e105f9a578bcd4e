using System.Text.RegularExpressions;

namespace Approvals.Core.Flags;

/// <summary>
/// What counts as a real indicator. These two predicates are the only definition of the rules;
/// the validators, the coverage report and the workflow guards all come through here.
/// </summary>
public static partial class IndicatorRules
{
    // Words that stand in for "no indicator yet" / "not decided". Compared after trimming, lower-casing
    // and dropping trailing punctuation, so "Ingen.", " TBD " and "N/A" all match.
    private static readonly HashSet<string> PlaceholderWords = new(StringComparer.Ordinal)
    {
        "ingen", "ingen indikator", "ingen indikatorer", "ikke fastsat", "ikke fastlagt", "ikke besluttet",
        "ikke defineret", "ikke relevant", "mangler", "afventer", "udestår", "ukendt", "følger", "senere",
        "tbd", "tba", "todo", "n/a", "na", "none", "pending", "unknown", "not decided",
    };

    /// <summary>
    /// A placeholder is text that holds no measure: empty, or made only of question marks, dashes of any
    /// kind (- – —), dots, x's and white space ("??????", "-", "...", "xxx"), or one of the words above.
    /// </summary>
    public static bool IsPlaceholder(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (OnlyFillerCharacters().IsMatch(trimmed))
        {
            return true;
        }

        var word = trimmed.TrimEnd('.', '!', ':', ';', ' ').ToLowerInvariant();
        return PlaceholderWords.Contains(word);
    }

    /// <summary>
    /// An indicator is measurable when it says what to count or compare. The rule, in order:
    /// <list type="number">
    /// <item>it holds a number or a percent sign ("2 procentpoints stigning", "mindst 20 procent", "5. klasse");</item>
    /// <item>or it names a share or count ("andel", "procent", "antal", "flere", "færre", "mindst", "minimum");</item>
    /// <item>or a comparison ("forskellen", "lige så stor som", "samme grad", "højere end", "lavere", "større", "mindre");</item>
    /// <item>or a direction ("stigning", "stige", "falde", "øget", "reduceres", "nedbringe", "forbedre", "halvere").</item>
    /// </list>
    /// Text with none of these ("Fastholdelse af nuværende indikatorer") states an intention, not a measure.
    /// Placeholders are judged by <see cref="IsPlaceholder"/> first and never reach this rule.
    /// </summary>
    public static bool IsMeasurable(string? text)
    {
        var value = text ?? "";
        return NumberOrPercent().IsMatch(value) || MeasureWord().IsMatch(value);
    }

    [GeneratedRegex(@"^[\s?\-‐‑‒–—―.…xX×_*]*$")]
    private static partial Regex OnlyFillerCharacters();

    [GeneratedRegex(@"[0-9%]")]
    private static partial Regex NumberOrPercent();

    [GeneratedRegex(
        @"\b(andel\w*|procent\w*|pct|promille|antal\w*|flere|færre|mindst|højst|minimum|maksimum|halvdel\w*|" +
        @"forskel\w*|lige\s+så|samme\s+grad|samme\s+niveau|højere|lavere|større|mindre|sammenlign\w*|" +
        @"stig\w*|fald\w*|øge\w*|øget|øgning|reducer\w*|nedbring\w*|forbedr\w*|mindsk\w*|halver\w*|fordobl\w*|" +
        @"share|percent\w*|number\s+of|more|fewer|at\s+least|at\s+most|increase\w*|decrease\w*|reduc\w*|rise|fall)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MeasureWord();
}
