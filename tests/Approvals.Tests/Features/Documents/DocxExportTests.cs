using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Documents;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using static Approvals.Tests.Features.Documents.Importer;

namespace Approvals.Tests.Features.Documents;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class DocxExportTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);

    private static PlanDocument Document(string title, Committee committee, PlanContent content, int revision = 1, int current = 1, DateTime? date = null) =>
        new(title, committee, "Kladde", revision, current, date ?? Now, content);

    [Theory]
    [InlineData("ØU")]
    [InlineData("TMU")]
    [InlineData("BUU")]
    [InlineData("SUD")]
    [InlineData("KFU")]
    [InlineData("SOU")]
    public async Task Exporting_a_seed_plan_and_importing_the_file_gives_the_same_plan(string code)
    {
        var seed = SeedDocument.Seed(code);
        var committee = Committee.Find(code)!;
        var docx = DocxPlanWriter.Write(Document(seed.Title, committee, seed.ToContent()), Now);

        var outcome = await ReadOk(docx, committee);

        Assert.Equal(Json(seed.ToContent()), Json(outcome.Content!));
        Assert.Equal(seed.Title, outcome.Plan!.Input.Title);
        Assert.Empty(outcome.Plan.Warnings);
    }

    [Fact]
    public async Task Text_that_looks_like_markup_numbering_or_placeholders_survives_the_round_trip()
    {
        var content = Content(
            new Objective("Målsætninger for <udsatte> & \"sårbare\"",
            [
                Goal("1", "Første linje\nanden linje", ["1. Andelen skal stige med 5 %", "??????", "a) Ingen"], ["- Møde", "• Kampagne", "Æble 🍎 <b>fed</b>"]),
                Goal("", "", [], []),
                Goal("2a", "Mål uden indikator", [], ["Aktivitet\nmed to linjer"]),
            ]),
            new Objective("", []),
            new Objective("Målsætning: står der allerede", [Goal("1", "Mål", ["Antallet falder"], [])]),
            new Objective("En titel\npå to linjer", [Goal("1", "Mål", ["Antallet falder"], [])]));
        // A title starting with another committee's code is still the title, not that committee's part.
        var docx = DocxPlanWriter.Write(Document("TMU - fælles plan <med> \"tegn\" & mere\nog en linje til", Committee.Sou, content), Now);

        var outcome = await ReadOk(docx, Committee.Sou);

        Assert.Equal(Json(content), Json(outcome.Content!));
        Assert.Equal("TMU - fælles plan <med> \"tegn\" & mere\nog en linje til", outcome.Plan!.Input.Title);
    }

    [Fact]
    public void The_document_states_the_plans_facts_and_marks_each_goal_without_a_real_indicator()
    {
        var seed = SeedDocument.Seed("TMU");
        var content = seed.ToContent();
        // 23:30 UTC on 30 November is 1 December in Copenhagen.
        var docx = DocxPlanWriter.Write(
            new PlanDocument(seed.Title, Committee.Tmu, "Administrativ behandling", 2, 2, new DateTime(2026, 11, 30, 23, 30, 0, DateTimeKind.Utc), content), Now);

        using var document = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var body = document.MainDocumentPart!.Document!.Body!;
        var paragraphs = body.Elements<Paragraph>().Select(p => (Style: p.ParagraphProperties?.ParagraphStyleId?.Val?.Value, Text: p.InnerText)).ToList();
        Assert.Equal(("Title", seed.Title), paragraphs[0]);
        Assert.Equal(
            ["Udvalg: Teknik- og Miljøudvalget (TMU)", "Fase: Administrativ behandling", "Udgave: 2", "Dato: 1. december 2026"],
            paragraphs.Skip(1).Take(4).Select(p => p.Text));
        Assert.Equal(content.Objectives.Select(o => $"Målsætning: {o.Title}"), paragraphs.Where(p => p.Style == "Heading1").Select(p => p.Text));

        var tables = body.Elements<Table>().ToList();
        Assert.Equal(content.Objectives.Count, tables.Count);
        Assert.All(tables, t =>
        {
            var header = t.Elements<TableRow>().First();
            Assert.NotNull(header.TableRowProperties?.GetFirstChild<TableHeader>());
            Assert.Equal(["Nr.", "Resultatmål", "Indikator", "Aktiviteter"], header.Elements<TableCell>().Select(c => c.InnerText));
        });

        var flagged = PlanFlagger.Evaluate(content).Count(f => f.IsIndicatorGap);
        var marks = body.Descendants<Paragraph>().Where(p => p.ParagraphProperties?.ParagraphStyleId?.Val?.Value == "ApprovalsMarkering").ToList();
        Assert.Equal(flagged, marks.Count);
        Assert.All(marks, m => Assert.Equal("Mangler indikator", m.InnerText));
        Assert.Contains(paragraphs, p => p.Text == $"Resultatmål: {content.Goals.Count()}. Uden en rigtig indikator: {flagged}.");

        var page = body.GetFirstChild<SectionProperties>()!.GetFirstChild<PageSize>()!;
        Assert.Equal((11906u, 16838u), (page.Width!.Value, page.Height!.Value)); // A4
        Assert.Equal(seed.Title, document.PackageProperties.Title);
    }

    [Fact]
    public void An_older_revision_says_which_revision_is_current()
    {
        var docx = DocxPlanWriter.Write(Document("Plan", Committee.Kfu, Content(), revision: 1, current: 3), Now);

        using var document = WordprocessingDocument.Open(new MemoryStream(docx), false);
        Assert.Contains(document.MainDocumentPart!.Document!.Body!.Elements<Paragraph>(), p => p.InnerText == "Udgave: 1 (planens nuværende udgave er 3)");
    }

    [Theory]
    [InlineData("ØU", "Handleplan: Økonomiudvalget", null, "ØU - Handleplan Økonomiudvalget.docx", "OEU - Handleplan Oekonomiudvalget.docx")]
    [InlineData("SOU", "Plan 2027/28: \"Sundhed\" <for> alle?", 2, "SOU - Plan 2027 28 Sundhed for alle - udgave 2.docx", "SOU - Plan 2027 28 Sundhed for alle - udgave 2.docx")]
    [InlineData("KFU", "Kultur...  ", null, "KFU - Kultur.docx", "KFU - Kultur.docx")]
    [InlineData("BUU", "Børn\u0007 og unge – Åbne café", null, "BUU - Børn og unge – Åbne café.docx", "BUU - Boern og unge _ Aabne cafe.docx")]
    public void The_download_name_is_safe_and_names_committee_and_plan(string code, string title, int? revision, string expected, string ascii)
    {
        var name = DocumentFileName.For(code, title, revision);

        Assert.Equal(expected, name);
        Assert.Equal(ascii, DocumentFileName.Ascii(name));
    }

    [Fact]
    public void A_long_title_gives_a_bounded_name_and_the_header_carries_both_forms()
    {
        var name = DocumentFileName.For("TMU", new string('æ', 500), null);
        var header = DocumentFileName.Disposition("ØU - Plan.docx");

        Assert.True(name.Length <= 125, name);
        Assert.EndsWith(".docx", name);
        Assert.Equal("attachment; filename=\"OEU - Plan.docx\"; filename*=UTF-8''%C3%98U%20-%20Plan.docx", header);
    }
}
