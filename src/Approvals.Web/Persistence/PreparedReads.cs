using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Text.Json;
using Approvals.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approvals.Web.Persistence;

/// <summary>
/// Hot read statements, prepared once and kept, on SQLite. EF Core creates a command for every execution, and
/// Microsoft.Data.Sqlite prepares (compiles) a statement for every command and finalises it afterwards: for the plan
/// row's 23 columns that is three-quarters of the statement's cost (the profile's largest item of a plan read).
/// Here a few SQLite connections stay open, each holding its commands by SQL text; a statement runs as prepared
/// the time before, with new parameter values. A kept connection reads committed data like any other: each
/// statement is its own read transaction, ended when its reader is disposed.
/// <para>On PostgreSQL, and inside a transaction of the context (whose reads must see its own writes), the statement
/// runs on the context's own connection, as any other: nothing is kept.</para>
/// </summary>
public sealed class PreparedReads : IDisposable
{
    private readonly string? _sqliteConnectionString;
    private readonly ConcurrentBag<Session> _idle = [];
    private readonly int _maxIdle;
    private int _idleCount;
    private volatile bool _disposed;

    /// <param name="sqliteConnectionString">The app's SQLite database; null on PostgreSQL.</param>
    public PreparedReads(string? sqliteConnectionString)
    {
        _sqliteConnectionString = sqliteConnectionString;
        // As many as can read at once on this machine, and a few: a read that finds none idle opens one more and
        // closes it afterwards if the pool is full.
        _maxIdle = Math.Max(4, 2 * Environment.ProcessorCount);
    }

    /// <summary>The connections kept open now (for the tests).</summary>
    public int IdleConnections => Volatile.Read(ref _idleCount);

    /// <summary>
    /// Runs <paramref name="sql"/> (a constant of the caller: the SQL text is the key its prepared statement is
    /// kept by) with <paramref name="parameters"/>, and hands its reader to <paramref name="read"/>. A Guid is bound
    /// as EF Core stores it on each provider (upper-case text on SQLite, uuid on PostgreSQL); a DateTime as EF Core
    /// binds it (on SQLite, the text EF Core stores, so comparisons in SQL agree with EF Core's); a string array as
    /// <see cref="OneOf"/> reads it.
    /// </summary>
    public async Task<T> ReadAsync<T>(
        ApprovalsDbContext db, string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        if (_sqliteConnectionString is null || db.Database.CurrentTransaction is not null)
        {
            return await OnContextAsync(db, sql, read, parameters, ct);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var session = Rent();
        T result;
        try
        {
            var command = session.Command(sql);
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, Value(value, sqlite: true));
            }

            // Microsoft.Data.Sqlite runs synchronously whichever method is called: the plain ones spare the wrapping.
            using var reader = command.ExecuteReader(CommandBehavior.SingleResult);
            result = read(reader);
        }
        catch
        {
            // Whatever went wrong, a connection in an unknown state is not kept.
            session.Dispose();
            throw;
        }

        Return(session);
        return result;
    }

    private static async Task<T> OnContextAsync<T>(
        ApprovalsDbContext db, string sql, Func<DbDataReader, T> read, (string Name, object? Value)[] parameters, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            var sqlite = db.OnSqlite;
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = Value(value, sqlite);
                command.Parameters.Add(parameter);
            }

            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleResult, ct);
            return read(reader);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>
    /// SQL for "<paramref name="column"/> is one of the list in <paramref name="parameter"/>", one statement whatever
    /// the list's length (so one prepared statement), as EF Core writes it: a JSON array on SQLite, an array on
    /// PostgreSQL. For a statement built once per provider (<see cref="ProviderSql"/>).
    /// </summary>
    public static string OneOf(bool sqlite, string column, string parameter) => sqlite
        ? $"{column} IN (SELECT \"value\" FROM json_each({parameter}))"
        : $"{column} = ANY({parameter})";

    /// <summary>A value as EF Core binds it: on SQLite a Guid as upper-case text and a list as a JSON array.</summary>
    private static object Value(object? value, bool sqlite) => value switch
    {
        null => DBNull.Value,
        Guid id when sqlite => id.ToString().ToUpperInvariant(),
        string[] list when sqlite => JsonSerializer.Serialize(list),
        _ => value,
    };

    private Session Rent()
    {
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = SqlitePragmas.Statements;
            pragmas.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new Session(connection);
    }

    private void Return(Session session)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
            return;
        }

        _idle.Add(session);
        // Disposed while this one was being returned: it is not left open.
        if (_disposed)
        {
            DisposeIdle();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        DisposeIdle();
    }

    private void DisposeIdle()
    {
        while (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
        }
    }

    /// <summary>An open connection and the commands prepared on it, by SQL text (a handful of the code's constants).</summary>
    private sealed class Session(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _commands.Add(sql, command);
            }

            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            connection.Dispose();
        }
    }
}

/// <summary>A statement whose text differs by provider (<see cref="PreparedReads.OneOf"/>), built once for each.</summary>
public sealed class ProviderSql(Func<bool, string> build)
{
    private readonly string _sqlite = build(true);
    private readonly string _postgres = build(false);

    public string For(ApprovalsDbContext db) => db.OnSqlite ? _sqlite : _postgres;
}

public static class DataReaderExtensions
{
    /// <summary>The string in column <paramref name="ordinal"/>, or null for SQL NULL: for the nullable columns a hand-written read maps.</summary>
    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// The date in column <paramref name="ordinal"/> as UTC, as the mapping's UtcDateTimeConverter reads every date. On
    /// SQLite, a date stored as EF Core writes it is read by <see cref="StoredDates.TryParse"/>; anything else as before.
    /// </summary>
    public static DateTime GetUtcDateTime(this DbDataReader reader, int ordinal) => DateTime.SpecifyKind(
        reader is SqliteDataReader && StoredDates.TryParse(reader.GetString(ordinal), out var stored) ? stored : reader.GetDateTime(ordinal),
        DateTimeKind.Utc);

    /// <summary><see cref="GetUtcDateTime"/>, or null for SQL NULL.</summary>
    public static DateTime? GetUtcDateTimeOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetUtcDateTime(ordinal);
}
