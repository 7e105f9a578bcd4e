using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Documents;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;
using static Approvals.Tests.Features.Documents.Importer;

namespace Approvals.Tests.Features.Documents;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class DocxImportTests
{
    private static readonly Lazy<byte[]> Seed = new(() => SeedDocument.Build());
    private static readonly string[] Header = ["Nr.", "Resultatmål", "Indikator", "Aktiviteter"];

    [Theory]
    [InlineData("ØU")]
    [InlineData("TMU")]
    [InlineData("BUU")]
    [InlineData("SUD")]
    [InlineData("KFU")]
    [InlineData("SOU")]
    public async Task Each_committee_of_the_seed_document_imports_as_its_demo_plan(string code)
    {
        var committee = Committee.Find(code)!;

        var outcome = await ReadOk(Seed.Value, committee);

        Assert.Equal(Json(SeedDocument.Expected(code)), Json(outcome.Content!));
        Assert.Equal(SeedDocument.Seed(code).Title, outcome.Plan!.Input.Title);
        Assert.Equal(committee.Code, outcome.Plan.Input.Committee);
    }

    [Theory]
    [InlineData("ØU")]
    [InlineData("TMU")]
    [InlineData("SUD")]
    [InlineData("SOU")]
    public async Task An_imported_seed_plan_has_the_flags_of_its_demo_plan(string code)
    {
        var outcome = await ReadOk(Seed.Value, Committee.Find(code)!);

        var expected = PlanFlagger.Evaluate(SeedDocument.Seed(code).ToContent());
        Assert.Equal(expected.Select(f => $"{f.Code} {f.Path}"), outcome.Flags.Select(f => $"{f.Code} {f.Path}"));
        Assert.Contains(outcome.Flags, f => f.Code == FlagCodes.IndicatorMissing || f.Code == FlagCodes.IndicatorPlaceholder);
    }

    [Fact]
    public async Task A_cell_merged_over_several_goals_belongs_to_the_first_with_a_warning_naming_them()
    {
        var oeu = await ReadOk(Seed.Value, Committee.Oeu);
        var buu = await ReadOk(Seed.Value, Committee.Buu);

        var merged = Assert.Single(oeu.Plan!.Warnings);
        Assert.Equal(ImportWarningCodes.MergedCell, merged.Code);
        Assert.Equal(["1", "2", "3", "4"], merged.Goals);
        Assert.Contains("Aktiviteter", merged.MessageDa);
        Assert.Contains("resultatmål 1, 2, 3 og 4", merged.MessageDa);
        Assert.Contains("goals 1, 2, 3 and 4", merged.MessageEn);
        Assert.Equal(9, oeu.Content!.Objectives[0].Goals[0].Activities.Count);
        Assert.All(oeu.Content.Objectives[0].Goals.Skip(1), g => Assert.Empty(g.Activities));

        Assert.Equal(["Indikator 1,2", "Aktiviteter 1,2"], buu.Plan!.Warnings.Select(w => $"{(w.MessageDa.Contains("Indikator") ? "Indikator" : "Aktiviteter")} {string.Join(",", w.Goals)}"));
        Assert.Contains(buu.Flags, f => f.Code == FlagCodes.IndicatorMissing && f.GoalNumber == "2");
    }

    [Fact]
    public async Task A_fourth_column_without_a_heading_is_read_as_activities_with_a_warning()
    {
        var sud = await ReadOk(Seed.Value, Committee.Sud);

        var psychiatry = sud.Content!.Objectives.Single(o => o.Title == "Psykiatri").Goals.Single();
        Assert.Single(psychiatry.Activities);
        var unnamed = Assert.Single(sud.Plan!.Warnings, w => w.Code == ImportWarningCodes.ColumnUnnamed);
        Assert.Equal(10, unnamed.Table); // numbered over the whole document: ØU 1, TMU 2-4, BUU 5, SUD 6-11
    }

    [Fact]
    public async Task A_document_without_the_committees_part_says_which_committees_it_holds()
    {
        var outcome = await Read(Seed.Value, Committee.Biu);

        Assert.Equal(DocumentProblemKind.CommitteeNotInDocument, outcome.Problem?.Kind);
        Assert.Equal(SeedDocument.Committees, outcome.Problem!.Committees);
        Assert.Equal("committee", outcome.Problem.Field);
        Assert.Contains("none for BIU", outcome.Problem.Message);
    }

