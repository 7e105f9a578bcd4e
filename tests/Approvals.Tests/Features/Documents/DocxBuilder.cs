using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Tests.Features.Documents;

/// <summary>A paragraph of a test document: its text, and the Word list it belongs to, if any.</summary>
public sealed record P(string Text, int? List = null, int Level = 0, string? Style = null)
{
    public static implicit operator P(string text) => new(text);
}

public enum Merge
{
    None,
    Restart,
    Continue,
}

/// <summary>A table cell of a test document: paragraphs, a vertical merge (w:vMerge), a span of grid columns.</summary>
public sealed record C(IReadOnlyList<P> Paragraphs, Merge Merge = Merge.None, int Span = 1, IReadOnlyList<Paragraph>? Raw = null)
{
    public static C Of(params P[] paragraphs) => new(paragraphs);

    /// <summary>A cell of hand-made paragraphs (tracked changes, hidden text, line breaks).</summary>
    public static C OfRaw(params Paragraph[] paragraphs) => new([], Raw: paragraphs);

    public static C Empty => new([]);

    /// <summary>The continuation of a cell merged from the row above (its content is ignored by Word).</summary>
    public static C Continue => new([], Merge.Continue);

    public C Restart() => this with { Merge = Merge.Restart };

    public C Spanning(int columns) => this with { Span = columns };

    public static implicit operator C(string text) => Of(text);
}

/// <summary>
/// Builds .docx files in code, as Word writes them: a styles part whose heading styles have Danish ids and English
/// names ("Overskrift1" named "heading 1", as a Danish Word saves them), a numbering part for lists, tables with
/// merged cells. Blocks are added in reading order.
/// </summary>
public sealed class DocxBuilder
{
    private readonly List<OpenXmlElement> _blocks = [];
    private readonly List<AbstractNum> _abstracts = [];
    private readonly List<NumberingInstance> _lists = [];

    public static string HeadingStyle(int level) => $"Overskrift{level}";

    public DocxBuilder Title(string text) => Add(Make(new P(text, Style: "Titel")));

    public DocxBuilder Heading(string text, int level = 1) => Add(Make(new P(text, Style: HeadingStyle(level))));

    public DocxBuilder Paragraph(P paragraph) => Add(Make(paragraph));

    public DocxBuilder Paragraphs(params P[] paragraphs)
    {
        foreach (var paragraph in paragraphs)
        {
            Add(Make(paragraph));
        }

        return this;
    }

    public DocxBuilder Add(OpenXmlElement block)
    {
        _blocks.Add(block);
        return this;
    }

    /// <summary>A table: the header row's cells, then each row's cells.</summary>
    public DocxBuilder Table(C[] header, params C[][] rows)
    {
        var columns = header.Sum(h => h.Span);
        var table = new Table(
            new TableProperties(new TableBorders(new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 })),
            new TableGrid(Enumerable.Range(0, columns).Select(_ => new GridColumn { Width = "2000" })));
        foreach (var row in new[] { header }.Concat(rows))
        {
            var tableRow = new TableRow();
            foreach (var cell in row)
            {
                var properties = new TableCellProperties(new TableCellWidth { Width = (2000 * cell.Span).ToString(CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa });
                if (cell.Span > 1)
                {
                    properties.Append(new GridSpan { Val = cell.Span });
                }

                if (cell.Merge == Merge.Restart)
                {
                    properties.Append(new VerticalMerge { Val = MergedCellValues.Restart });
                }
                else if (cell.Merge == Merge.Continue)
                {
                    properties.Append(new VerticalMerge());
                }

                var tableCell = new TableCell(properties);
                tableCell.Append(cell.Raw is { } raw ? raw.Select(r => r.CloneNode(true))
                    : cell.Paragraphs.Count == 0 ? [new Paragraph()]
                    : cell.Paragraphs.Select(Make));
                tableRow.Append(tableCell);
            }

            table.Append(tableRow);
        }

        _blocks.Add(table);
        // Word needs a paragraph between two tables, or they become one.
        _blocks.Add(new Paragraph());
        return this;
    }

    public DocxBuilder Table(string[] header, params C[][] rows) => Table(header.Select(h => (C)h).ToArray(), rows);

    /// <summary>A numbered list of one or more levels (format and text per level, e.g. "%1." or "%1.%2"); returns its numId.</summary>
    public int List(params (NumberFormatValues Format, string Text)[] levels) => List(1, levels);

    public int List(int start, params (NumberFormatValues Format, string Text)[] levels)
    {
        var abstractId = _abstracts.Count + 1;
        var abstractNum = new AbstractNum { AbstractNumberId = abstractId };
        for (var i = 0; i < levels.Length; i++)
        {
            abstractNum.Append(new Level(
                new StartNumberingValue { Val = start },
                new NumberingFormat { Val = levels[i].Format },
                new LevelText { Val = levels[i].Text })
            { LevelIndex = i });
        }

        _abstracts.Add(abstractNum);
        return Instance(abstractId);
    }

    /// <summary>Another list instance of the same abstract list as <paramref name="numId"/>, starting again at <paramref name="start"/>.</summary>
    public int Restart(int numId, int start = 1)
    {
        var abstractId = _lists.Single(l => l.NumberID!.Value == numId).AbstractNumId!.Val!.Value;
        var id = Instance(abstractId);
        _lists[^1].Append(new LevelOverride(new StartOverrideNumberingValue { Val = start }) { LevelIndex = 0 });
        return id;
    }

    /// <summary>Another list instance that continues the count of <paramref name="numId"/> (same abstract list, no override).</summary>
    public int Continue(int numId) => Instance(_lists.Single(l => l.NumberID!.Value == numId).AbstractNumId!.Val!.Value);

    public int Bullets() => List((NumberFormatValues.Bullet, "\uF0B7"));

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = new Styles(
                Style("Normal", "Normal", isDefault: true),
                Style("Titel", "Title"),
                Style(HeadingStyle(1), "heading 1"),
                Style(HeadingStyle(2), "heading 2"),
                Style(HeadingStyle(3), "heading 3"),
                Style("Listeafsnit", "List Paragraph"));
            if (_abstracts.Count > 0)
            {
                var numbering = new Numbering();
                numbering.Append(_abstracts.Select(a => (OpenXmlElement)a.CloneNode(true)));
                numbering.Append(_lists.Select(l => (OpenXmlElement)l.CloneNode(true)));
                main.AddNewPart<NumberingDefinitionsPart>().Numbering = numbering;
            }

            var body = new Body(_blocks.Select(b => b.CloneNode(true)));
            body.Append(new SectionProperties(new PageSize { Width = 11906, Height = 16838 }));
            main.Document = new Document(body);
        }

        return stream.ToArray();
    }

    private int Instance(int abstractId)
    {
        var id = _lists.Count + 1;
        _lists.Add(new NumberingInstance(new AbstractNumId { Val = abstractId }) { NumberID = id });
        return id;
    }

    private static Paragraph Make(P p)
    {
        var properties = new ParagraphProperties();
        if (p.Style is not null)
        {
            properties.Append(new ParagraphStyleId { Val = p.Style });
        }

        if (p.List is { } list)
        {
            properties.Append(new NumberingProperties(new NumberingLevelReference { Val = p.Level }, new NumberingId { Val = list }));
        }

        return new Paragraph(properties, new Run(new Text(p.Text) { Space = SpaceProcessingModeValues.Preserve }));
    }

    private static Style Style(string id, string name, bool isDefault = false)
    {
        var style = new Style(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };
        if (isDefault)
        {
            style.Default = true;
        }

        return style;
    }
}
