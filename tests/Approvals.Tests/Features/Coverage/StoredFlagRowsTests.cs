using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Coverage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Approvals.Tests.Features.Coverage;

/// <summary>
/// On SQLite the JSON report steps a statement of its own (<see cref="StoredFlagRows"/>) instead of EF Core's query:
/// it must read the plans as that query does, by the same index, and stop reading when the caller goes away.
/// </summary>
// SQLite whatever the pass: on PostgreSQL the report reads through EF Core (CoverageReportTests covers both).
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class StoredFlagRowsTests : IAsyncLifetime
{
    private readonly ApprovalsApp _app = ApprovalsApp.On(TestDatabase.Sqlite());

    public Task InitializeAsync()
    {
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await ((IAsyncLifetime)_app).DisposeAsync();

    // Across committees, as EF Core's query does (CoverageReportTests); one committee's plans are found by its index.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Across_committees_the_statement_reads_the_plans_in_the_order_of_the_index_instead_of_sorting_them(bool byStage)
    {
        var plan = await _app.ExplainAsync(_ => StoredFlagRows.SqliteSql(byCommittee: false, byStage), ("?2", "draft"));

        Assert.True(QueryPlans.ReadsInOrderOf(plan, CoverageOrder.IndexName), plan);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("SUD", null)]
    [InlineData(null, "draft")]
    [InlineData("TMU", "draft")]
    public async Task It_reads_the_plans_and_their_columns_as_ef_cores_query_does(string? code, string? stage)
    {
        var committee = Committee.Find(code);

        var (stepped, queried) = await _app.WithDb(async db =>
        {
            var stepped = new List<(string, int, int, string)>();
            await using (var rows = await StoredFlagRows.OpenAsync(db, committee, stage, CancellationToken.None))
            {
                while (await rows.ReadAsync(CancellationToken.None))
                {
                    stepped.Add((rows.CommitteeCode, rows.GoalCount, rows.FlaggedGoalCount, System.Text.Encoding.UTF8.GetString(rows.FlaggedGoals)));
                }
            }

            var queried = new List<(string, int, int, string)>();
            await foreach (var plan in CoverageReport.Plans(db, committee, stage))
            {
                queried.Add((plan.CommitteeCode, plan.GoalCount, plan.FlaggedGoalCount, System.Text.Encoding.UTF8.GetString(plan.FlaggedGoals)));
            }

            return (stepped, queried);
        });

        Assert.NotEmpty(queried);
        Assert.Equal(queried, stepped);
    }

    [Fact]
    public async Task The_statement_is_finished_when_the_reading_stops_half_way_and_the_context_reads_on()
    {
        await _app.WithDb(async db =>
        {
            await db.Database.OpenConnectionAsync();
            var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle!;
            // SQLitePCL lists a connection's statements once asked to track them; the report's is prepared after this.
            handle.enable_sqlite3_next_stmt(true);
            var sql = StoredFlagRows.SqliteSql(byCommittee: false, byStage: false);
            await using (var rows = await StoredFlagRows.OpenAsync(db, null, null, CancellationToken.None))
            {
                Assert.True(await rows.ReadAsync(CancellationToken.None));
                Assert.Contains(sql, LiveStatements(handle));
            }

            // A statement left unfinished would keep its read transaction open on the connection.
            Assert.DoesNotContain(sql, LiveStatements(handle));
            Assert.Equal(1, raw.sqlite3_get_autocommit(handle));
            Assert.Equal(6, await db.Plans.CountAsync());
            await db.Database.CloseConnectionAsync();
            return 0;
        });
    }

    private static List<string> LiveStatements(sqlite3 handle)
    {
        var live = new List<string>();
        for (var statement = raw.sqlite3_next_stmt(handle, null); statement is not null; statement = raw.sqlite3_next_stmt(handle, statement))
        {
            live.Add(raw.sqlite3_sql(statement).utf8_to_string());
        }

        return live;
    }
}
