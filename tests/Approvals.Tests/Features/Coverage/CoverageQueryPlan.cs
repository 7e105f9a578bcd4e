using Approvals.Persistence;
using Approvals.Web.Features.Coverage;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Coverage;

/// <summary>
/// How the database runs the whole coverage report's query (<see cref="CoverageReport.Query"/>): on SQLite its query
/// plan; on PostgreSQL, which prefers a scan and a sort for a table this small, its plan once scans are ruled out, so
/// it shows whether an index can give the report's order.
/// </summary>
public static class CoverageQueryPlan
{
    public static async Task<string> ExplainAsync(ApprovalsDbContext db)
    {
        var sqlite = db.Database.IsSqlite();
        var sql = CoverageReport.Query(db, null, null).ToQueryString();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sqlite ? "EXPLAIN QUERY PLAN " + sql : "SET LOCAL enable_seqscan = off; EXPLAIN " + sql;
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetString(reader.FieldCount - 1));
                }
            }
            while (await reader.NextResultAsync());
        }

        return string.Join("\n", lines) + "\n" + sql;
    }

    /// <summary>The plan reads by the report's index and sorts nothing.</summary>
    public static bool ReadsInIndexOrder(string plan) =>
        plan.Contains(CoverageOrder.IndexName, StringComparison.Ordinal)
        && !plan.Contains("TEMP B-TREE", StringComparison.Ordinal)
        && !plan.Contains("Sort", StringComparison.Ordinal);
}
