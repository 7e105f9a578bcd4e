using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Persistence;

/// <summary>Told when a group commit has committed a context's saved changes (see <see cref="GroupCommit"/>).</summary>
public interface IGroupCommitObserver
{
    /// <summary>The changes <paramref name="context"/> saved in a batch are committed.</summary>
    void Committed(DbContext context);
}

/// <summary>
/// Group commit on SQLite: callers hand in a context with changes to save, and one writer saves every context
/// waiting in one transaction, each in its own savepoint, then commits them together. SQLite writes one transaction
/// at a time and each commit costs its WAL frames and a write to the file, so several saves in one commit cost
/// little more than one. Each caller gets its answer only after the COMMIT holding its changes has returned.
/// <para>
/// The writer takes the <see cref="WriteGate"/>'s turn once per batch, as a request (deliveries keep their
/// priority between batches), and takes into the batch every save that queued while it waited, up to
/// <see cref="MaxBatch"/>. Saves run in the order they were handed in, inside the one transaction: EF Core's
/// concurrency check (<c>UPDATE … WHERE token = @old</c>) sees the earlier saves of the batch, so of two saves
/// of one plan read at the same version the first wins and the second fails as it would have alone.
/// A save that fails (concurrency, a constraint, any exception) is rolled back to its savepoint by EF Core and
/// its caller gets the exception; the others commit. If the COMMIT fails, or SQLite ends the transaction after
/// a failed statement, every caller of the batch gets a <see cref="DbUpdateException"/> and nothing is stored.
/// </para>
/// <para>
/// When off (<c>Database:GroupCommit=false</c>, and always on PostgreSQL, which writes in parallel) a save is a
/// plain <c>SaveChangesAsync</c>.
/// </para>
/// </summary>
public sealed class GroupCommit : IAsyncDisposable, IDisposable
{
    /// <summary>The configuration key that switches it (on by default for SQLite).</summary>
    public const string Key = "Database:GroupCommit";

    /// <summary>At most this many saves share a commit; more wait for the next one.</summary>
    public const int MaxBatch = 64;

    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();
    private readonly IServiceScopeFactory _scopes;
    private readonly IGroupCommitObserver[] _observers;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task? _writer;
    private long _batches;

    private readonly WriteGate? _gate;

    public GroupCommit(
        bool enabled, IServiceScopeFactory scopes, IEnumerable<IGroupCommitObserver> observers, ILogger<GroupCommit> logger, WriteGate? gate = null)
    {
        Enabled = enabled;
        _gate = gate;
        _scopes = scopes;
        _observers = [.. observers];
        _logger = logger;
    }

    public bool Enabled { get; }

    /// <summary>How many batches have been written (committed or failed).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>How many saves wait for the writer to take them into a batch.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>
    /// Saves the changes of <paramref name="db"/> in the next group commit and returns once that commit has returned,
    /// with the count SaveChanges gives; throws what the save threw, or a <see cref="DbUpdateException"/> when the
    /// commit failed. The context's connection is closed first (the writer lends it its own). A caller cancelled while
    /// its save still waits gets an <see cref="OperationCanceledException"/> and nothing is saved; once the writer has
    /// taken the save, the caller waits for its commit (the writer is using its context).
    /// </summary>
    public async Task<int> SaveChangesAsync(ApprovalsDbContext db, CancellationToken cancellationToken)
    {
        if (!Enabled || db.Database.CurrentTransaction is not null)
        {
            return await db.SaveChangesAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        // The writer lends the context its own connection, so the context's must be closed. EF Core counts explicit
        // opens, and a pooled context keeps the count of opens nobody closed (a transition opens its connection for
        // its reads): close as often as it takes.
        for (var i = 0; i < 64 && db.Database.GetDbConnection().State != ConnectionState.Closed; i++)
        {
            await db.Database.CloseConnectionAsync();
        }

        if (db.Database.GetDbConnection().State != ConnectionState.Closed)
        {
            return await db.SaveChangesAsync(cancellationToken);
        }

        var job = new Job(db);
        if (!_queue.Writer.TryWrite(job))
        {
            // Shutting down: the writer takes no more.
            return await db.SaveChangesAsync(cancellationToken);
        }

        StartWriter();
        int count;
        await using (cancellationToken.Register(() => job.Cancel(cancellationToken)))
        {
            count = await job.Completion;
        }

        db.ChangeTracker.AcceptAllChanges();
        return count;
    }

    /// <summary>Takes no more saves; those already handed in are still written by the writer.</summary>
    public void Dispose() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? writer;
        lock (_lock)
        {
            writer = _writer;
        }

        if (writer is not null)
        {
            await writer;
        }
    }

