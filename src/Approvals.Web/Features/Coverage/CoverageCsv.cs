using System.Reflection;
using System.Text;
using Approvals.Core.Plans;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Approvals.Web.Features.Coverage;

/// <summary>
/// The report's rows as a CSV file that Danish Excel opens as it is: UTF-8 with a byte order mark (without
/// it Excel reads the file as Windows-1252 and breaks æ, ø and å), semicolons (Danish Excel's list
/// separator, since the comma is the decimal mark), CRLF line ends, and a header row.
/// </summary>
public sealed class CoverageCsv(IReadOnlyList<MissingIndicatorRow> rows, string fileName) : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/csv";

    public static readonly string[] Header =
        ["Udvalg", "Plan-id", "Plan", "Fase", "Målsætning nr.", "Målsætning", "Resultatmål nr.", "Resultatmål", "Kode", "Indikator"];

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public IReadOnlyList<MissingIndicatorRow> Rows => rows;

    /// <summary>The report as a file named for its filters, e.g. <c>manglende-indikatorer-sou-draft.csv</c>.</summary>
    public static CoverageCsv For(CoverageReportResponse report, Committee? committee, string? stage) =>
        new(report.Rows, string.Join('-', new[] { "manglende-indikatorer", committee?.Slug, stage }.Where(s => s is not null)) + ".csv");

    public string FileName => fileName;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = $"{ContentType}; charset=utf-8";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();

        await using var writer = new StreamWriter(response.Body, Utf8NoBom, bufferSize: 64 * 1024, leaveOpen: true);
        await Write(writer, rows);
    }

    /// <summary>Writes the file, BOM first. Rows are gathered in blocks so the writer is only ever written asynchronously.</summary>
    public static async Task Write(TextWriter writer, IEnumerable<MissingIndicatorRow> rows)
    {
        var block = new StringBuilder(64 * 1024);
        block.Append('\uFEFF');
        AppendLine(block, Header);
        foreach (var r in rows)
        {
            AppendLine(block,
            [
                r.Committee, r.PlanId.ToString(), r.PlanTitle, r.Stage, r.Objective.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.ObjectiveTitle, r.GoalNumber, r.GoalText, r.Code, r.IndicatorText,
            ]);
            if (block.Length > 32 * 1024)
            {
                await writer.WriteAsync(block);
                block.Clear();
            }
        }

        await writer.WriteAsync(block);
        await writer.FlushAsync();
    }

    private static void AppendLine(StringBuilder line, IReadOnlyList<string> fields)
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

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [ContentType]));
}