    [Fact]
    public async Task A_file_with_two_committees_gives_each_its_own_plan()
    {
        var docx = SeedDocument.Build("TMU", "KFU");

        var tmu = await ReadOk(docx, Committee.Tmu);
        var kfu = await ReadOk(docx, Committee.Kfu);
        var sou = await Read(docx, Committee.Sou);

        Assert.Equal(Json(SeedDocument.Expected("TMU")), Json(tmu.Content!));
        Assert.Equal(Json(SeedDocument.Expected("KFU")), Json(kfu.Content!));
        Assert.Equal(["TMU", "KFU"], sou.Problem!.Committees);
    }

    [Fact]
    public async Task A_three_column_table_gives_goals_without_activities()
    {
        var docx = new DocxBuilder()
            .Paragraph("Målsætning: Færre ensomme ældre")
            .Table(["Nr.", "Resultatmål", "Indikator"],
                ["1", "Flere ældre deltager i fællesskaber", C.Of("Andelen, der deltager, stiger med 5 %", "Antallet af besøgsvenner fordobles")],
                ["2", "Færre ældre føler sig ensomme", ""])
            .Build();

        var outcome = await ReadOk(docx, Committee.Sou);

        Assert.Equal(Json(Content(new Objective("Færre ensomme ældre",
        [
            Goal("1", "Flere ældre deltager i fællesskaber", ["Andelen, der deltager, stiger med 5 %", "Antallet af besøgsvenner fordobles"]),
            Goal("2", "Færre ældre føler sig ensomme", []),
        ]))), Json(outcome.Content!));
        Assert.Empty(outcome.Plan!.Warnings);
        Assert.Equal([FlagCodes.IndicatorMissing], outcome.Flags.Select(f => f.Code));
    }

    [Theory]
    [InlineData("NR", "Resultat mål", "Indikatorer", "Aktivitet")]
    [InlineData("nr", "RESULTATMÅL", " indikator ", "aktiviteter")]
    [InlineData("Nr", "Resultatmaal", "Indiaktor", "Aktivitter")]
    [InlineData("Nummer", "Resultat-mål", "Indikator/Indikatorer", "Aktiviteter:")]
    [InlineData("  Nr.  ", "Resultatmal", "Indikatorer ", "  Aktivitet/Aktiviteter")]
    public async Task Header_spellings_case_and_spaces_are_tolerated(string number, string goal, string indicator, string activities)
    {
        var docx = new DocxBuilder()
            .Table([number, goal, indicator, activities], ["1.", "Et mål", "Andelen stiger", "En aktivitet"])
            .Build();

        var outcome = await ReadOk(docx, Committee.Kfu);

        var read = outcome.Content!.Goals.Single();
        Assert.Equal(("1", "Et mål", "Andelen stiger", "En aktivitet"), (read.Number, read.Text, read.Indicators.Single().Text, read.Activities.Single().Text));
    }

    [Fact]
    public async Task A_table_that_is_not_a_plan_table_is_skipped_with_a_warning_and_a_document_without_one_is_refused()
    {
        var other = new[] { "Dato", "Emne", "Ansvarlig" };
        var withPlan = new DocxBuilder()
            .Table(other, ["1/1", "Møde", "Anna"])
            .Table(Header, ["1", "Et mål", "Andelen stiger", "En aktivitet"])
            .Build();
        var without = new DocxBuilder().Paragraph("Målsætning: Noget").Table(other, ["1/1", "Møde", "Anna"]).Build();

        var read = await ReadOk(withPlan, Committee.Kfu);
        var refused = await Read(without, Committee.Kfu);

        var skipped = Assert.Single(read.Plan!.Warnings);
        Assert.Equal((ImportWarningCodes.TableSkipped, 1), (skipped.Code, skipped.Table));
        Assert.Equal(DocumentProblemKind.NoPlanTable, refused.Problem?.Kind);
        Assert.Contains("Nr., Resultatmål and Indikator", refused.Problem!.Message);
    }

