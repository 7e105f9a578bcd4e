using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The "claim due rows" piece on the real database (SQLite, and PostgreSQL in the second pass), over inbox
/// entries that no mailer touches (no SMTP server is configured). Two <see cref="RowLeases{TRow, TKey}"/> are two
/// instances of one worker; abandoning one is a process that dies.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RowLeasesTests(ApprovalsApp app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Renewed every third of it: a renewal may come up to 1.6 s late on a loaded machine and still be in time.
    private static readonly TimeSpan RenewedLease = TimeSpan.FromSeconds(2.4);

    private RowLeases<Notification, Guid> Worker(TimeSpan lease, TimeProvider? clock = null) =>
        new(app.Services.GetRequiredService<IServiceScopeFactory>(), lease, clock ?? TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task Of_two_instances_claiming_the_same_rows_each_row_goes_to_exactly_one()
    {
        var rows = await Rows(40);
        await using var a = Worker(TimeSpan.FromMinutes(1));
        await using var b = Worker(TimeSpan.FromMinutes(1));

        var claims = await Task.WhenAll(Claim(a, rows), Claim(b, rows));

        Assert.Empty(claims[0].Intersect(claims[1]));
        Assert.Equal(rows.Order(), claims[0].Concat(claims[1]).Order());
        var tokens = await app.WithDb(db => db.Notifications.Where(n => rows.Contains(n.Id)).ToDictionaryAsync(n => n.Id, n => n.ClaimToken));
        Assert.All(claims[0], id => Assert.Equal(a.Token, tokens[id]));
        Assert.All(claims[1], id => Assert.Equal(b.Token, tokens[id]));
    }

    [Fact]
    public async Task A_live_worker_keeps_its_rows_when_its_work_outlasts_the_lease()
    {
        var rows = await Rows(3);
        await using var a = Worker(RenewedLease);
        await using var b = Worker(RenewedLease);
        Assert.Equal(3, (await Claim(a, rows)).Count);

        // Over three leases long: without renewal another instance would have taken the rows over long ago.
        await Task.Delay(RenewedLease * 3.3);

        Assert.Empty(await Claim(b, rows));
        Assert.True(await app.WithDb(db => a.ReleaseAsync(db, rows[0], s => s.SetProperty(n => n.EmailLastError, "done by a"))));
        Assert.Equal("done by a", await app.WithDb(db => db.Notifications.Where(n => n.Id == rows[0]).Select(n => n.EmailLastError).SingleAsync()));
    }

    [Fact]
    public async Task The_rows_of_a_worker_that_died_are_taken_over_when_its_lease_ends_and_its_late_outcome_is_refused()
    {
        var rows = await Rows(3);
        // The instances' clock moves only when the test moves it, so "before the lease ends" holds however slow the machine.
        var clock = new ManualClock();
        var a = Worker(TimeSpan.FromMinutes(1), clock);
        await using var b = Worker(TimeSpan.FromMinutes(1), clock);
        Assert.Equal(3, (await Claim(a, rows)).Count);

        await a.AbandonAsync();
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(await Claim(b, rows));

        clock.Advance(TimeSpan.FromSeconds(1));
        var taken = await Claim(b, rows);
        Assert.Equal(rows.Order(), taken.Order());
        Assert.False(await app.WithDb(db => a.ReleaseAsync(db, rows[0], s => s.SetProperty(n => n.EmailLastError, "late outcome of the dead worker"))));
        Assert.Null(await app.WithDb(db => db.Notifications.Where(n => n.Id == rows[0]).Select(n => n.EmailLastError).SingleAsync()));
        Assert.True(await app.WithDb(db => b.ConfirmAsync(db, rows[0], CancellationToken.None)));
    }

    [Fact]
    public async Task A_graceful_stop_gives_the_rows_back_at_once()
    {
        var rows = await Rows(4);
        var a = Worker(TimeSpan.FromHours(1));
        await using var b = Worker(TimeSpan.FromHours(1));
        Assert.Equal(4, (await Claim(a, rows)).Count);
        Assert.Empty(await Claim(b, rows));

        await a.DisposeAsync();

        Assert.Equal(4, (await Claim(b, rows)).Count);
    }

    [Fact]
    public async Task A_pass_that_ends_without_finishing_its_rows_gives_them_back()
    {
        var rows = await Rows(4);
        await using var a = Worker(TimeSpan.FromHours(1));
        await using var b = Worker(TimeSpan.FromHours(1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDb<int>(async db =>
        {
            await using var claim = await a.ClaimAsync(db, rows, n => n.EmailedUtc == null, CancellationToken.None);
            Assert.Equal(4, claim.Count);
            await a.ReleaseAsync(db, [rows[0]], s => s.SetProperty(n => n.EmailedUtc, DateTime.UtcNow));
            throw new InvalidOperationException("The pass failed half-way.");
        }));

        Assert.Empty(a.Held);
        var second = await Claim(b, rows);
        Assert.Equal(3, second.Count);
        Assert.DoesNotContain(rows[0], second);
    }

    [Fact]
    public async Task A_claim_takes_only_rows_that_are_still_due()
    {
        var rows = await Rows(4);
        await app.WithDb(db => db.Notifications.Where(n => n.Id == rows[1]).ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailedUtc, DateTime.UtcNow)));
        await using var a = Worker(TimeSpan.FromMinutes(1));

        var claimed = await Claim(a, rows);

        Assert.Equal(rows.Where(r => r != rows[1]).Order(), claimed.Order());
    }

    [Fact]
    public async Task A_handed_on_row_is_held_while_someone_else_finishes_it_up_to_a_deadline()
    {
        var rows = await Rows(2);
        await using var a = new RowLeases<Notification, Guid>(
            app.Services.GetRequiredService<IServiceScopeFactory>(), RenewedLease, TimeProvider.System, NullLogger.Instance,
            pending: n => n.EmailedUtc == null);
        await using var b = Worker(RenewedLease);
        Assert.Equal(2, (await Claim(a, rows)).Count);

        a.HandOn(rows, awaitFor: RenewedLease * 3.8);
        // Someone else finishes rows[1], as the in-memory bus's consumer marks a published row sent.
        await app.WithDb(db => db.Notifications.Where(n => n.Id == rows[1]).ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailedUtc, DateTime.UtcNow)));

        // Over two leases on, rows[0] is still held (renewed), and a holds only it.
        await Task.Delay(RenewedLease * 2.5);
        Assert.Empty(await Claim(b, rows));
        Assert.Equal([rows[0]], a.Held);

        // Past the deadline it is let go: its lease runs out and another instance takes it.
        var taken = await Eventually.Get(() => Claim(b, rows)!, c => c?.Count > 0, Patience, "the handed-on row to be let go");
        Assert.Equal([rows[0]], taken);
        Assert.Empty(a.Held);
    }

    [Fact]
    public async Task A_graceful_stop_gives_back_handed_on_rows_too()
    {
        var rows = await Rows(1);
        var a = Worker(TimeSpan.FromHours(1));
        await using var b = Worker(TimeSpan.FromHours(1));
        Assert.Single(await Claim(a, rows));
        a.HandOn(rows, awaitFor: TimeSpan.FromHours(1));

        await a.DisposeAsync();

        Assert.Single(await Claim(b, rows));
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    public void Back_off_doubles_from_the_base_up_to_the_cap()
    {
        var delays = Enumerable.Range(1, 7).Select(a => Backoff.Delay(a, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays);
    }

    private Task<List<Guid>> Claim(RowLeases<Notification, Guid> worker, List<Guid> rows) => app.WithDb(async db =>
    {
        var claim = await worker.ClaimAsync(db, rows, n => n.EmailedUtc == null, CancellationToken.None);
        return claim.Keys.ToList();
    });

    /// <summary>Inbox entries of their own, with no e-mail due, so nothing in the app works on them.</summary>
    private Task<List<Guid>> Rows(int count) => app.WithDb(async db =>
    {
        var eventId = Guid.NewGuid();
        var rows = Enumerable.Range(0, count).Select(i => InboxEntries.For($"lease-test-{i}", eventId, "LeaseTest", "Lease test")).ToList();
        db.Notifications.AddRange(rows);
        await db.SaveChangesAsync();
        return rows.Select(r => r.Id).ToList();
    });

    /// <summary>Wall-clock time that moves only when told; timers run in real time (the renewal's, here, a minute apart).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = DateTime.UtcNow.Ticks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
