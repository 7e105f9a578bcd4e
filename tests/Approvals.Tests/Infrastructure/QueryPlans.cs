using Approvals.Persistence;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// How the database would run a query: on SQLite its query plan; on PostgreSQL, which prefers scanning the small tables
/// of a test database, its plan once scans are ruled out, so it shows which index the query can use. The text ends with
/// the SQL, for the failure message.
/// </summary>
public static class QueryPlans
{
    public static Task<string> ExplainAsync(
        this ApprovalsApp app, Func<ApprovalsDbContext, string> sql, params (string Name, object? Value)[] parameters) =>
        app.WithDb(async db =>
        {
            var sqlite = db.Database.IsSqlite();
            var query = sql(db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            if (!sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off");
            }

            var plan = await app.Services.GetRequiredService<PreparedReads>().ReadAsync(db, (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + query, reader =>
            {
                var lines = new List<string>();
                while (reader.Read())
                {
                    lines.Add(reader.GetString(reader.FieldCount - 1));
                }

                return string.Join("\n", lines);
            }, CancellationToken.None, parameters);
            return plan + "\n" + query;
        });

    /// <summary>The plan reads by <paramref name="index"/> and sorts nothing.</summary>
    public static bool ReadsInOrderOf(string plan, string index) =>
        plan.Contains(index, StringComparison.Ordinal)
        && !plan.Contains("TEMP B-TREE", StringComparison.Ordinal)
        && !plan.Contains("Sort", StringComparison.Ordinal);
}
