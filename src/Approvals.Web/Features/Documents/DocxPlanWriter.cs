using System.Globalization;
using System.Text;
using Approvals.Core.Flags;
using Approvals.Core.Plans;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Web.Features.Documents;

/// <summary>What goes on the document's first lines, in Danish: the plan as the council's papers name it.</summary>
public sealed record PlanDocument(
    string Title,
    Committee Committee,
    string Stage,
    int Revision,
    int CurrentRevision,
    DateTime DateUtc,
    PlanContent Content);

/// <summary>
/// Writes a plan as a .docx for the council's papers: A4, the title, committee, stage, revision and date, then per
/// objective a heading ("Målsætning: …") and the four-column table Nr. / Resultatmål / Indikator / Aktiviteter with
/// its header repeated on every page. A goal without a real indicator (flagged indicator-missing or
/// indicator-placeholder) gets a visible "Mangler indikator" in its indicator cell (and one without number or text
/// "Mangler nummer" / "Mangler tekst"), in a style the importer skips, so the file reads back as the same plan
/// (<see cref="DocxPlanReader"/>).
/// </summary>
internal static class DocxPlanWriter
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string MarkColour = "A4161A";
    private const string MarkShade = "FDECEC";
    private const string HeaderShade = "E6E9EE";
    private const int BulletList = 1;

    // A4 in twentieths of a point, 2 cm margins: 9638 twips of text width, shared by the four columns.
    private const int PageWidth = 11906;
    private const int PageHeight = 16838;
    private const int Margin = 1134;
    private static readonly int[] ColumnWidths = [850, 3100, 2844, 2844];
    private static readonly string[] ColumnNames = ["Nr.", "Resultatmål", "Indikator", "Aktiviteter"];
    private static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    public static byte[] Write(PlanDocument plan, DateTime nowUtc)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            document.PackageProperties.Title = Clean(plan.Title);
            document.PackageProperties.Subject = $"{plan.Committee.Name} ({plan.Committee.Code})";
            document.PackageProperties.Creator = "Approvals";
            document.PackageProperties.Language = "da-DK";
            document.PackageProperties.Created = nowUtc;
            document.PackageProperties.Modified = nowUtc;

            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();
            main.AddNewPart<NumberingDefinitionsPart>().Numbering = Numbering();
            var footer = main.AddNewPart<FooterPart>();
            footer.Footer = Footer(plan);

            var body = new Body();
            body.Append(Paragraph("Title", Clean(plan.Title)));
            // "Udvalg:" marks the committee, so the importer finds this plan's part by it.
            body.Append(Line("Udvalg", $"{plan.Committee.Name} ({plan.Committee.Code})"));
            body.Append(Line("Fase", plan.Stage));
            body.Append(Line("Udgave", plan.Revision == plan.CurrentRevision
                ? plan.Revision.ToString(CultureInfo.InvariantCulture)
                : $"{plan.Revision} (planens nuværende udgave er {plan.CurrentRevision})"));
            body.Append(Line("Dato", DanishDate(plan.DateUtc)));

            var flags = PlanFlagger.Evaluate(plan.Content);
            var gaps = flags.Where(f => f.IsIndicatorGap && f.Path.Objective is not null && f.Path.Goal is not null)
                .Select(f => (f.Path.Objective!.Value, f.Path.Goal!.Value))
                .ToHashSet();
            var goals = plan.Content.Goals.Count();
            var missing = gaps.Count;
            body.Append(Paragraph(null, goals == 0
                ? "Planen har endnu ingen resultatmål."
                : $"Resultatmål: {goals}. Uden en rigtig indikator: {missing}."));

            for (var o = 0; o < plan.Content.Objectives.Count; o++)
            {
                var objective = plan.Content.Objectives[o];
                body.Append(Paragraph("Heading1", objective.Title.Length > 0 ? $"Målsætning: {Clean(objective.Title)}" : "Målsætning:", keepNext: true));
                body.Append(PlanTable(objective, o + 1, gaps));
                body.Append(Paragraph(null, objective.Goals.Count == 0 ? "Målsætningen har endnu ingen resultatmål." : ""));
            }

            var footerId = main.GetIdOfPart(footer);
            body.Append(new SectionProperties(
                new FooterReference { Type = HeaderFooterValues.Default, Id = footerId },
                new PageSize { Width = PageWidth, Height = PageHeight },
                new PageMargin { Top = Margin, Bottom = Margin, Left = (uint)Margin, Right = (uint)Margin, Header = 567, Footer = 567, Gutter = 0 }));
            main.Document = new Document(body);
        }

        return stream.ToArray();
    }

    private static Table PlanTable(Objective objective, int objectiveNumber, HashSet<(int, int)> gaps)
    {
        var table = new Table(new TableProperties(
            new TableStyle { Val = "PlanTable" },
            new TableWidth { Type = TableWidthUnitValues.Dxa, Width = ColumnWidths.Sum().ToString(CultureInfo.InvariantCulture) },
            new TableLayout { Type = TableLayoutValues.Fixed },
            new TableLook { Val = "04A0", FirstRow = true, NoHorizontalBand = true, NoVerticalBand = true }));
        table.Append(new TableGrid(ColumnWidths.Select(w => new GridColumn { Width = w.ToString(CultureInfo.InvariantCulture) })));

        var header = new TableRow(new TableRowProperties(new TableHeader(), new CantSplit()));
        for (var c = 0; c < ColumnNames.Length; c++)
        {
            header.Append(Cell(c, HeaderShade, [Paragraph("TableHeading", ColumnNames[c])]));
        }

        table.Append(header);
        for (var g = 0; g < objective.Goals.Count; g++)
        {
            var goal = objective.Goals[g];
            var gap = gaps.Contains((objectiveNumber, g + 1));
            var indicators = goal.Indicators.Select(i => Paragraph("TableText", Clean(i.Text))).ToList();
            if (gap)
            {
                indicators.Add(Paragraph(WordStyles.Mark, "Mangler indikator"));
            }

            table.Append(new TableRow(
                Cell(0, null, [goal.Number.Length > 0 ? Paragraph("TableText", Clean(goal.Number)) : Paragraph(WordStyles.Mark, "Mangler nummer")]),
                Cell(1, null, [goal.Text.Length > 0 ? Paragraph("TableText", Clean(goal.Text)) : Paragraph(WordStyles.Mark, "Mangler tekst")]),
                Cell(2, gap ? MarkShade : null, indicators),
                Cell(3, null, goal.Activities.Select(a => Paragraph("TableText", Clean(a.Text), bullet: true)).ToList())));
        }

        return table;
    }

    private static TableCell Cell(int column, string? shade, IReadOnlyList<Paragraph> paragraphs)
    {
        var properties = new TableCellProperties(new TableCellWidth { Type = TableWidthUnitValues.Dxa, Width = ColumnWidths[column].ToString(CultureInfo.InvariantCulture) });
        if (shade is not null)
        {
            properties.Append(new Shading { Val = ShadingPatternValues.Clear, Color = "auto", Fill = shade });
        }

        var cell = new TableCell(properties);
        cell.Append(paragraphs.Count > 0 ? paragraphs : [Paragraph("TableText", "")]);
        return cell;
    }

    private static Paragraph Line(string label, string value) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = "Meta" }),
            new Run(new RunProperties(new Bold()), new Text($"{label}: ") { Space = SpaceProcessingModeValues.Preserve }),
            new Run(new Text(Clean(value)) { Space = SpaceProcessingModeValues.Preserve }));

    /// <summary>A paragraph of text; a newline in the text is a line break, so it reads back as the same text.</summary>
    private static Paragraph Paragraph(string? style, string text, bool bullet = false, bool keepNext = false)
    {
        var properties = new ParagraphProperties();
        if (style is not null)
        {
            properties.Append(new ParagraphStyleId { Val = style });
        }

        if (keepNext)
        {
            properties.Append(new KeepNext());
        }

        if (bullet)
        {
            properties.Append(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = BulletList }));
        }

        var paragraph = new Paragraph(properties);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var run = new Run();
            if (i > 0)
            {
                run.Append(new Break());
            }

            run.Append(new Text(lines[i]) { Space = SpaceProcessingModeValues.Preserve });
            paragraph.Append(run);
        }

        return paragraph;
    }

    private static Footer Footer(PlanDocument plan)
    {
        var paragraph = new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "Footer" }));
        paragraph.Append(new Run(new Text($"{Clean(plan.Title)} – {plan.Committee.Code}, udgave {plan.Revision} – side ") { Space = SpaceProcessingModeValues.Preserve }));
        paragraph.Append(new SimpleField(new Run(new Text("1"))) { Instruction = " PAGE " });
        paragraph.Append(new Run(new Text(" af ") { Space = SpaceProcessingModeValues.Preserve }));
        paragraph.Append(new SimpleField(new Run(new Text("1"))) { Instruction = " NUMPAGES " });
        return new Footer(paragraph);
    }

    private static Styles Styles()
    {
        var styles = new Styles(new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                new RunFonts { Ascii = "Calibri", HighAnsi = "Calibri", ComplexScript = "Calibri", EastAsia = "Calibri" },
                new FontSize { Val = "21" },
                new Languages { Val = "da-DK" })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "80", Line = "264", LineRule = LineSpacingRuleValues.Auto }))));
        styles.Append(ParagraphStyle("Normal", "Normal", isDefault: true));
        styles.Append(ParagraphStyle("Title", "Title", basedOn: "Normal",
            paragraph: new StyleParagraphProperties(new SpacingBetweenLines { After = "200" }),
            run: new StyleRunProperties(new Bold(), new FontSize { Val = "40" }, new Color { Val = "13365E" })));
        styles.Append(ParagraphStyle("Heading1", "heading 1", basedOn: "Normal",
            paragraph: new StyleParagraphProperties(new KeepNext(), new SpacingBetweenLines { Before = "360", After = "120" }, new OutlineLevel { Val = 0 }),
            run: new StyleRunProperties(new Bold(), new FontSize { Val = "28" }, new Color { Val = "13365E" })));
        styles.Append(ParagraphStyle("Meta", "Plan facts", basedOn: "Normal",
            paragraph: new StyleParagraphProperties(new SpacingBetweenLines { After = "0" })));
        styles.Append(ParagraphStyle("TableText", "Table text", basedOn: "Normal",
            paragraph: new StyleParagraphProperties(new SpacingBetweenLines { After = "60", Line = "240", LineRule = LineSpacingRuleValues.Auto }),
            run: new StyleRunProperties(new FontSize { Val = "19" })));
        styles.Append(ParagraphStyle("TableHeading", "Table heading", basedOn: "TableText",
            run: new StyleRunProperties(new Bold())));
        styles.Append(ParagraphStyle(WordStyles.Mark, "Markering", basedOn: "TableText",
            run: new StyleRunProperties(new Bold(), new Color { Val = MarkColour })));
        styles.Append(ParagraphStyle("Footer", "footer", basedOn: "Normal",
            run: new StyleRunProperties(new FontSize { Val = "16" }, new Color { Val = "4A4A4A" })));
        styles.Append(new Style(
            new StyleName { Val = "Plan table" },
            new StyleTableProperties(
                new TableBorders(
                    new TopBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                    new LeftBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                    new BottomBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                    new RightBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                    new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4, Color = "808080" },
                    new InsideVerticalBorder { Val = BorderValues.Single, Size = 4, Color = "808080" }),
                new TableCellMarginDefault(
                    new TopMargin { Width = "40", Type = TableWidthUnitValues.Dxa },
                    new TableCellLeftMargin { Width = 80, Type = TableWidthValues.Dxa },
                    new BottomMargin { Width = "40", Type = TableWidthUnitValues.Dxa },
                    new TableCellRightMargin { Width = 80, Type = TableWidthValues.Dxa })))
        {
            Type = StyleValues.Table,
            StyleId = "PlanTable",
        });
        return styles;
    }

    private static Style ParagraphStyle(string id, string name, bool isDefault = false, string? basedOn = null,
        StyleParagraphProperties? paragraph = null, StyleRunProperties? run = null)
    {
        var style = new Style(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };
        if (isDefault)
        {
            style.Default = true;
        }

        if (basedOn is not null)
        {
            style.Append(new BasedOn { Val = basedOn });
        }

        if (paragraph is not null)
        {
            style.Append(paragraph);
        }

        if (run is not null)
        {
            style.Append(run);
        }

        return style;
    }

    private static Numbering Numbering() => new(
        new AbstractNum(
            new MultiLevelType { Val = MultiLevelValues.SingleLevel },
            new Level(
                new StartNumberingValue { Val = 1 },
                new NumberingFormat { Val = NumberFormatValues.Bullet },
                new LevelText { Val = "•" },
                new LevelJustification { Val = LevelJustificationValues.Left },
                new PreviousParagraphProperties(new Indentation { Left = "284", Hanging = "284" }))
            { LevelIndex = 0 })
        { AbstractNumberId = 1 },
        new NumberingInstance(new AbstractNumId { Val = 1 }) { NumberID = BulletList });

    private static string DanishDate(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Copenhagen).ToString("d. MMMM yyyy", Danish);

    /// <summary>Leaves out what XML cannot carry (control characters other than tab and newline, lone surrogates); a CR goes too.</summary>
    private static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (c is '\t' or '\n' || (c >= 0x20 && c < 0xD800) || (c > 0xDFFF && c < 0xFFFE))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }
}
