using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Flags;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Coverage;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Coverage;

/// <summary>GET /api/reports/missing-indicators over a database of its own that holds only the seed.</summary>
public sealed class CoverageReportTests(ApprovalsApp app) : IClassFixture<ApprovalsApp>
{
    private const string Report = "/api/reports/missing-indicators";

    private async Task<CoverageReportResponse> Get(string query = "", string email = Users.Coordinator) =>
        await (await (await app.ClientFor(email)).GetAsync(Report + query)).ReadOk<CoverageReportResponse>();

    [Fact]
    public async Task Every_goal_flagged_in_the_seed_is_reported_and_no_goal_with_a_real_indicator_is()
    {
        var report = await Get();

        Assert.Equal(
            SeedFlagsTests.ExpectedGaps,
            report.Rows.Select(r => (r.Committee, r.Objective, r.GoalNumber, r.Code)));
    }

    [Fact]
    public async Task The_whole_report_reads_the_plans_in_the_order_of_its_index_instead_of_sorting_them()
    {
        // Sorting the rows with their stored goals was most of the report's database time at 10,000 plans.
        var plan = await app.ExplainAsync(db => CoverageReport.Query(db, null, null).ToQueryString());

        Assert.True(QueryPlans.ReadsInOrderOf(plan, CoverageOrder.IndexName), plan);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?committee=SUD")]
    [InlineData("?stage=draft")]
    [InlineData("?committee=TMU&stage=draft")]
    public async Task The_json_report_has_exactly_the_rows_and_totals_the_coordinator_page_and_the_csv_read(string query)
    {
        var report = await Get(query);
        var filters = System.Web.HttpUtility.ParseQueryString(query);
        var committee = Committee.Find(filters["committee"]);

        var (rows, totals) = await app.WithDb(async db =>
        {
            var totals = new CoverageTotals(committee);
            var rows = new List<MissingIndicatorRow>();
            await foreach (var plan in CoverageReport.Plans(db, committee, filters["stage"]))
            {
                totals.Add(plan);
                rows.AddRange(CoverageReport.FlaggedGoalsOf(plan).Select(g => CoverageReport.RowOf(plan, g)));
            }

            return (rows, totals.Summary());
        });

        Assert.NotEmpty(rows);
        Assert.Equal(rows, report.Rows);
        Assert.Equal(totals, report.Summary);
    }

    [Fact]
    public async Task A_row_names_the_plan_the_goal_and_what_stands_in_for_its_indicator()
    {
        var report = await Get();
        var plans = await (await app.ClientFor(Users.Coordinator)).AllPlans("");

        var sou = report.Rows.Single(r => r.Committee == "SOU");
        Assert.Equal(plans!.Single(p => p.Committee == "SOU").Id, sou.PlanId);
        Assert.Equal("Handleplan: Sundheds- og Omsorgsudvalget", sou.PlanTitle);
        Assert.Equal(Stages.Draft, sou.Stage);
        Assert.Equal("Lighed i Sundhed", sou.ObjectiveTitle);
        Assert.StartsWith("Sundheden blandt københavnere med etnisk minoritetsbaggrund", sou.GoalText);
        Assert.Equal("indicator-placeholder", sou.Code);
        Assert.Equal("??????", sou.IndicatorText);

        Assert.Equal("Ingen", report.Rows.Single(r => r.Committee == "TMU" && r.Objective == 2).IndicatorText);
        Assert.Equal("", report.Rows.Single(r => r.Committee == "ØU").IndicatorText);
        var sud8 = report.Rows.Single(r => r.Committee == "SUD" && r.GoalNumber == "8");
        Assert.Equal((4, "Kvinder med etnisk minoritetsbaggrund", 2), (sud8.Objective, sud8.ObjectiveTitle, sud8.Goal));
    }

    [Fact]
    public async Task A_json_row_has_exactly_the_documented_fields()
    {
        var client = await app.ClientFor(Users.Coordinator);

        using var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(Report + "?committee=SOU"));

        Assert.Equal(["rows", "summary"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(
            ["committee", "planId", "planTitle", "stage", "objective", "objectiveTitle", "goal", "goalNumber", "goalText", "code", "indicatorText"],
            row.EnumerateObject().Select(p => p.Name));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, row.GetProperty("objective").ValueKind);
        Assert.Equal("Sundheds- og Omsorgsudvalget", json.RootElement.GetProperty("summary")[0].GetProperty("committeeName").GetString());
    }

    [Theory]
    [InlineData("ØU", "Økonomiudvalget", 4, 1, 0.75)]
    [InlineData("TMU", "Teknik- og Miljøudvalget", 4, 3, 0.25)]
    [InlineData("BUU", "Børne- og Ungdomsudvalget", 2, 1, 0.5)]
    [InlineData("SUD", "Socialudvalget", 11, 2, 0.8182)]
    [InlineData("KFU", "Kultur- og Fritidsudvalget", 1, 0, 1.0)]
    [InlineData("SOU", "Sundheds- og Omsorgsudvalget", 1, 1, 0.0)]
    public async Task The_summary_counts_each_committees_goals_and_the_share_covered(
        string committee, string name, int goals, int flagged, double share)
    {
        var report = await Get();

        Assert.Equal(new CommitteeCoverage(committee, name, goals, flagged, share), report.Summary.Single(s => s.Committee == committee));
    }

    [Fact]
    public async Task The_summary_lists_every_committee_in_council_order_and_a_committee_without_goals_has_no_share()
    {
        var report = await Get();

        Assert.Equal(Committee.All.Select(c => c.Code), report.Summary.Select(s => s.Committee));
        Assert.Equal(new CommitteeCoverage("BIU", "Beskæftigelses- og Integrationsudvalget", 0, 0, null), report.Summary.Last());
    }

    [Theory]
    [InlineData("?committee=%C3%98U")]
    [InlineData("?committee=oeu")]
    [InlineData("?committee=%C3%B8u")]
    [InlineData("?committee=OEU&stage=draft")]
    public async Task Filtering_by_committee_code_or_slug_keeps_that_committee_only(string query)
    {
        var report = await Get(query);

        Assert.Equal([("ØU", "3")], report.Rows.Select(r => (r.Committee, r.GoalNumber)));
        Assert.Equal(["ØU"], report.Summary.Select(s => s.Committee));
    }

    [Fact]
    public async Task Filtering_by_a_stage_no_plan_is_in_gives_an_empty_report()
    {
        var report = await Get("?stage=adopted");

        Assert.Empty(report.Rows);
        Assert.All(report.Summary, s => Assert.Equal((0, 0, (double?)null), (s.Goals, s.GoalsFlagged, s.ShareCovered)));
    }

    [Fact]
    public async Task Filtering_by_the_stage_the_seed_is_in_keeps_every_row()
    {
        Assert.Equal(SeedFlagsTests.ExpectedGaps.Length, (await Get("?stage=draft")).Rows.Count);
    }

    [Theory]
    [InlineData("?committee=XYZ", "committee", "ØU, TMU, BUU")]
    [InlineData("?committee=", "committee", "ØU, TMU, BUU")]
    [InlineData("?stage=approved", "stage", "draft, administrative-review")]
    [InlineData("?stage=Draft", "stage", "draft, administrative-review")]
    [InlineData("?committee=oeu&stage=nowhere", "stage", "draft, administrative-review")]
    [InlineData("?format=xlsx", "format", "csv")]
    public async Task An_unknown_filter_value_is_a_400_naming_the_field_and_the_valid_values(string query, string field, string valid)
    {
        var client = await app.ClientFor(Users.Coordinator);

        var problem = await (await client.GetAsync(Report + query)).AssertProblem(HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.ErrorFields());
        Assert.Contains(valid, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_secretary_gets_403()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Sou));

        var response = await client.GetAsync(Report);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Report)).StatusCode);
    }

    [Theory]
    [InlineData(Users.Coordinator)]
    [InlineData(Users.Administrator)]
    [InlineData(Users.AdministrativeReviewer)]
    [InlineData(Users.CouncilApprover)]
    [InlineData("udvalg.tmu@approvals.local")]
    public async Task Coordinators_administrators_and_reviewers_read_the_report(string email)
    {
        var report = await Get(email: email);

        Assert.Equal(SeedFlagsTests.ExpectedGaps.Length, report.Rows.Count);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_report_and_the_validation_endpoint()
    {
        var client = await app.ClientFor(Users.Coordinator);

        using var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = json.RootElement.GetProperty("paths");
        var report = paths.GetProperty("/api/reports/missing-indicators").GetProperty("get");
        Assert.Equal(["application/json", "text/csv"], report.GetProperty("responses").GetProperty("200").GetProperty("content").EnumerateObject().Select(c => c.Name).Order());
        Assert.True(report.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.TryGetProperty("/api/plans/{id}/validation", out _));
    }
}
