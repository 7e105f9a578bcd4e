using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// The outbox's (SentUtc, Id) index holds the unsent rows only. Every query of it asks for those (the dispatcher's
/// window, a plan's next row, the operations page); with every row in it, each delivery moved its row's entry to the
/// end of an index of every event ever sent, a page written on every delivery's commit that nothing read.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class OutboxIndexTests(ApprovalsApp app)
{
    [Fact]
    public async Task The_outbox_index_holds_the_unsent_rows_only()
    {
        var filter = await app.WithDb(OutboxIndex.FilterAsync);

        Assert.Contains("\"SentUtc\" IS NULL", filter ?? "(no filter: the index holds every row)");
    }

    [Fact]
    public async Task The_dispatchers_window_of_unsent_rows_reads_that_index()
    {
        // The window's shape (OutboxDispatcher.DueRowsAsync, there with a limit that ToQueryString would give as a
        // parameter): unsent rows in Id order. A partial index is only used when the query's condition implies the
        // index's; a table scan in Id order would read every row ever sent.
        var plan = await app.ExplainAsync(db => db.Outbox.AsNoTracking()
            .Where(m => m.SentUtc == null)
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.PlanId, m.NextAttemptUtc, m.LeaseUntilUtc })
            .ToQueryString());

        Assert.True(plan.Contains(OutboxMessage.UnsentIndexName, StringComparison.Ordinal) && !plan.Contains("SCAN Outbox", StringComparison.Ordinal), plan);
    }
}

/// <summary>The condition of the outbox's index of unsent rows as the database holds it; null when it has none.</summary>
internal static class OutboxIndex
{
    public static async Task<string?> FilterAsync(ApprovalsDbContext db)
    {
        var sql = db.Database.IsSqlite()
            ? $"""SELECT "sql" AS "Value" FROM "sqlite_master" WHERE "type" = 'index' AND "name" = '{OutboxMessage.UnsentIndexName}'"""
            : $"""SELECT pg_get_expr(i.indpred, i.indrelid) AS "Value" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '{OutboxMessage.UnsentIndexName}'""";
        var found = await db.Database.SqlQueryRaw<string?>(sql).ToListAsync();
        var definition = Assert.Single(found);
        if (definition is null)
        {
            return null;
        }

        // SQLite keeps the whole CREATE INDEX statement: its condition follows WHERE.
        var where = definition.IndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase);
        return db.Database.IsSqlite() ? (where < 0 ? null : definition[(where + 7)..]) : definition;
    }
}
