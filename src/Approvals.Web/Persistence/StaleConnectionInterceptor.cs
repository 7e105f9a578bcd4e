using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Approvals.Web.Persistence;

/// <summary>
/// Connections opened while the database could not be written stay that way for as long as they live in the
/// pool: SQLite opens a file it may not write read-only and never looks again, and a PostgreSQL session keeps the
/// <c>default_transaction_read_only</c> it started with. Left alone, writes kept failing long after the database
/// was writable again, and the outbox dispatcher's connection failed until a restart. A write refused as
/// read-only therefore empties the pool: the next write opens a fresh connection, which succeeds as soon as the
/// database takes writes again.
/// </summary>
internal sealed class StaleConnectionInterceptor(ILogger<StaleConnectionInterceptor> logger) : DbCommandInterceptor, IDbTransactionInterceptor
{
    private const int SqliteReadOnly = 8; // SQLITE_READONLY, whatever the extended code
    private const string PostgresReadOnlyTransaction = "25006";

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        Check(command.Connection, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Check(command.Connection, eventData.Exception);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Check(transaction.Connection, eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Check(transaction.Connection, eventData.Exception);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A statement of the app's own (not EF Core's, which this sees by itself) failed on <paramref name="connection"/>:
    /// a refusal because the database is read-only empties the pool, as for EF Core's commands.
    /// </summary>
    public void Failed(DbConnection? connection, Exception exception) => Check(connection, exception);

    private void Check(DbConnection? connection, Exception exception)
    {
        switch (connection, exception)
        {
            case (SqliteConnection sqlite, SqliteException { SqliteErrorCode: SqliteReadOnly }):
                Clear(exception);
                SqliteConnection.ClearPool(sqlite);
                break;
            case (NpgsqlConnection postgres, PostgresException { SqlState: PostgresReadOnlyTransaction }):
                Clear(exception);
                NpgsqlConnection.ClearPool(postgres);
                break;
        }
    }

    private void Clear(Exception exception) => logger.LogWarning(
        "A write was refused because the database is read-only ({Error}). The connection pool is emptied, so writes " +
        "succeed again on fresh connections once the database can be written.", exception.Message);
}
