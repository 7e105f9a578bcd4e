using System.Net.Http.Headers;
using System.Text;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Flags;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Coverage;

namespace Approvals.Tests.Features.Coverage;

/// <summary>The coverage report as CSV for Danish Excel, over a database of its own that holds only the seed.</summary>
public sealed class CoverageCsvTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    private const string Report = "/api/reports/missing-indicators";

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private async Task<HttpResponseMessage> Get(string query, string? accept = null)
    {
        var client = await app.ClientFor(Users.Coordinator);
        using var request = new HttpRequestMessage(HttpMethod.Get, Report + query);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_csv_is_utf8_with_a_bom_semicolons_crlf_and_one_line_per_flagged_goal()
    {
        var response = await Get("?format=csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("manglende-indikatorer.csv", response.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(Bom, bytes[..3]);

        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes[3..]);
        Assert.EndsWith("\r\n", text);
        Assert.DoesNotContain("\n", text.Replace("\r\n", ""));
        var lines = text.Split("\r\n")[..^1];
        Assert.Equal(1 + SeedFlagsTests.ExpectedGaps.Length, lines.Length);
        Assert.Equal("Udvalg;Plan-id;Plan;Fase;Målsætning nr.;Målsætning;Resultatmål nr.;Resultatmål;Kode;Indikator", lines[0]);
    }

    [Fact]
    public async Task Danish_letters_and_every_field_round_trip_through_the_csv()
    {
        var json = await (await Get("")).ReadOk<CoverageReportResponse>();
        var bytes = await (await Get("?format=csv")).Content.ReadAsByteArrayAsync();

        var records = Csv.Parse(Encoding.UTF8.GetString(bytes.AsSpan(3)));

        Assert.Equal(
            json.Rows.Select(r => new[] { r.Committee, r.PlanId.ToString(), r.PlanTitle, r.Stage, r.Objective.ToString(), r.ObjectiveTitle, r.GoalNumber, r.GoalText, r.Code, r.IndicatorText }),
            records.Skip(1));
        var tmu = records.Single(r => r[0] == "TMU" && r[6] == "2");
        Assert.Equal("Handleplan: Teknik- og Miljøudvalget", tmu[2]);
        Assert.Equal("Der skal være fokus på udviklingen af højrisikoafdelinger", tmu[7]);
        Assert.Equal("ØU", records[1][0]);
        Assert.Contains("æ", tmu[7]);
        Assert.Contains("ø", tmu[7]);
        Assert.Contains("å", tmu[7]);
    }

    [Theory]
    [InlineData("text/csv")]
    [InlineData("text/csv, application/json;q=0.5")]
    public async Task Accept_text_csv_gives_the_csv(string accept)
    {
        var response = await Get("", accept);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Bom, (await response.Content.ReadAsByteArrayAsync())[..3]);
    }

    [Theory]
    [InlineData("?format=json", "text/csv")]
    [InlineData("", "application/json, text/csv;q=0.5")]
    [InlineData("", "text/html, */*;q=0.8")]
    public async Task Json_is_given_unless_csv_is_asked_for_first(string query, string accept)
    {
        var response = await Get(query, accept);

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_format_is_read_ignoring_case()
    {
        var response = await Get("?format=CSV");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_filtered_csv_is_named_after_its_filters_and_holds_only_their_rows()
    {
        var response = await Get("?format=csv&committee=tmu&stage=draft");

        var records = Csv.Parse(Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync()).AsSpan(3)));

        Assert.Equal("manglende-indikatorer-tmu-draft.csv", response.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal(["TMU", "TMU", "TMU"], records.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task The_csv_filters_are_checked_too()
    {
        var response = await Get("?format=csv&committee=Nowhere");

        var problem = await response.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["committee"], problem.ErrorFields());
    }
}

/// <summary>A strict reader of the CSV dialect the report writes (RFC 4180 with semicolons), to check round trips.</summary>
internal static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(text[i++]);
                    }
                }
            }
            else if (text[i] == ';')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (text[i] == '\r' && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i += 2;
            }
            else
            {
                Assert.NotEqual('\n', text[i]);
                field.Append(text[i++]);
            }
        }

        Assert.Empty(fields);
        Assert.Equal(0, field.Length);
        return records;
    }
}
