using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// The numbers Word shows in front of list paragraphs ("1.", "a)", "2.1"), which are not in the text but computed
/// from the numbering part. Counted over every paragraph in document order, as Word does, so a list that runs on
/// from one cell into the next keeps counting. Bullets give no label: they are formatting, not text.
/// </summary>
internal sealed class WordNumbering
{
    private const int Levels = 9;
    private readonly Dictionary<Paragraph, string> _labels = new(ReferenceEqualityComparer.Instance);

    private WordNumbering()
    {
    }

    /// <summary>The label of a numbered paragraph with its separator ("1. "), or null.</summary>
    public string? LabelOf(Paragraph paragraph) => _labels.GetValueOrDefault(paragraph);

    public static WordNumbering Of(MainDocumentPart main, WordStyles styles)
    {
        var numbering = new WordNumbering();
        var definitions = Definitions.Read(main.NumberingDefinitionsPart?.Numbering, styles);
        if (definitions.IsEmpty || main.Document?.Body is not { } body)
        {
            return numbering;
        }

        var counters = new Dictionary<string, int?[]>(StringComparer.Ordinal);
        foreach (var paragraph in body.Descendants<Paragraph>())
        {
            var numPr = paragraph.ParagraphProperties?.NumberingProperties;
            var reference = numPr?.NumberingId?.Val?.Value is { } numId
                ? (numId, numPr.NumberingLevelReference?.Val?.Value ?? styles.NumberingOf(styles.StyleIdOf(paragraph))?.Level ?? 0)
                : styles.NumberingOf(styles.StyleIdOf(paragraph));
            if (reference is not var (id, level) || id == 0 || definitions.Find(id) is not { } list)
            {
                continue;
            }

            level = Math.Clamp(level, 0, Levels - 1);
            if (!counters.TryGetValue(list.CounterKey, out var values))
            {
                values = new int?[Levels];
                counters[list.CounterKey] = values;
            }

            values[level] = values[level] is { } current ? current + 1 : list.Start(level);
            for (var deeper = level + 1; deeper < Levels; deeper++)
            {
                if (list.Restarts(deeper))
                {
                    values[deeper] = null;
                }
            }

            if (list.Label(level, values) is { } label)
            {
                numbering._labels[paragraph] = label;
            }
        }

        return numbering;
    }

    /// <summary>The lists of a numbering part: each w:num resolved to its levels, with overrides applied.</summary>
    private sealed class Definitions
    {
        private readonly Dictionary<int, ListDefinition> _lists = [];

        public bool IsEmpty => _lists.Count == 0;

        public ListDefinition? Find(int numId) => _lists.GetValueOrDefault(numId);

        public static Definitions Read(Numbering? numbering, WordStyles styles)
        {
            var definitions = new Definitions();
            if (numbering is null)
            {
                return definitions;
            }

            var abstracts = new Dictionary<int, AbstractNum>();
            foreach (var abstractNum in numbering.Elements<AbstractNum>())
            {
                if (abstractNum.AbstractNumberId?.Value is { } id)
                {
                    abstracts.TryAdd(id, abstractNum);
                }
            }

            var instances = new Dictionary<int, NumberingInstance>();
            foreach (var instance in numbering.Elements<NumberingInstance>())
            {
                if (instance.NumberID?.Value is { } id)
                {
                    instances.TryAdd(id, instance);
                }
            }

            foreach (var (numId, instance) in instances)
            {
                if (Resolve(instance, abstracts, instances, styles) is not var (abstractId, abstractNum))
                {
                    continue;
                }

                var levels = new Level?[Levels];
                foreach (var level in abstractNum.Elements<Level>())
                {
                    if (level.LevelIndex?.Value is { } index and >= 0 and < Levels)
                    {
                        levels[index] = level;
                    }
                }

                var startOverrides = new int?[Levels];
                foreach (var levelOverride in instance.Elements<LevelOverride>())
                {
                    if (levelOverride.LevelIndex?.Value is not { } index || index is < 0 or >= Levels)
                    {
                        continue;
                    }

                    if (levelOverride.Level is { } replacement)
                    {
                        levels[index] = replacement;
                    }

                    if (levelOverride.StartOverrideNumberingValue?.Val?.Value is { } start)
                    {
                        startOverrides[index] = start;
                    }
                }

                // Lists of one abstract definition share their count in Word, unless a list restarts it.
                var counterKey = startOverrides.Any(s => s is not null) ? $"num:{numId}" : $"abstract:{abstractId}";
                definitions._lists[numId] = new ListDefinition(counterKey, levels, startOverrides);
            }

            return definitions;
        }

