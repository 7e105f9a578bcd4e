using System.Text.RegularExpressions;

namespace Approvals.Core.Flags;

/// <summary>
/// What counts as a real indicator. These two predicates are the only definition of the rules;
/// the validators, the coverage report and the workflow guards all come through here.
/// </summary>
public static partial class IndicatorRules
{
    // Words that stand in for "no indicator yet" / "not decided". They are compared after normalising
    // (see Normalise), so "Ingen.", " TBD ", "(ingen)", "Ingen?", "N/A" and "Ikke  fastsat endnu" all match.
    private static readonly HashSet<string> PlaceholderWords = new(StringComparer.Ordinal)
    {
        "ingen", "ingen indikator", "ingen indikatorer", "intet", "ikke fastsat", "ikke fastlagt", "ikke besluttet",
        "ikke defineret", "ikke afklaret", "ikke relevant", "ikke oplyst", "mangler", "afventer", "udestår", "ukendt",
        "følger", "følger senere", "senere", "tbd", "tba", "todo", "n/a", "n.a", "na", "none", "pending", "unknown",
        "not decided", "not set",
    };

    /// <summary>
    /// A placeholder is text that holds no measure: empty, or made only of question marks, dashes of any
    /// kind (- ‐ – — ―), dots, x's and white space ("??????", "-", "...", "xxx", "– –"), or one of the
    /// words above, ignoring case, surrounding white space, brackets and filler characters, and a trailing
    /// "endnu" ("Ikke fastsat endnu").
    /// </summary>
    public static bool IsPlaceholder(string? text)
    {
        var value = text ?? "";
        if (TextRules.IsBlank(value) || OnlyFillerCharacters().IsMatch(value))
        {
            return true;
        }

        var words = Normalise(value);
        return PlaceholderWords.Contains(words)
            || (words.EndsWith(" endnu", StringComparison.Ordinal) && PlaceholderWords.Contains(words[..^" endnu".Length]));
    }

    /// <summary>
    /// An indicator is measurable when it says what to count or compare. The rule: it is measurable when it
    /// holds at least one of
    /// <list type="number">
    /// <item>a digit or a percent sign: a number, a share, a year to reach it by ("2 procentpoints stigning om
    /// året", "mindst 20 procent", "falde med 2 % frem mod 2013", "5. klasse");</item>
    /// <item>a word naming a share or a count ("andel", "andelen", "procent", "antal", "flere", "færre",
    /// "mindst", "højst", "minimum", "halvdelen");</item>
    /// <item>a comparison ("forskellen", "lige så stor som", "i samme grad", "højere", "lavere", "større",
    /// "mindre", "sammenlignet med");</item>
    /// <item>a direction ("stigning", "stige", "falde", "øget", "reduceres", "nedbringe", "forbedre",
    /// "mindske", "halvere", "fordoble").</item>
    /// </list>
    /// Text with none of these ("Fastholdelse af nuværende indikatorer") states an intention, not a measure.
    /// The word stems are anchored so that look-alikes do not count: "forskellige" (various) is not
    /// "forskellen", "andelsbolig" is not "andelen", "stigmatisering" is not "stigning". Placeholders are
    /// judged by <see cref="IsPlaceholder"/> first and never reach this rule.
    /// </summary>
    public static bool IsMeasurable(string? text)
    {
        var value = text ?? "";
        return NumberOrPercent().IsMatch(value) || MeasureWord().IsMatch(value);
    }

    /// <summary>Lower-case, single-spaced, without surrounding brackets, quotes, punctuation or filler characters.</summary>
    private static string Normalise(string text) =>
        Whitespace().Replace(text, " ").Trim(SurroundingNoise).ToLowerInvariant();

    private static readonly char[] SurroundingNoise =
        [' ', '.', '…', ',', '!', '?', ':', ';', '-', '‐', '‑', '‒', '–', '—', '―', '_', '*', '(', ')', '[', ']', '"', '\'', '“', '”', '„', '«', '»'];

    [GeneratedRegex(@"^[\s\p{Cc}\p{Cf}?¿\-‐‑‒–—―.…·xX×_*]*$")]
    private static partial Regex OnlyFillerCharacters();

    [GeneratedRegex(@"[\s\p{Cc}\p{Cf}]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[0-9%‰]")]
    private static partial Regex NumberOrPercent();

    [GeneratedRegex(
        // Share or count.
        @"\b(andel(en|ens|e|ene)?|procent\w*|pct|promille|antal(let|lets|lene)?|flere|flest|færre|færrest|mindst|højst|" +
        @"minimum|maksimum|halvdel(en)?|tredjedel(en)?|fjerdedel(en)?|" +
        // Comparison.
        @"forskel(len|le|lene)?|lige\s+så|samme\s+grad|samme\s+niveau|højere|lavere|større|mindre|bedre|dårligere|" +
        @"sammenlign(et|ing|ingen|es)?|" +
        // Direction.
        @"stig(e|er|es|ende|ning|ningen|ninger)|fald(e|er|et|ende)?|øg(e|er|es|et|ede|ning|ningen)|" +
        @"reducer(e|es|et|ing|ingen)|nedbring(e|es|else|elsen)|forbedr(e|es|et|ing|ingen)|mindsk(e|es|et|ning)|" +
        @"halver(e|es|et|ing)|fordobl(e|es|et|ing)|" +
        // The same in English, for plans written in English.
        @"share|percent(age)?|number\s+of|more|fewer|at\s+least|at\s+most|higher|lower|" +
        @"increase[sd]?|decrease[sd]?|reduce[sd]?|reduction|rises?|falls?)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MeasureWord();
}
