using Approvals.Core.Plans;
using Approvals.Web.Features.Demo;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Tests.Features.Documents;

/// <summary>
/// The seed document (shared/seed: "Bilag 2", the six committees' plan tables) rebuilt as a .docx in its own layout,
/// from the transcription in seed-plans.json: a heading per committee ("ØU - Tabel over …"), "Målsætning:" paragraphs
/// (ØU, TMU, BUU, KFU) or section headings (SUD, SOU) above 4-column tables, BUU's header "N / r." on two lines,
/// SUD's Psykiatri table whose header names only three columns, bulleted activity lists, and cells merged down
/// over several goals where the transcription's notes say the source looks merged (ØU's and SUD's activities,
/// BUU's indicator and activities). List numbers the transcription dropped are in the document as the source
/// prints them: ØU goal 4's indicators typed "1)"/"2)", KFU's indicators and SOU's activities as Word lists.
/// </summary>
public static class SeedDocument
{
    public const string Heading = "Bilag 2. Oversigt over resultatmål, indikatorer og aktiviteter i de 6 udvalgs handleplaner (minus BIU)";

    public static readonly string[] Committees = ["ØU", "TMU", "BUU", "SUD", "KFU", "SOU"];

    private static readonly string[] Header = ["Nr.", "Resultatmål", "Indikator", "Aktiviteter"];

    /// <summary>Objectives introduced by a section heading rather than a "Målsætning:" paragraph.</summary>
    private static readonly HashSet<string> SectionHeadings = ["SUD", "SOU"];

    /// <summary>Committees whose goal numbers are printed with a period ("1."), and ØU which has one without.</summary>
    private static readonly HashSet<string> NumbersWithPeriod = ["TMU", "BUU", "SUD"];

    /// <summary>(committee, objective) → columns merged down from the first goal to the last (1-based goals).</summary>
    private static readonly Dictionary<(string, int), (int Column, int From, int To)[]> Merges = new()
    {
        [("ØU", 0)] = [(3, 1, 4)],
        [("BUU", 0)] = [(2, 1, 2), (3, 1, 2)],
        [("SUD", 0)] = [(3, 1, 2)],
    };

    /// <summary>Activity cells printed as a lone bullet without text (seed notes: TMU objective 3, SUD goal 10).</summary>
    private static readonly HashSet<(string, int, int)> EmptyBullet = [("TMU", 2, 0), ("SUD", 5, 0)];

    public static SeedPlan Seed(string committee) => SeedFile.Load().Plans.Single(p => p.Committee == committee);

    /// <summary>The seed document with the given committees' parts (all six by default), in the seed's order.</summary>
    public static byte[] Build(params string[] committees)
    {
        var docx = new DocxBuilder().Heading(Heading, 1);
        var bullets = docx.Bullets();
        foreach (var code in committees.Length == 0 ? Committees : committees)
        {
            var plan = Seed(code);
            docx.Heading($"{code} - Tabel over resultatmål, indikatorer og aktiviteter", 2);
            for (var o = 0; o < plan.Objectives.Count; o++)
            {
                var objective = plan.Objectives[o];
                if (SectionHeadings.Contains(code))
                {
                    docx.Heading(objective.Title, 3);
                }
                else
                {
                    docx.Paragraph(objective.Title.Length > 0 ? $"Målsætning: {objective.Title}" : "Målsætning: ");
                }

                C[] header = code == "BUU"
                    ? [C.Of("N", "r."), "Resultatmål", "Indikator", "Aktiviteter"]
                    : code == "SUD" && objective.Title == "Psykiatri"
                        ? ["Nr.", "Resultatmål", "Indikator", C.Empty]
                        : Header.Select(h => (C)h).ToArray();
                var merges = Merges.GetValueOrDefault((code, o), []);
                var rows = new List<C[]>();
                var kfuList = code == "KFU" ? docx.List((NumberFormatValues.Decimal, "%1")) : 0;
                var souList = code == "SOU" ? docx.List((NumberFormatValues.Decimal, "%1.")) : 0;
                for (var g = 0; g < objective.Goals.Count; g++)
                {
                    var goal = objective.Goals[g];
                    var number = NumbersWithPeriod.Contains(code) || (code == "ØU" && g > 0) ? goal.Number + "." : goal.Number;
                    P[] indicators = code switch
                    {
                        "ØU" when g == 3 => goal.Indicators.Select((i, n) => (P)$"{n + 1}) {i}").ToArray(),
                        "KFU" => goal.Indicators.Select(i => new P(i, kfuList)).ToArray(),
                        _ => goal.Indicators.Select(i => (P)i).ToArray(),
                    };
                    P[] activities = code switch
                    {
                        "BUU" => goal.Activities.Select(a => (P)a).ToArray(),
                        "SOU" => goal.Activities.Select(a => new P(a, souList)).ToArray(),
                        _ when EmptyBullet.Contains((code, o, g)) => [new P("", bullets)],
                        _ => goal.Activities.Select(a => new P(a, bullets)).ToArray(),
                    };
                    C[] cells = [number, goal.Text, C.Of(indicators), C.Of(activities)];
                    foreach (var (column, from, to) in merges)
                    {
                        if (g + 1 == from)
                        {
                            cells[column] = cells[column].Restart();
                        }
                        else if (g + 1 > from && g + 1 <= to)
                        {
                            cells[column] = C.Continue;
                        }
                    }

                    rows.Add(cells);
                }

                docx.Table(header, [.. rows]);
            }
        }

        return docx.Build();
    }

    /// <summary>
    /// What importing <paramref name="committee"/>'s part must give: its demo plan from seed-plans.json, with the list
    /// numbers that the transcription dropped and the document prints kept as text.
    /// </summary>
    public static PlanContent Expected(string committee)
    {
        var content = Seed(committee).ToContent();
        return new PlanContent(content.Objectives.Select((o, oi) => o with
        {
            Goals = o.Goals.Select((g, gi) => (committee, oi, gi) switch
            {
                ("ØU", 0, 3) => g with { Indicators = g.Indicators.Select((i, n) => new Indicator($"{n + 1}) {i.Text}")).ToList() },
                ("KFU", 0, 0) => g with { Indicators = g.Indicators.Select((i, n) => new Indicator($"{n + 1} {i.Text}")).ToList() },
                ("SOU", 0, 0) => g with { Activities = g.Activities.Select((a, n) => new Activity($"{n + 1}. {a.Text}")).ToList() },
                _ => g,
            }).ToList(),
        }).ToList());
    }
}
