using System.Text;
using Approvals.Tests.Features.Flags;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Coverage;

namespace Approvals.Tests.Features.Coverage;

/// <summary>The app on PostgreSQL, in a database of its own created from APPROVALS_TEST_POSTGRES (tests/run.sh sets it).</summary>
public sealed class PostgresApp : ApprovalsApp
{
    private readonly string _database = "approvals_coverage_" + Guid.NewGuid().ToString("N");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Approvals"] = new Npgsql.NpgsqlConnectionStringBuilder(
            Environment.GetEnvironmentVariable("APPROVALS_TEST_POSTGRES")
            ?? throw new InvalidOperationException(
                "APPROVALS_TEST_POSTGRES is not set. Run the tests with tests/run.sh, or start PostgreSQL with " +
                "tests/scripts/services.sh (postgres_start) and export the connection string it prints."))
        {
            Database = _database,
        }.ConnectionString,
    };
}

/// <summary>The report's own SQL (stored columns, committee order, UTF-8 bytes) on PostgreSQL.</summary>
public sealed class CoverageReportPostgresTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    private const string Report = "/api/reports/missing-indicators";

    [Fact]
    public async Task The_report_on_postgresql_lists_exactly_the_seed_goals_without_a_real_indicator()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var report = await (await client.GetAsync(Report)).ReadOk<CoverageReportResponse>();

        Assert.Equal(SeedFlagsTests.ExpectedGaps, report.Rows.Select(r => (r.Committee, r.Objective, r.GoalNumber, r.Code)));
        Assert.Equal("??????", report.Rows.Single(r => r.Committee == "SOU").IndicatorText);
        Assert.Equal(new CommitteeCoverage("SUD", "Socialudvalget", 11, 2, 0.8182), report.Summary.Single(s => s.Committee == "SUD"));
    }

    [Fact]
    public async Task Filters_and_the_csv_work_on_postgresql()
    {
        var client = await app.ClientFor(Users.Coordinator);

        var filtered = await (await client.GetAsync(Report + "?committee=oeu&stage=draft")).ReadOk<CoverageReportResponse>();
        var csv = Csv.Parse(Encoding.UTF8.GetString((await client.GetByteArrayAsync(Report + "?format=csv")).AsSpan(3)));

        Assert.Equal([("ØU", "3")], filtered.Rows.Select(r => (r.Committee, r.GoalNumber)));
        Assert.Equal(1 + SeedFlagsTests.ExpectedGaps.Length, csv.Count);
        Assert.Equal("Der skal være fokus på udviklingen af højrisikoafdelinger", csv.Single(r => r[0] == "TMU" && r[6] == "2")[7]);
    }
}