        /// <summary>The abstract definition of a list, following a w:numStyleLink to the list its style names.</summary>
        private static (int, AbstractNum)? Resolve(
            NumberingInstance instance, Dictionary<int, AbstractNum> abstracts, Dictionary<int, NumberingInstance> instances, WordStyles styles)
        {
            for (var hops = 0; hops < 4; hops++)
            {
                if (instance.AbstractNumId?.Val?.Value is not { } abstractId || !abstracts.TryGetValue(abstractId, out var abstractNum))
                {
                    return null;
                }

                if (abstractNum.NumberingStyleLink?.Val?.Value is not { } styleId)
                {
                    return (abstractId, abstractNum);
                }

                if (styles.NumberingOf(styleId) is not var (linkedNum, _) || !instances.TryGetValue(linkedNum, out var linked) || linked == instance)
                {
                    return (abstractId, abstractNum);
                }

                instance = linked;
            }

            return null;
        }
    }

    private sealed class ListDefinition(string counterKey, Level?[] levels, int?[] startOverrides)
    {
        public string CounterKey { get; } = counterKey;

        public int Start(int level) => startOverrides[level] ?? levels[level]?.StartNumberingValue?.Val?.Value ?? 0;

        /// <summary>Whether a deeper level starts again after a paragraph at a higher level (w:lvlRestart="0" says never).</summary>
        public bool Restarts(int level) => levels[level]?.LevelRestart?.Val?.Value != 0;

        public string? Label(int level, int?[] values)
        {
            var definition = levels[level];
            var format = definition?.NumberingFormat?.Val?.Value;
            if (definition is null || format == NumberFormatValues.Bullet || format == NumberFormatValues.None)
            {
                return null;
            }

            var pattern = definition.LevelText?.Val?.Value ?? $"%{level + 1}.";
            var legal = definition.IsLegalNumberingStyle is { } isLgl && (isLgl.Val?.Value ?? true);
            var label = new StringBuilder();
            for (var i = 0; i < pattern.Length; i++)
            {
                if (pattern[i] == '%' && i + 1 < pattern.Length && pattern[i + 1] is >= '1' and <= '9')
                {
                    var referenced = pattern[i + 1] - '1';
                    var value = values[referenced] ?? Start(referenced);
                    var referencedFormat = legal && referenced != level ? NumberFormatValues.Decimal : levels[referenced]?.NumberingFormat?.Val?.Value;
                    label.Append(Format(value, referencedFormat));
                    i++;
                }
                else
                {
                    label.Append(pattern[i]);
                }
            }

            var text = label.ToString().Trim();
            if (text.Length == 0)
            {
                return null;
            }

            var suffix = definition.LevelSuffix?.Val?.Value;
            return suffix == LevelSuffixValues.Nothing ? text : text + " ";
        }

        private static string Format(int value, NumberFormatValues? format)
        {
            if (format == NumberFormatValues.LowerLetter)
            {
                return Letters(value).ToLowerInvariant();
            }

            if (format == NumberFormatValues.UpperLetter)
            {
                return Letters(value);
            }

            if (format == NumberFormatValues.LowerRoman)
            {
                return Roman(value).ToLowerInvariant();
            }

            if (format == NumberFormatValues.UpperRoman)
            {
                return Roman(value);
            }

            if (format == NumberFormatValues.DecimalZero)
            {
                return value.ToString("00", CultureInfo.InvariantCulture);
            }

            return value.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>Word's letters: a … z, then aa … zz, then aaa …</summary>
        private static string Letters(int value)
        {
            if (value < 1)
            {
                return value.ToString(CultureInfo.InvariantCulture);
            }

            var letter = (char)('A' + (value - 1) % 26);
            return new string(letter, (value - 1) / 26 + 1);
        }

        private static string Roman(int value)
        {
            if (value is < 1 or > 3999)
            {
                return value.ToString(CultureInfo.InvariantCulture);
            }

            (int Value, string Numeral)[] numerals =
                [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
            var roman = new StringBuilder();
            foreach (var (amount, numeral) in numerals)
            {
                while (value >= amount)
                {
                    roman.Append(numeral);
                    value -= amount;
                }
            }

            return roman.ToString();
        }
    }
}
