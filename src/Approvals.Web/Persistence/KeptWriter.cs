using Approvals.Persistence;
using Microsoft.Data.Sqlite;

namespace Approvals.Web.Persistence;

/// <summary>
/// One SQLite connection kept open for the hot writes that <see cref="ChangeWriter.TryWriteAsync"/> makes past the
/// change tracker (a transition's rows) and for the deliveries' inbox batches, used only while the
/// <see cref="WriteGate"/>'s turn is held: on SQLite the gate lets one writer in at a time, so one connection serves
/// them all. Through a context's own connection every such write opened a pooled connection (EF Core re-registering its
/// SQL functions on it) and closed it again, and compiled each of its statements afresh; here the statements stay
/// compiled, by SQL text, and the connection's page cache stays valid from one of its commits to the next unless
/// another connection wrote in between.
/// <para>
/// It commits in groups: the writes that wait while a group is written go together in the next one, one transaction
/// with a savepoint for each, so one that fails is rolled back alone and the others commit; each caller is answered
/// after the commit that holds its write. Fewer commits mean fewer pages written to the log (a group's rows share
/// their pages) and fewer times the readers' page caches are dropped. Writes are taken in the order they came, so a
/// second write of a plan in the same group sees the first and is refused by the token it read.
/// </para>
/// <para>
/// A write that fails with a database error closes the connection once its group ends (its state is then unknown, or
/// the database has refused it writes); the next group opens a new one. The connection is its own, never the pool's: one
/// opened while the database refused writes is read-only for good, and closed into the pool it came back to the next
/// group, so transitions failed long after the database took writes again. Such a refusal is also shown to
/// <paramref name="refused"/>, which empties the pool for the other connections. On PostgreSQL it is off (<see cref="Enabled"/>):
/// writers run in parallel there, each on its context's connection.
/// </para>
/// </summary>
public sealed class KeptWriter(string? sqliteConnectionString, string pragmas, WriteGate gate, Action<Exception>? refused = null) : IDisposable
{
    /// <summary>At most this many statements are kept compiled; past it they are all finalised and compiled again as used.</summary>
    public const int MaxStatements = 64;

    /// <summary>At most this many writes share a transaction; more waiting go in the next.</summary>
    public const int MaxGroup = 64;

    private readonly string? _connectionString = sqliteConnectionString is null
        ? null
        : new SqliteConnectionStringBuilder(sqliteConnectionString) { Pooling = false }.ToString();

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Queue<Job> _queue = new();
    private bool _writing;
    private SqliteConnection? _connection;
    private bool _inUse;
    private bool _disposed;
    private long _opened;
    private long _committed;

    /// <summary>Whether writes go through it: on SQLite, with the write gate serialising writers.</summary>
    public bool Enabled { get; } = sqliteConnectionString is not null && gate.Serialises;

    /// <summary>Connections opened so far (for the tests: one, unless a write failed).</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Writes committed so far (for the tests: which writes go through it).</summary>
    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>
    /// Requests' writes waiting for the next group, deliveries' not (for the tests: a race held at the gate until every
    /// racer waits, as <see cref="WriteGate.RequestsWaiting"/> counts those waiting at the gate).
    /// </summary>
    public int RequestsWaiting
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count(job => job.Priority == WritePriority.Request && job.Waiting);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in the next group: once the write gate's turn is taken (ahead of requests when a
    /// delivery waits), every write waiting is run in one transaction on the kept connection, each in its own
    /// savepoint, with a source of its commands (compiled once per SQL text, enlisted in the transaction), and the
    /// group is committed. Returns once the commit holds the write. An exception from <paramref name="write"/> rolls
    /// back its own statements only and is thrown here; a database error also closes the connection once the group
    /// ends. A commit that fails fails every write of the group. A write whose caller gives up before its group begins
    /// is not run.
    /// </summary>
    public Task WriteAsync(Func<Func<string, SqliteCommand>, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("The kept writer is for SQLite, with the write gate serialising writers.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var job = new Job(write, WriteGate.Priority, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // A caller that gives up while its write waits is answered at once, and its write is not run.
            job.Registration = cancellationToken.UnsafeRegister(static state => ((Job)state!).CancelIfWaiting(), job);
        }

        bool start;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(job);
            start = !_writing;
            _writing = true;
        }

