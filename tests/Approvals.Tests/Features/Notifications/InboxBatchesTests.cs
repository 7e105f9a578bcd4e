using System.Data.Common;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// Deliveries that wait for SQLite's write gate at the same moment share one transaction (see <see cref="InboxBatches"/>).
/// The test holds the gate while deliveries queue, lets go, and checks what each was told against what a fresh
/// connection finds: every delivery's entries stored and its outbox row marked sent, or, for the one at fault, nothing.
/// The writers have their own service provider over the app's database, so the app's own deliveries do not mix in.
/// </summary>
// SQLite whatever the pass: where writers go in parallel there are no batches.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class InboxBatchesTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ApprovalsApp _app = ApprovalsApp.On(TestDatabase.Sqlite());
    private ServiceProvider _writers = null!;

    private InboxBatches Batches => _writers.GetRequiredService<InboxBatches>();

    private WriteGate Gate => _writers.GetRequiredService<WriteGate>();

    public Task InitializeAsync()
    {
        _ = _app.Server;
        _writers = GatedWriters.Over(_app, services => services.AddSingleton<InboxBatches>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _writers.DisposeAsync();
        await ((IAsyncLifetime)_app).DisposeAsync();
    }

    [Fact]
    public async Task Deliveries_waiting_together_are_stored_in_one_transaction_and_each_is_told_its_row_was_unsent()
    {
        var events = await UnsentEvents(5);
        var before = Batches.Written;

        var stores = await Queued(events.Select(e => (e, Entries(e, "sekretaer-1", "godkender-1"))).ToArray());

        Assert.All(await Task.WhenAll(stores), Assert.True);
        Assert.Equal((before.Batches + 1, before.Deliveries + 5), Batches.Written);
        Assert.Equal(10, await StoredEntries(events));
        Assert.Empty(await UnsentOf(events));
        // Written on the kept writer's one connection, not on a context's opened for the batch.
        Assert.Equal(1, _writers.GetRequiredService<KeptWriter>().Opened);
    }

    [Fact]
    public async Task A_delivery_whose_entries_are_stored_already_fails_alone_and_the_others_of_its_batch_are_stored()
    {
        var events = await UnsentEvents(3);
        // Another instance stored the middle event's entry for this recipient after this one looked.
        await StoredElsewhere(events[1], "sekretaer-1");

        var stores = await Queued(events.Select(e => (e, Entries(e, "sekretaer-1"))).ToArray());

        Assert.True(await stores[0]);
        await Assert.ThrowsAnyAsync<DbException>(() => stores[1]);
        Assert.True(await stores[2]);
        Assert.Equal(3, await StoredEntries(events));
        // Its row stays unsent, for the consumer's retry (which then finds the entry stored).
        Assert.Equal([events[1]], await UnsentOf(events));
    }

    [Fact]
    public async Task A_delivery_of_an_event_sent_already_stores_its_entries_and_is_told_so()
    {
        var events = await UnsentEvents(3);
        // Its row was marked by another delivery of the same event (with a broker, by the dispatcher).
        await _app.WithDb(db => db.Outbox.Where(m => m.MessageId == events[1]).ExecuteUpdateAsync(s => s.SetProperty(m => m.SentUtc, DateTime.UtcNow)));

        var stores = await Queued((events[0], Entries(events[0], "a")), (events[1], Entries(events[1], "b")), (events[2], []));

        var told = await Task.WhenAll(stores);
        Assert.Equal(new[] { true, false, true }, told);
        Assert.Equal(2, await StoredEntries(events));
        Assert.Empty(await UnsentOf(events));
    }

    [Fact]
    public async Task At_most_a_batch_cap_of_deliveries_share_a_transaction()
    {
        var count = InboxBatches.MaxBatch + 6;
        var events = await UnsentEvents(count);
        var before = Batches.Written;

        var stores = await Queued(events.Select(e => (e, Entries(e, "a"))).ToArray());
        await Task.WhenAll(stores).WaitAsync(Bound);

        Assert.Equal((before.Batches + 2, before.Deliveries + count), Batches.Written);
        Assert.Equal(count, await StoredEntries(events));
    }

    [Fact]
    public async Task Where_writers_go_in_parallel_each_delivery_has_its_own_transaction()
    {
        var parallel = new WriteGate(serialise: false);
        var open = new InboxBatches(parallel, new KeptWriter(null, "", parallel));
        var events = await UnsentEvents(3);

        await using var scope = _writers.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        await db.Database.OpenConnectionAsync();
        foreach (var e in events)
        {
            Assert.True((await open.StoreAsync(db, e, Entries(e, "a"), DateTime.UtcNow)).MarkedSent);
        }

        Assert.Equal((3L, 3L), open.Written);
        Assert.Equal(3, await StoredEntries(events));
    }

    /// <summary>Holds the write gate while each delivery queues (in order), then lets go once all wait.</summary>
    private async Task<Task<bool>[]> Queued(params (Guid EventId, Notification[] Entries)[] deliveries)
    {
        var scopes = new List<AsyncServiceScope>();
        var stores = new List<Task<bool>>();
        var held = await Gate.EnterAsync(CancellationToken.None);
        try
        {
            foreach (var (eventId, entries) in deliveries)
            {
                var scope = _writers.CreateAsyncScope();
                scopes.Add(scope);
                var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
                await db.Database.OpenConnectionAsync();
                stores.Add(Task.Run(async () =>
                {
                    using var delivery = WriteGate.AsDelivery();
                    return (await Batches.StoreAsync(db, eventId, entries, DateTime.UtcNow)).MarkedSent;
                }));
                await Eventually.True(() => Task.FromResult(Batches.Waiting == stores.Count), Bound, "the deliveries to queue");
            }
        }
        finally
        {
            held.Dispose();
        }

        // Every delivery is answered, whatever its answer.
        await Task.WhenAny(Task.WhenAll(stores), Task.Delay(Bound));
        Assert.All(stores, s => Assert.True(s.IsCompleted, "A delivery of the batch was never answered."));
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        return [.. stores];
    }

    private static Notification[] Entries(Guid eventId, params string[] recipients) =>
        [.. recipients.Select(recipient => InboxEntries.For(recipient, eventId, "PlanApproved", "Handleplan godkendt"))];

    private async Task StoredElsewhere(Guid eventId, string recipient) =>
        await _app.WithDb(async db =>
        {
            db.Notifications.AddRange(Entries(eventId, recipient));
            return await db.SaveChangesAsync();
        });

    /// <summary>
    /// Outbox rows, unsent, as the transitions that raised the events left them; due only tomorrow, so the app's own
    /// dispatcher leaves them to the test (it would publish them, and its consumer retry their made-up bodies for a minute).
    /// </summary>
    private async Task<Guid[]> UnsentEvents(int count)
    {
        var events = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        await _app.WithDb(async db =>
        {
            db.Outbox.AddRange(events.Select(e => new OutboxMessage
            {
                MessageId = e,
                PlanId = Guid.NewGuid(),
                Type = "Approvals.Core.Contracts.PlanApproved",
                Body = "{}",
                CreatedUtc = DateTime.UtcNow,
                NextAttemptUtc = DateTime.UtcNow.AddDays(1),
            }));
            return await db.SaveChangesAsync();
        });
        return events;
    }

    private Task<int> StoredEntries(Guid[] events) =>
        _app.WithDb(db => db.Notifications.CountAsync(n => events.Contains(n.EventId)));

    private Task<List<Guid>> UnsentOf(Guid[] events) =>
        _app.WithDb(db => db.Outbox.Where(m => events.Contains(m.MessageId) && m.SentUtc == null).Select(m => m.MessageId).ToListAsync());
}
