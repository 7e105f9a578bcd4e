using Approvals.Persistence;
using Microsoft.Data.Sqlite;

namespace Approvals.Web.Persistence;

/// <summary>
/// One SQLite connection kept open for the hot writes that <see cref="ChangeWriter.TryWriteAsync"/> makes past the
/// change tracker (a transition's rows), used only while the <see cref="WriteGate"/>'s turn is held: on SQLite the
/// gate lets one writer in at a time, so one connection serves them all, each in its own transaction. Through a
/// context's own connection every such write opened a pooled connection (EF Core re-registering its SQL functions on
/// it) and closed it again, and compiled each of its statements afresh; here the statements stay compiled, by SQL
/// text, and the connection's page cache stays valid from one of its commits to the next unless another connection
/// wrote in between.
/// <para>
/// A write that fails with a database error closes the connection (its state is then unknown, or the database has
/// refused it writes); the next write opens a new one. On PostgreSQL it is off (<see cref="Enabled"/>): writers run in
/// parallel there, each on its context's connection.
/// </para>
/// </summary>
public sealed class KeptWriter(string? sqliteConnectionString, string pragmas, WriteGate gate) : IDisposable
{
    /// <summary>At most this many statements are kept compiled; past it they are all finalised and compiled again as used.</summary>
    public const int MaxStatements = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private bool _inUse;
    private bool _disposed;
    private long _opened;

    /// <summary>Whether writes go through it: on SQLite, with the write gate serialising writers.</summary>
    public bool Enabled { get; } = sqliteConnectionString is not null && gate.Serialises;

    /// <summary>Connections opened so far (for the tests: one, unless a write failed).</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>
    /// Takes the write gate's turn (at the current flow's priority), begins a transaction on the kept connection, runs
    /// <paramref name="write"/> with a source of its commands (compiled once per SQL text, enlisted in the
    /// transaction), and commits. An exception from <paramref name="write"/> rolls the transaction back; a database
    /// error also closes the connection.
    /// </summary>
    public async Task WriteAsync(Func<Func<string, SqliteCommand>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("The kept writer is for SQLite, with the write gate serialising writers.");
        }

        using var turn = await gate.EnterAsync(cancellationToken);
        var connection = Take();
        var failed = false;
        try
        {
            // Rolled back as it is disposed, unless committed.
            using var transaction = connection.BeginTransaction(deferred: false);
            await write(sql => Command(connection, transaction, sql), cancellationToken);
            transaction.Commit();
        }
        catch (SqliteException)
        {
            failed = true;
            throw;
        }
        finally
        {
            // Kept only when nothing went wrong in the database and no transaction is left open on it.
            Give(connection, healthy: !failed && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0);
        }
    }

    private SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxStatements)
            {
                DisposeCommands();
            }

            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private SqliteConnection Take()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inUse)
            {
                // The gate's turn is held by one flow at a time; two here means a write bypassed it.
                throw new InvalidOperationException("The kept writer's connection is in use: a write ran outside the write gate's turn.");
            }

            _inUse = true;
            if (_connection is not null)
            {
                return _connection;
            }
        }

        try
        {
            var connection = new SqliteConnection(sqliteConnectionString);
            try
            {
                connection.Open();
                using var setup = connection.CreateCommand();
                setup.CommandText = pragmas;
                setup.ExecuteNonQuery();
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            Interlocked.Increment(ref _opened);
            lock (_lock)
            {
                _connection = connection;
            }

            return connection;
        }
        catch
        {
            lock (_lock)
            {
                _inUse = false;
            }

            throw;
        }
    }

    private void Give(SqliteConnection connection, bool healthy)
    {
        lock (_lock)
        {
            _inUse = false;
            if (healthy && !_disposed)
            {
                return;
            }

            _connection = null;
        }

        DisposeCommands();
        connection.Dispose();
    }

    private void DisposeCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    /// <summary>Closes the connection, now or, when a write holds it, as that write ends.</summary>
    public void Dispose()
    {
        SqliteConnection? idle;
        lock (_lock)
        {
            _disposed = true;
            if (_inUse)
            {
                return;
            }

            idle = _connection;
            _connection = null;
        }

        if (idle is not null)
        {
            DisposeCommands();
            idle.Dispose();
        }
    }
}