    private void StartWriter()
    {
        lock (_lock)
        {
            if (_writer is not null)
            {
                return;
            }

            // The writer's flow is its own: neither a request's write priority nor its trace goes with it.
            using (ExecutionContext.SuppressFlow())
            {
                _writer = Task.Run(WriteAsync);
            }
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<Job>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                await WriteBatchAsync(batch);
            }
            catch (Exception e)
            {
                // No scope for the writer (the app is stopping) or a bug: no caller may hang, nor the writer spin.
                _logger.LogError(e, "The group commit's writer failed outside a batch");
                while (_queue.Reader.TryRead(out var waiting))
                {
                    if (waiting.Start())
                    {
                        batch.Add(waiting);
                    }
                }

                foreach (var job in batch)
                {
                    job.Fail(new DbUpdateException("The change was not saved: the group commit failed.", e));
                }
            }

            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<Job> batch)
    {
        Exception? failure = null;
        await using var scope = _scopes.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        IDbContextTransaction? transaction = null;
        try
        {
            // Begins with the write gate's turn (WriteGateInterceptor); saves that queue meanwhile join this batch.
            await writer.Database.OpenConnectionAsync();
            transaction = await writer.Database.BeginTransactionAsync();
        }
        catch (Exception e)
        {
            failure = e;
        }

        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var job))
        {
            if (job.Start())
            {
                batch.Add(job);
            }
        }

        try
        {
            if (failure is null && transaction is not null)
            {
                var connection = writer.Database.GetDbConnection();
                var dbTransaction = transaction.GetDbTransaction();
                foreach (var job in batch)
                {
                    await job.SaveAsync(connection, dbTransaction);
                    if (!InTransaction(connection))
                    {
                        // SQLite rolls the whole transaction back after some errors (a full disk, I/O): the saves
                        // before this one are gone too, and the ones after it would run outside any transaction.
                        failure = new InvalidOperationException("The group commit's transaction ended before its commit.", job.Error);
                        break;
                    }
                }

                if (failure is null)
                {
                    // The deliveries of this batch's events get as many turns ahead of the next batch as its saves.
                    _gate?.Carries(batch.Count);
                    await transaction.CommitAsync();
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            if (transaction is not null)
            {
                // Rolls back what is still open (after a failure); the write gate's turn ends with it.
                await DisposeQuietly(transaction);
            }
        }

        Interlocked.Increment(ref _batches);
        foreach (var job in batch)
        {
            if (failure is not null)
            {
                job.Fail(new DbUpdateException("The change was not saved: the commit it was part of failed. Nothing of it is stored.", failure));
                continue;
            }

            if (job.Error is null)
            {
                foreach (var observer in _observers)
                {
                    observer.Committed(job.Db);
                }
            }

            job.Finish();
        }

        if (failure is not null)
        {
            _logger.LogWarning(failure, "A group commit of {Count} save(s) failed; each caller got the failure", batch.Count);
        }
    }

    private async Task DisposeQuietly(IDbContextTransaction transaction)
    {
        try
        {
            await transaction.DisposeAsync();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Rolling back a failed group commit failed; the connection is dropped with its scope");
        }
    }

    private static bool InTransaction(DbConnection connection) =>
        connection.State == ConnectionState.Open &&
        (connection is not SqliteConnection sqlite || (sqlite.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0));

    private sealed class Job(ApprovalsDbContext db)
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Cancelled = 2;

        private readonly TaskCompletionSource<int> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state;
        private int _count;

        public ApprovalsDbContext Db { get; } = db;

        public Task<int> Completion => _done.Task;

        public Exception? Error { get; private set; }

        public bool Start() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        public void Cancel(CancellationToken cancellationToken)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                _done.TrySetCanceled(cancellationToken);
            }
        }

        /// <summary>Saves on the writer's connection and transaction (EF Core makes a savepoint), then gives the context its own connection back.</summary>
        public async Task SaveAsync(DbConnection connection, DbTransaction transaction)
        {
            var database = Db.Database;
            var connectionString = database.GetConnectionString();
            var lent = false;
            try
            {
                // EF Core refuses while it counts opens of the context's own connection that nobody closed (a pooled
                // context may have some while its connection is already closed): close those first.
                for (var attempt = 0; !lent; attempt++)
                {
                    try
                    {
                        database.SetDbConnection(connection, contextOwnsConnection: false);
                        lent = true;
                    }
                    catch (InvalidOperationException) when (attempt < 64)
                    {
                        await database.CloseConnectionAsync();
                    }
                }

                await database.UseTransactionAsync(transaction);
                _count = await Db.SaveChangesAsync(acceptAllChangesOnSuccess: false);
            }
            catch (Exception e)
            {
                Error = e;
            }
            finally
            {
                if (lent)
                {
                    // Balances the open of UseTransaction; the writer's connection stays open (this context did not open it).
                    await database.UseTransactionAsync(null);
                    await database.CloseConnectionAsync();
                    database.SetDbConnection(null, contextOwnsConnection: true);
                    database.SetConnectionString(connectionString);
                }
            }
        }

        public void Finish()
        {
            if (Error is null)
            {
                _done.TrySetResult(_count);
            }
            else
            {
                _done.TrySetException(Error);
            }
        }

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
