using System.Data.Common;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The group commit on SQLite, on the app's schema and seed data: the test holds the write gate while saves queue,
/// so they go into one batch when it lets go, and checks what each caller was told against what a fresh connection
/// finds in the file. The writer here has its own service provider over the app's database, so that the test can
/// make its commit fail or wait without touching the app's other writers.
/// </summary>
// SQLite whatever the pass: on PostgreSQL there is no group commit.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class GroupCommitTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ApprovalsApp _app = ApprovalsApp.On(TestDatabase.Sqlite());
    private readonly CommitProbe _probe = new();
    private ServiceProvider _writers = null!;

    private GroupCommit Commit => _writers.GetRequiredService<GroupCommit>();

    private WriteGate Gate => _writers.GetRequiredService<WriteGate>();

    public Task InitializeAsync()
    {
        _ = _app.Server;
        _writers = GatedWriters.Over(_app, services =>
        {
            services.AddSingleton<IGroupCommitObserver>(_probe);
            services.AddSingleton(provider => new GroupCommit(
                enabled: true, provider.GetRequiredService<IServiceScopeFactory>(), provider.GetServices<IGroupCommitObserver>(),
                provider.GetRequiredService<ILogger<GroupCommit>>()));
        }, _probe);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _writers.DisposeAsync();
        await ((IAsyncLifetime)_app).DisposeAsync();
    }

    [Fact]
    public async Task A_failing_save_in_a_batch_is_absent_and_the_others_are_committed()
    {
        var taken = await SeedProbe();
        var batches = Commit.Batches;

        var (saves, contexts) = await Batch(
            db => db.OperatorActions.Add(Action("kept-1")),
            // Two rows, the second breaking the primary key: the first must go with it (its savepoint).
            db =>
            {
                db.OperatorActions.Add(Action("undone-with-its-save"));
                db.ReadinessProbes.Add(new ReadinessProbe { Id = taken, CheckedUtc = DateTime.UtcNow });
            },
            db => db.OperatorActions.Add(Action("kept-2")),
            // A save that throws before it writes anything (an interceptor's exception).
            db => db.OperatorActions.Add(Action(CommitProbe.Throws)),
            db => db.OperatorActions.Add(Action("kept-3")));

        Assert.Equal(1, await saves[0]);
        await Assert.ThrowsAsync<DbUpdateException>(() => saves[1]);
        Assert.Equal(1, await saves[2]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => saves[3]);
        Assert.Equal(1, await saves[4]);
        Assert.Equal(batches + 1, Commit.Batches);
        Assert.Equal(["kept-1", "kept-2", "kept-3"], await CommittedTargets());
        Assert.Equal(3, _probe.CommittedContexts);

        // Each context has its own connection back: it saves again on its own.
        foreach (var (scope, i) in contexts.Select((scope, i) => (scope, i)).Where(c => c.i is 0 or 2))
        {
            var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
            db.OperatorActions.Add(Action($"again-{i}"));
            await db.SaveChangesAsync();
        }

        Assert.Equal(["again-0", "again-2", "kept-1", "kept-2", "kept-3"], await CommittedTargets());
        await Dispose(contexts);
    }

    [Fact]
    public async Task A_batch_whose_commit_fails_tells_every_caller_and_stores_nothing()
    {
        _probe.FailNextCommit();

        var (saves, contexts) = await Batch(
            db => db.OperatorActions.Add(Action("lost-1")),
            db => db.OperatorActions.Add(Action("lost-2")),
            db => db.OperatorActions.Add(Action("lost-3")));

        foreach (var save in saves)
        {
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => save);
            Assert.Contains("commit", failure.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await CommittedTargets());
        Assert.Equal(0, _probe.CommittedContexts);

        // The writer and the write gate go on: the next save commits.
        await using var scope = _writers.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        db.OperatorActions.Add(Action("after"));
        Assert.Equal(1, await Commit.SaveChangesAsync(db, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(["after"], await CommittedTargets());
        await Dispose(contexts);
    }

    [Fact]
    public async Task A_caller_is_answered_only_after_the_commit_that_holds_its_save()
    {
        var commit = _probe.HoldNextCommit();
        await using var scope = _writers.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        db.OperatorActions.Add(Action("durable"));

        var save = Commit.SaveChangesAsync(db, CancellationToken.None);
        await commit.Reached.WaitAsync(Bound);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(save.IsCompleted, "The caller was answered while its commit had not happened.");
        Assert.Empty(await CommittedTargets());

        commit.Release();
        Assert.Equal(1, await save.WaitAsync(Bound));
        // A 200 means committed: a connection of its own (not from the pool) finds the row at once.
        Assert.Equal(["durable"], await CommittedTargets());
    }

    [Fact]
    public async Task Saves_commit_in_the_order_they_were_handed_in()
    {
        var targets = Enumerable.Range(0, 12).Select(i => $"order-{i:00}").ToArray();

        var (saves, contexts) = await Batch([.. targets.Select(t => (Action<ApprovalsDbContext>)(db => db.OperatorActions.Add(Action(t))))]);
        await Task.WhenAll(saves).WaitAsync(Bound);

        var rows = await WithFreshConnection(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT Target FROM OperatorActions ORDER BY Id";
            var found = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add(reader.GetString(0));
            }

            return found;
        });
        Assert.Equal(targets, rows);
        await Dispose(contexts);
    }

    [Fact]
    public async Task Of_twenty_saves_of_one_plan_read_at_the_same_version_only_the_first_handed_in_wins()
    {
        var planId = await _app.WithDb(db => db.Plans.Select(p => p.Id).FirstAsync());
        var batches = Commit.Batches;

        var (saves, contexts) = await Batch([.. Enumerable.Range(0, 20).Select(i => (Action<ApprovalsDbContext>)(db =>
        {
            var plan = db.Plans.Single(p => p.Id == planId);
            plan.Edit("racer", $"Racer {i:00}", plan.Content, stageIsEditable: true, DateTime.UtcNow);
        }))]);

        Assert.True((await saves[0]) > 0);
        foreach (var lost in saves.Skip(1))
        {
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => lost);
        }

        Assert.Equal(batches + 1, Commit.Batches);
        Assert.Equal("Racer 00", await _app.WithDb(db => db.Plans.Where(p => p.Id == planId).Select(p => p.Title).SingleAsync()));
        await Dispose(contexts);
    }

    [Fact]
    public async Task A_caller_cancelled_while_it_waits_saves_nothing_and_the_others_go_on()
    {
        using var cancel = new CancellationTokenSource();
        var held = await Gate.EnterAsync(CancellationToken.None);
        var contexts = new List<AsyncServiceScope>();
        Task<int> Save(string target, CancellationToken ct)
        {
            var scope = _writers.CreateAsyncScope();
            contexts.Add(scope);
            var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
            db.OperatorActions.Add(Action(target));
            return Commit.SaveChangesAsync(db, ct);
        }

        var first = Save("first", CancellationToken.None);
        var cancelled = Save("cancelled", cancel.Token);
        var last = Save("last", CancellationToken.None);
        await Eventually.True(() => Task.FromResult(Commit.Waiting == 3), Bound, "the saves to queue");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));
        held.Dispose();

        Assert.Equal(1, await first.WaitAsync(Bound));
        Assert.Equal(1, await last.WaitAsync(Bound));
        Assert.Equal(["first", "last"], await CommittedTargets());
        foreach (var scope in contexts)
        {
            await scope.DisposeAsync();
        }
    }

    [Fact]
    public async Task At_most_a_batch_cap_of_saves_share_a_commit()
    {
        var batches = Commit.Batches;
        var count = GroupCommit.MaxBatch + 6;

        var (saves, contexts) = await Batch([.. Enumerable.Range(0, count).Select(i => (Action<ApprovalsDbContext>)(db => db.OperatorActions.Add(Action($"cap-{i:000}"))))]);
        await Task.WhenAll(saves).WaitAsync(Bound);

        Assert.Equal(batches + 2, Commit.Batches);
        Assert.Equal(count, (await CommittedTargets()).Count);
        await Dispose(contexts);
    }

    private static OperatorAction Action(string target) => new()
    {
        AtUtc = DateTime.UtcNow,
        ActorId = "test",
        ActorName = "Group commit test",
        Action = "test",
        Target = target,
    };

    /// <summary>
    /// Prepares one context per change, holds the write gate while each hands its save in (in order), and lets go
    /// once all wait: they share one batch (or, past the cap, the next).
    /// </summary>
    private async Task<(List<Task<int>> Saves, List<AsyncServiceScope> Contexts)> Batch(params Action<ApprovalsDbContext>[] changes)
    {
        var scopes = new List<AsyncServiceScope>();
        var saves = new List<Task<int>>();
        var held = await Gate.EnterAsync(CancellationToken.None);
        try
        {
            foreach (var change in changes)
            {
                var scope = _writers.CreateAsyncScope();
                scopes.Add(scope);
                var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
                change(db);
                saves.Add(Commit.SaveChangesAsync(db, CancellationToken.None));
                await Eventually.True(() => Task.FromResult(Commit.Waiting == saves.Count), Bound, "the saves to queue");
            }
        }
        finally
        {
            held.Dispose();
        }

        // Every caller is answered, whatever its answer.
        await Task.WhenAny(Task.WhenAll(saves), Task.Delay(Bound));
        Assert.All(saves, s => Assert.True(s.IsCompleted, "A caller of the batch was never answered."));
        return (saves, scopes);
    }

    private static async Task Dispose(List<AsyncServiceScope> scopes)
    {
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }
    }

    private async Task<string> SeedProbe()
    {
        var id = $"taken-{Guid.NewGuid():N}";
        await _app.WithDb(async db =>
        {
            db.ReadinessProbes.Add(new ReadinessProbe { Id = id, CheckedUtc = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });
        return id;
    }

    private Task<List<string>> CommittedTargets() => WithFreshConnection(async connection =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Target FROM OperatorActions WHERE ActorId = 'test' ORDER BY Target";
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return found;
    });

    private async Task<T> WithFreshConnection<T>(Func<SqliteConnection, Task<T>> read)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_app.Database.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        return await read(connection);
    }

    /// <summary>
    /// Makes the writer's next commit fail or wait, throws from the save of a row targeted <see cref="Throws"/>, and
    /// counts the contexts the group commit reports committed.
    /// </summary>
    private sealed class CommitProbe : SaveChangesInterceptor, IDbTransactionInterceptor, IGroupCommitObserver
    {
        public const string Throws = "throws";

        private int _failNext;
        private HeldCommit? _holdNext;
        private int _committed;

        public int CommittedContexts => Volatile.Read(ref _committed);

        public void FailNextCommit() => Volatile.Write(ref _failNext, 1);

        public HeldCommit HoldNextCommit() => _holdNext = new HeldCommit();

        public void Committed(DbContext context) => Interlocked.Increment(ref _committed);

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is ApprovalsDbContext db &&
                db.ChangeTracker.Entries<OperatorAction>().Any(e => e.Entity.Target == Throws))
            {
                throw new InvalidOperationException("A save that throws.");
            }

            return ValueTask.FromResult(result);
        }

        public async ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _failNext, 0) == 1)
            {
                throw new SqliteException("Simulated: the commit failed (disk I/O error).", 10);
            }

            if (Interlocked.Exchange(ref _holdNext, null) is { } held)
            {
                held.Reach();
                await held.Released;
            }

            return result;
        }
    }

    private sealed class HeldCommit
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public Task Released => _released.Task;

        public void Reach() => _reached.SetResult();

        public void Release() => _released.SetResult();
    }
}
