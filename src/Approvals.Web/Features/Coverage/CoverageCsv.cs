using System.Text;
using Microsoft.Net.Http.Headers;

namespace Approvals.Web.Features.Coverage;

/// <summary>
/// The report's rows as a CSV file that Danish Excel opens as it is: UTF-8 with a byte order mark (without
/// it Excel reads the file as Windows-1252 and breaks æ, ø and å), semicolons (Danish Excel's list
/// separator, since the comma is the decimal mark), CRLF line ends, and a header row.
/// </summary>
public sealed class CoverageCsv(IAsyncEnumerable<PlanFlagColumns> plans, string fileName) : IResult
{
    public const string ContentType = "text/csv";

    public static readonly string[] Header =
        ["Udvalg", "Plan-id", "Plan", "Fase", "Målsætning nr.", "Målsætning", "Resultatmål nr.", "Resultatmål", "Kode", "Indikator"];

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The report as a file named for its filters, e.g. <c>manglende-indikatorer-sou-draft.csv</c>.</summary>
    public static CoverageCsv For(Approvals.Persistence.ApprovalsDbContext db, Approvals.Core.Plans.Committee? committee, string? stage) =>
        new(CoverageReport.Plans(db, committee, stage),
            string.Join('-', new[] { "manglende-indikatorer", committee?.Slug, Approvals.Core.TextRules.Identifier(stage) }.Where(s => s is not null)) + ".csv");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = $"{ContentType}; charset=utf-8";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();

        await using var writer = new StreamWriter(response.Body, Utf8NoBom, bufferSize: 64 * 1024, leaveOpen: true);
        await Write(writer, plans, httpContext.RequestAborted);
    }

    /// <summary>Writes the file, BOM first. Rows are gathered in blocks so the writer is only ever written asynchronously.</summary>
    public static async Task Write(TextWriter writer, IAsyncEnumerable<PlanFlagColumns> plans, CancellationToken cancel)
    {
        var block = new StringBuilder(64 * 1024);
        block.Append('\uFEFF');
        AppendLine(block, Header);
        await foreach (var plan in plans.WithCancellation(cancel))
        {
            if (plan.FlaggedGoalCount == 0)
            {
                continue;
            }

            var planId = plan.Id.ToString();
            foreach (var g in CoverageReport.FlaggedGoalsOf(plan))
            {
                AppendLine(block,
                [
                    plan.CommitteeCode, planId, plan.Title, plan.Stage, g.Objective.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    g.ObjectiveTitle, g.GoalNumber, g.GoalText, g.Code, g.IndicatorText,
                ]);
            }

            if (block.Length > 32 * 1024)
            {
                await writer.WriteAsync(block, cancel);
                block.Clear();
            }
        }

        await writer.WriteAsync(block, cancel);
        await writer.FlushAsync(cancel);
    }

    /// <summary>One row in the file's form (separators, quoting, formula guard, CRLF); other reports' CSV files use it too.</summary>
    public static void AppendLine(StringBuilder line, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append(';');
            }

            AppendField(line, fields[i]);
        }

        line.Append("\r\n");
    }

    /// <summary>
    /// Quotes a field that holds a separator, a quote, a line break or surrounding spaces, doubling its quotes.
    /// A field Excel would read as a formula (=, +, @, a tab, or a dash followed by more than filler) gets a
    /// leading apostrophe, so text typed into a plan can never run as a formula on a coordinator's machine.
    /// </summary>
    private static void AppendField(StringBuilder line, string value)
    {
        if (LooksLikeFormula(value))
        {
            value = "'" + value;
        }

        var quote = value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.AsSpan().IndexOfAny(";\"\r\n") >= 0);
        if (!quote)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static bool LooksLikeFormula(string value) =>
        value.Length > 0 && value[0] switch
        {
            '=' or '+' or '@' or '\t' or '\r' => true,
            '-' => value.AsSpan(1).TrimStart(" -‐‑‒–—―.?xX").Length > 0,
            _ => false,
        };
}