    [Fact]
    public async Task Word_list_numbering_is_read_as_text_and_bullets_are_not()
    {
        var docx = new DocxBuilder();
        var decimals = docx.List((NumberFormatValues.Decimal, "%1."));
        var letters = docx.List((NumberFormatValues.LowerLetter, "%1)"));
        var outline = docx.List((NumberFormatValues.Decimal, "%1."), (NumberFormatValues.Decimal, "%1.%2"));
        var roman = docx.List(4, (NumberFormatValues.UpperRoman, "%1"));
        var bullets = docx.Bullets();
        var goalNumbers = docx.List((NumberFormatValues.Decimal, "%1."));
        docx.Table(Header,
            [C.Of(new P("", goalNumbers)), "Første mål", C.Of(new P("Andelen stiger", decimals), new P("Antallet falder", decimals)), C.Of(new P("Kampagne", letters), new P("Kursus", letters))],
            [C.Of(new P("", goalNumbers)), "Andet mål", C.Of(new P("Flere deltager", decimals)), C.Of(new P("Hovedspor", outline), new P("Delspor", outline, 1), new P("Delspor igen", outline, 1), new P("Næste spor", outline))],
            [C.Of(new P("", goalNumbers)), "Tredje mål", C.Of(new P("Færre venter", docx.Restart(decimals))), C.Of(new P("Punkt", bullets), new P("Fjerde", roman), new P("Femte", roman))]);

        var outcome = await ReadOk(docx.Build(), Committee.Kfu);

        var goals = outcome.Content!.Goals.ToList();
        Assert.Equal(["1", "2", "3"], goals.Select(g => g.Number));
        Assert.Equal(["1. Andelen stiger", "2. Antallet falder"], goals[0].Indicators.Select(i => i.Text));
        Assert.Equal(["a) Kampagne", "b) Kursus"], goals[0].Activities.Select(a => a.Text));
        Assert.Equal(["3. Flere deltager"], goals[1].Indicators.Select(i => i.Text)); // the list runs on from the cell above
        Assert.Equal(["1. Hovedspor", "1.1 Delspor", "1.2 Delspor igen", "2. Næste spor"], goals[1].Activities.Select(a => a.Text));
        Assert.Equal(["1. Færre venter"], goals[2].Indicators.Select(i => i.Text)); // restarted (w:startOverride)
        Assert.Equal(["Punkt", "IV Fjerde", "V Femte"], goals[2].Activities.Select(a => a.Text));
    }

    [Fact]
    public async Task Typed_numbers_and_letters_stay_with_the_text()
    {
        var docx = new DocxBuilder()
            .Table(Header, ["1)", "Mål", C.Of("1. Andelen stiger", "2) Antallet falder"), C.Of("a) Kampagne", "b) Kursus", "- Møde")])
            .Build();

        var goal = (await ReadOk(docx, Committee.Kfu)).Content!.Goals.Single();

        Assert.Equal("1)", goal.Number);
        Assert.Equal(["1. Andelen stiger", "2) Antallet falder"], goal.Indicators.Select(i => i.Text));
        Assert.Equal(["a) Kampagne", "b) Kursus", "- Møde"], goal.Activities.Select(a => a.Text));
    }

    [Fact]
    public async Task Placeholders_and_empty_cells_are_kept_as_written_so_the_flags_show_them()
    {
        var docx = new DocxBuilder()
            .Table(Header,
                ["1", "Første", "??????", "-"],
                ["2", "Andet", "Ingen", ""],
                ["3", "Tredje", "-", "Aktivitet"],
                ["4", "Fjerde", "", ""],
                ["", "", "Andelen stiger med 5 %", ""])
            .Build();

        var outcome = await ReadOk(docx, Committee.Tmu);

        var goals = outcome.Content!.Goals.ToList();
        Assert.Equal(["??????", "Ingen", "-"], goals.Take(3).Select(g => g.Indicators.Single().Text));
        Assert.Equal("-", goals[0].Activities.Single().Text);
        Assert.Equal(["Andelen stiger med 5 %"], goals[3].Indicators.Select(i => i.Text));
        Assert.Equal(
            [$"{FlagCodes.IndicatorPlaceholder} 1", $"{FlagCodes.IndicatorPlaceholder} 2", $"{FlagCodes.IndicatorPlaceholder} 3"],
            outcome.Flags.Select(f => $"{f.Code} {f.GoalNumber}"));
        var continued = Assert.Single(outcome.Plan!.Warnings);
        Assert.Equal((ImportWarningCodes.RowContinuesGoal, "4"), (continued.Code, continued.Goals.Single()));
    }

    [Fact]
    public async Task A_merged_indicator_cell_leaves_the_later_goals_without_one_and_flagged()
    {
        var docx = new DocxBuilder()
            .Table(Header,
                ["1", "Første", C.Of("Andelen stiger med 5 %").Restart(), "A"],
                ["2", "Andet", C.Continue, "B"],
                ["3", "Tredje", C.Continue, "C"],
                ["4", "Fjerde", "Antallet falder", "D"])
            .Build();

        var outcome = await ReadOk(docx, Committee.Tmu);

        Assert.Equal([1, 0, 0, 1], outcome.Content!.Goals.Select(g => g.Indicators.Count));
        Assert.Equal(["2", "3"], outcome.Flags.Where(f => f.Code == FlagCodes.IndicatorMissing).Select(f => f.GoalNumber!));
        var merged = Assert.Single(outcome.Plan!.Warnings);
        Assert.Equal(["1", "2", "3"], merged.Goals);
        Assert.Contains("Indikator", merged.MessageEn);
    }