        if (start)
        {
            // The groups are written by one loop of their own, not in a caller's flow: a caller is answered as soon as
            // its group commits, and the loop carries none of the caller's context (its priority, its activity).
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(WriteGroupsAsync, CancellationToken.None);
            }
        }

        return job.Done.Task;
    }

    // Takes the gate's turn, then every write waiting, writes them and answers their callers; until none waits.
    private async Task WriteGroupsAsync()
    {
        while (true)
        {
            WritePriority priority;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                priority = _queue.Any(j => j.Priority == WritePriority.Delivery && j.Waiting) ? WritePriority.Delivery : WritePriority.Request;
            }

            var group = new List<Job>();
            try
            {
                using (await gate.EnterAsync(priority, CancellationToken.None))
                {
                    Dequeue(group);
                    if (group.Count > 1)
                    {
                        // Each request in the group has its event to deliver: deliveries get the turns of that many.
                        gate.Carries(group.Count(j => j.Priority == WritePriority.Request));
                    }

                    if (group.Count > 0)
                    {
                        await WriteGroupAsync(group);
                    }
                }
            }
            catch (Exception e)
            {
                // Not expected (WriteGroupAsync catches what its writes throw): the writes get the error instead of
                // waiting for ever.
                if (group.Count == 0)
                {
                    Dequeue(group);
                }

                group.ForEach(job => job.Error ??= e);
            }

            // Answered after the turn is passed on, so no caller's continuation runs while the turn is held.
            foreach (var job in group)
            {
                job.Answer();
            }
        }
    }

    // The writes waiting, in the order they came, up to a group's worth; a write whose caller gave up is left out.
    private void Dequeue(List<Job> group)
    {
        lock (_lock)
        {
            while (group.Count < MaxGroup && _queue.TryDequeue(out var job))
            {
                if (job.Take())
                {
                    group.Add(job);
                }
            }
        }
    }

    // One transaction for the group, a savepoint for each write unless it is alone; sets each job's outcome.
    private async Task WriteGroupAsync(List<Job> group)
    {
        SqliteConnection connection;
        try
        {
            connection = Take();
        }
        catch (Exception e)
        {
            group.ForEach(job => job.Error ??= e);
            Refused(e);
            return;
        }

        var healthy = true;
        var alone = group.Count == 1;
        try
        {
            // Rolled back as it is disposed, unless committed.
            using var transaction = connection.BeginTransaction(deferred: false);
            var wrote = 0;
            foreach (var job in group)
            {
                if (!alone)
                {
                    Command(connection, transaction, "SAVEPOINT kept").ExecuteNonQuery();
                }

                try
                {
                    await job.Write(sql => Command(connection, transaction, sql), job.Cancellation);
                    wrote++;
                }
                catch (Exception e)
                {
                    job.Error = e;
                    healthy &= e is not SqliteException;
                    if (alone || SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0)
                    {
                        // Alone, or the database ended the transaction itself (an I/O error, a full disk): what the
                        // group wrote before is gone with it.
                        throw new GroupFailedException(e);
                    }

                    Command(connection, transaction, "ROLLBACK TO kept").ExecuteNonQuery();
                }

                if (!alone)
                {
                    Command(connection, transaction, "RELEASE kept").ExecuteNonQuery();
                }
            }

            if (wrote > 0)
            {
                transaction.Commit();
                Interlocked.Add(ref _committed, wrote);
            }
        }
        catch (Exception e)
        {
            // Nothing of the group was committed: a write that had no error of its own gets the one that ended it.
            healthy &= e is not SqliteException && e.InnerException is not SqliteException;
            var failure = e is GroupFailedException ? e.InnerException! : e;
            group.ForEach(job => job.Error ??= failure);
        }
        finally
        {
            // Kept only when nothing went wrong in the database and no transaction is left open on it.
            Give(connection, healthy: healthy && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0);
            if (group.Select(job => job.Error).FirstOrDefault(e => e is SqliteException) is { } error)
            {
                Refused(error);
            }
        }
    }

    // A database error of a write, shown to whoever empties the pool when it is a refusal to write.
    private void Refused(Exception error)
    {
        if (error is SqliteException && refused is not null)
        {
            refused(error);
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
            var connection = new SqliteConnection(_connectionString);
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

    private sealed class Job(Func<Func<string, SqliteCommand>, CancellationToken, Task> write, WritePriority priority, CancellationToken cancellation)
    {
        private const int Queued = 0, Taken = 1, Cancelled = 2;
        private int _state = Queued;

        public Func<Func<string, SqliteCommand>, CancellationToken, Task> Write => write;

        public WritePriority Priority => priority;

        public CancellationToken Cancellation => cancellation;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Why the write is not committed; null once its group has committed it.</summary>
        public Exception? Error { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Still waiting for a group: neither taken into one nor given up by its caller.</summary>
        public bool Waiting => Volatile.Read(ref _state) == Queued;

        /// <summary>Takes the write into a group; false when its caller has given up (it has been answered so).</summary>
        public bool Take()
        {
            if (Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued)
            {
                return true;
            }

            Registration.Dispose();
            return false;
        }

        /// <summary>The caller gave up: answered now unless a group has taken the write, which then answers it.</summary>
        public void CancelIfWaiting()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                Done.TrySetCanceled(cancellation);
            }
        }

        public void Answer()
        {
            Registration.Dispose();
            if (Error is null)
            {
                Done.TrySetResult();
            }
            else if (Error is OperationCanceledException && cancellation.IsCancellationRequested)
            {
                Done.TrySetCanceled(cancellation);
            }
            else
            {
                Done.TrySetException(Error);
            }
        }
    }

    // A write's error that ended the whole group's transaction.
    private sealed class GroupFailedException(Exception inner) : Exception(inner.Message, inner);
}
