using System.Text.RegularExpressions;
using Approvals.Core.Plans;
using Approvals.Web.Features.Plans;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Approvals.Web.Features.Documents;

/// <summary>What a document gave for one committee: the plan in the API's input shape, and what to check.</summary>
public sealed record ImportedPlan(PlanInput Input, IReadOnlyList<ImportWarning> Warnings);

/// <summary>
/// Reads a committee's plan from a .docx: the part of the document for that committee (a heading naming it starts
/// a part, e.g. "ØU - Tabel over resultatmål …"; a document naming no committee is one plan), and in it every plan
/// table (see <see cref="PlanTableReader"/>). A table's objective is the nearest "Målsætning:" paragraph or heading
/// above it; a table with none since the previous table continues that table's objective (a table split across
/// pages). The title is the part's paragraph in the Title style, else "Handleplan: &lt;committee&gt;".
/// The file must have passed <see cref="DocxPackage.Check"/>.
/// </summary>
internal static partial class DocxPlanReader
{
    public static (ImportedPlan? Plan, DocumentProblem? Problem) Read(byte[] file, Committee committee)
    {
        using var document = WordprocessingDocument.Open(
            new MemoryStream(file, writable: false), false, new OpenSettings { MaxCharactersInPart = DocxLimits.MaxCharactersInPart });
        if (document.MainDocumentPart is not { } main)
        {
            return (null, DocumentProblem.NotDocx("an Office package without a Word document in it"));
        }

        if (main.Document?.Body is not { } body)
        {
            return (null, DocumentProblem.Damaged("its Word document has no body"));
        }

        var styles = WordStyles.Of(main);
        var numbering = WordNumbering.Of(main, styles);
        var blocks = WordText.Blocks(body).ToList();
        var tableNumbers = new Dictionary<OpenXmlElement, int>(ReferenceEqualityComparer.Instance);
        foreach (var table in blocks.OfType<Table>())
        {
            tableNumbers[table] = tableNumbers.Count + 1;
        }

        // A document holding several committees' plans is split at the headings that name them.
        var parts = new List<(Committee? Committee, List<OpenXmlElement> Blocks)> { (null, []) };
        foreach (var block in blocks)
        {
            if (block is Paragraph paragraph && CommitteeOf(paragraph, styles) is { } named)
            {
                parts.Add((named, []));
            }
            else
            {
                parts[^1].Blocks.Add(block);
            }
        }

        var namedParts = parts.Where(p => p.Committee is not null).ToList();
        List<OpenXmlElement> selected;
        if (namedParts.Count == 0)
        {
            selected = blocks;
        }
        else if (namedParts.Any(p => p.Committee == committee))
        {
            selected = namedParts.Where(p => p.Committee == committee).SelectMany(p => p.Blocks).ToList();
        }
        else
        {
            return (null, DocumentProblem.CommitteeNotInDocument(committee, namedParts.Select(p => p.Committee!).Distinct().ToList()));
        }

        var objectives = new List<ObjectiveInput>();
        var warnings = new List<ImportWarning>();
        var tables = new PlanTableReader(styles, numbering);
        string? heading = null;
        var headingSinceTable = false;
        foreach (var block in selected)
        {
            if (block is Paragraph paragraph)
            {
                if (styles.IsTitle(paragraph))
                {
                    continue;
                }

                // A title keeps a line break written in it, as goal texts do.
                var text = WordText.Of(paragraph).Trim();
                if (ObjectiveTitle(text) is { } title)
                {
                    (heading, headingSinceTable) = (title, true);
                }
                else if (text.Length > 0 && styles.IsHeading(paragraph))
                {
                    (heading, headingSinceTable) = (text, true);
                }

                continue;
            }

            var number = tableNumbers[block];
            if (tables.TryRead((Table)block, number) is not { } read)
            {
                warnings.Add(ImportWarning.TableSkipped(number));
                continue;
            }

            if (headingSinceTable || objectives.Count == 0)
            {
                objectives.Add(new ObjectiveInput(heading ?? "", []));
                headingSinceTable = false;
            }

            objectives[^1].Goals!.AddRange(read.Goals);
            warnings.AddRange(read.Warnings);
        }

        if (objectives.Count == 0)
        {
            return (null, DocumentProblem.NoPlanTable(namedParts.Count > 0 ? committee : null));
        }

        // The title is the part's own; a single-plan document may carry it above the committee line (as the export does).
        var titleParagraph = selected.OfType<Paragraph>().FirstOrDefault(p => styles.IsTitle(p) && OneLine(WordText.Of(p)).Length > 0)
            ?? (namedParts.All(p => p.Committee == committee)
                ? blocks.OfType<Paragraph>().FirstOrDefault(p => styles.IsTitle(p) && OneLine(WordText.Of(p)).Length > 0)
                : null);
        var planTitle = titleParagraph is null ? $"Handleplan: {committee.Name}" : WordText.Of(titleParagraph).Trim();
        return (new ImportedPlan(new PlanInput(committee.Code, planTitle, objectives), warnings), null);
    }

    /// <summary>
    /// The committee a paragraph outside the tables names as the start of its part: its code followed by a dash or
    /// colon ("ØU - Tabel …", "TMU:"), or a heading starting with the code or full name, or an "Udvalg:" line.
    /// </summary>
    private static Committee? CommitteeOf(Paragraph paragraph, WordStyles styles)
    {
        var text = OneLine(WordText.Of(paragraph));
        // The Title names the document (or the plan), not a part of it, whatever it starts with.
        if (text.Length is 0 or > 200 || styles.IsTitle(paragraph))
        {
            return null;
        }

        var label = CommitteeLabel().Match(text);
        var labelled = label.Success;
        if (labelled)
        {
            text = text[label.Length..];
        }

        var heading = labelled || styles.IsHeading(paragraph);
        foreach (var committee in Committee.All)
        {
            if (text.StartsWith(committee.Code, StringComparison.Ordinal) && (heading || CodeSeparator().IsMatch(text[committee.Code.Length..])) &&
                (text.Length == committee.Code.Length || !char.IsLetterOrDigit(text[committee.Code.Length])))
            {
                return committee;
            }

            if (heading && text.StartsWith(committee.Name, StringComparison.OrdinalIgnoreCase) &&
                (text.Length == committee.Name.Length || !char.IsLetterOrDigit(text[committee.Name.Length])))
            {
                return committee;
            }
        }

        return null;
    }

    /// <summary>"Målsætning: X" gives X (empty when nothing follows); "Målsætninger for …" is a title as a whole.</summary>
    private static string? ObjectiveTitle(string text)
    {
        var match = ObjectiveLine().Match(text);
        if (!match.Success)
        {
            return null;
        }

        return match.Groups["colon"].Success ? match.Groups["rest"].Value.Trim() : text;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Trim();

    [GeneratedRegex(@"^\s*udvalg\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommitteeLabel();

    [GeneratedRegex(@"^\s*([-–—:]|$)")]
    private static partial Regex CodeSeparator();

    [GeneratedRegex(@"^m(?:å|aa|a)ls(?:æ|ae)tning(?:er)?(?![\p{L}\p{N}])\s*(?:\d+\s*)?(?<colon>:)?\s*(?<rest>.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ObjectiveLine();
}