    [Fact]
    public async Task Rows_whose_number_and_goal_are_merged_with_the_row_above_add_to_that_goal()
    {
        var docx = new DocxBuilder()
            .Table(Header,
                [C.Of("1").Restart(), C.Of("Et mål over to rækker").Restart(), "Andelen stiger", "Kampagne"],
                [C.Continue, C.Continue, "Antallet falder", "Kursus"],
                ["2", "Andet mål", "Flere deltager", ""])
            .Build();

        var outcome = await ReadOk(docx, Committee.Tmu);

        var goals = outcome.Content!.Goals.ToList();
        Assert.Equal(2, goals.Count);
        Assert.Equal(["Andelen stiger", "Antallet falder"], goals[0].Indicators.Select(i => i.Text));
        Assert.Equal(["Kampagne", "Kursus"], goals[0].Activities.Select(a => a.Text));
        Assert.Empty(outcome.Plan!.Warnings);
    }

    [Fact]
    public async Task Objectives_come_from_the_nearest_heading_or_Maalsaetning_paragraph_and_a_split_table_continues_its_objective()
    {
        var docx = new DocxBuilder()
            .Heading("Handleplan 2027 for Kultur- og Fritidsudvalget", 1)
            .Paragraph("Indledende tekst, som ikke er en målsætning.")
            .Paragraph("Målsætning: Flere bruger kulturlivet")
            .Table(Header, ["1", "Første", "Andelen stiger", ""])
            .Table(Header, ["2", "Andet (tabellen fortsætter på næste side)", "Antallet stiger", ""])
            .Heading("Idræt for alle", 2)
            .Paragraph("Lidt forklaring under overskriften.")
            .Table(Header, ["3", "Tredje", "Flere er medlem", ""])
            .Paragraph("Målsætninger for foreningslivet")
            .Paragraph("MÅLSÆTNING:")
            .Table(Header, ["4", "Fjerde", "Flere foreninger", ""])
            .Build();

        var outcome = await ReadOk(docx, Committee.Kfu);

        Assert.Equal(["Flere bruger kulturlivet", "Idræt for alle", ""], outcome.Content!.Objectives.Select(o => o.Title));
        Assert.Equal([2, 1, 1], outcome.Content.Objectives.Select(o => o.Goals.Count));
    }

    [Fact]
    public async Task The_title_is_the_parts_Title_paragraph_or_the_committees_plan()
    {
        var titled = new DocxBuilder().Title("Handleplan 2027: Kultur og fritid").Table(Header, ["1", "Mål", "Andelen stiger", ""]).Build();
        var untitled = new DocxBuilder().Table(Header, ["1", "Mål", "Andelen stiger", ""]).Build();

        Assert.Equal("Handleplan 2027: Kultur og fritid", (await ReadOk(titled, Committee.Kfu)).Plan!.Input.Title);
        Assert.Equal("Handleplan: Kultur- og Fritidsudvalget", (await ReadOk(untitled, Committee.Kfu)).Plan!.Input.Title);
    }

    [Fact]
    public async Task Deleted_and_hidden_text_is_not_read_and_a_line_break_is_kept()
    {
        var indicator = new Paragraph(
            new Run(new Text("Andelen ") { Space = SpaceProcessingModeValues.Preserve }),
            new DeletedRun(new Run(new DeletedText("falder "))),
            new InsertedRun(new Run(new Text("stiger ") { Space = SpaceProcessingModeValues.Preserve })),
            new Run(new RunProperties(new Vanish()), new Text("skjult ")),
            new Run(new FieldCode(" PAGE ")),
            new Run(new Text("med 5 %"), new Break(), new Text("frem mod 2030")));
        var docx = new DocxBuilder().Table(Header, ["1", "Mål", C.OfRaw(indicator), ""]).Build();

        var goal = (await ReadOk(docx, Committee.Kfu)).Content!.Goals.Single();

        Assert.Equal("Andelen stiger med 5 %\nfrem mod 2030", goal.Indicators.Single().Text);
    }

    [Fact]
    public async Task A_document_that_breaks_the_plan_limits_is_refused_by_the_APIs_input_rules()
    {
        var docx = new DocxBuilder()
            .Table(Header, ["1", new string('x', 4001), "Andelen stiger", ""])
            .Build();

        var outcome = await Read(docx, Committee.Kfu);

        Assert.False(outcome.Succeeded);
        var failure = Assert.Single(outcome.Failures);
        Assert.Equal("Objectives[0].Goals[0].Text", failure.PropertyName);
    }
}
