using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Persistence;

/// <summary>
/// A row of background work that one worker at a time may hold: an outbox row to publish, an e-mail to send.
/// <see cref="ClaimToken"/> says who holds it, <see cref="LeaseUntilUtc"/> until when; a row whose lease has
/// ended is free for anyone to claim, so the rows of a worker that died are taken over when their lease ends.
/// </summary>
public interface ILeasedRow<out TKey>
{
    TKey Id { get; }

    Guid? ClaimToken { get; }

    DateTime? LeaseUntilUtc { get; }
}

/// <summary>
/// Claims due rows of one table for one worker, and holds them while it works: the "claim due rows" piece every
/// leased background job uses (the outbox dispatcher, the mailer). Several instances may run the same worker on
/// one database; a row is held by at most one of them at a time.
/// <list type="bullet">
/// <item><b>Claim</b>: one conditional UPDATE stamps the rows still due and free with this worker's token and a
/// lease end; the rows it stamped are the worker's, however many instances tried at once.</item>
/// <item><b>Renew</b>: while the worker holds rows, their lease is extended every third of it, so work that takes
/// longer than the lease (a slow mail server) is never taken over while its worker lives, and the lease itself can
/// be short: a worker that dies leaves its rows for at most one lease.</item>
/// <item><b>Release</b>: finishing a row (sent, failed with a back-off) clears the claim in the same UPDATE that
/// records the outcome, and only while the worker still holds it. <see cref="DisposeAsync"/>, on a graceful stop,
/// releases what is left, so another instance or the next start takes it over at once.</item>
/// <item><b>Hand on</b>: a row whose outcome someone else records (the in-memory bus's consumer marks a published
/// row sent) stays held, renewed, until that happens or a deadline passes; then it is free to go again.</item>
/// </list>
/// </summary>
public sealed class RowLeases<TRow, TKey> : IAsyncDisposable
    where TRow : class, ILeasedRow<TKey>
    where TKey : notnull
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Expression<Func<TRow, bool>> _pending;

    // The rows held, each with the time to stop renewing it (null while the worker itself is at it).
    private readonly Dictionary<TKey, DateTime?> _held = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _renewing;
    private bool _disposed;

    /// <param name="pending">Rows not done yet; a held row that is done no longer needs its lease renewed.</param>
    public RowLeases(IServiceScopeFactory scopes, TimeSpan lease, TimeProvider clock, ILogger logger, Expression<Func<TRow, bool>>? pending = null)
    {
        if (lease < MinimumLease)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lease must be at least 30 ms, so it can be renewed before it ends.");
        }

        _scopes = scopes;
        _lease = lease;
        _clock = clock;
        _logger = logger;
        _pending = pending ?? (_ => true);
    }

    /// <summary>The shortest lease: one that can be renewed, every third of it, before it ends.</summary>
    public static readonly TimeSpan MinimumLease = TimeSpan.FromMilliseconds(30);

    /// <summary>This worker's claim token, new for every start of the process.</summary>
    public Guid Token { get; } = Guid.NewGuid();

    public TimeSpan Lease => _lease;

    /// <summary>The rows this worker holds now.</summary>
    public IReadOnlyCollection<TKey> Held
    {
        get
        {
            lock (_lock)
            {
                return [.. _held.Keys];
            }
        }
    }

    /// <summary>
    /// Claims those of <paramref name="candidates"/> that still satisfy <paramref name="due"/> and that no one holds.
    /// The worker chooses the candidates (its order, its batch size); <paramref name="due"/> is checked again in the
    /// claiming UPDATE, as another instance may have finished a row meanwhile. Dispose the claim when the pass is
    /// over: rows it won that the worker neither released nor handed on go back then, even when the pass failed.
    /// </summary>
    public async Task<LeaseClaim> ClaimAsync(
        ApprovalsDbContext db, IReadOnlyCollection<TKey> candidates, Expression<Func<TRow, bool>> due, CancellationToken cancellationToken)
    {
        var keys = Unheld(candidates);
        if (keys.Count == 0)
        {
            return new LeaseClaim(this, []);
        }

        var now = Now();
        var until = now + _lease;
        var token = (Guid?)Token;
        // The keys go as one parameter (a JSON array on SQLite, an array on PostgreSQL), so the statement's SQL is the
        // same whatever their number and EF Core takes it from its cache: as one parameter per key, it built the SQL
        // again on every claim (the dispatcher claims after every commit).
        var claimed = await db.Set<TRow>()
            .Where(r => EF.Parameter(keys).Contains(r.Id))
            .Where(due)
            .Where(r => r.LeaseUntilUtc == null || r.LeaseUntilUtc <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimToken, token).SetProperty(r => r.LeaseUntilUtc, until), cancellationToken);
        if (claimed == 0)
        {
            return new LeaseClaim(this, []);
        }

        // The lease end just written tells this claim's rows from rows of an earlier claim of the same worker.
        var won = await db.Set<TRow>().AsNoTracking()
            .Where(r => EF.Parameter(keys).Contains(r.Id) && r.ClaimToken == token && r.LeaseUntilUtc == until)
            .Select(r => r.Id)
            .ToListAsync(cancellationToken);
        lock (_lock)
        {
            foreach (var key in won)
            {
                _held[key] = null;
            }

            _renewing ??= Task.Run(RenewWhileHeldAsync);
        }

        return new LeaseClaim(this, won);
    }

    /// <summary>
    /// Those of <paramref name="candidates"/> this worker does not hold already: the only ones a claim may take, whether
    /// <see cref="ClaimAsync"/> or a statement made on <see cref="ClaimTerms"/>.
    /// </summary>
    public List<TKey> Unheld(IEnumerable<TKey> candidates)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return candidates.Where(k => !_held.ContainsKey(k)).ToList();
        }
    }

    /// <summary>
    /// The claim a statement of someone else's makes in this worker's name (a delivery claims its plan's next outbox row
    /// in its own transaction): the token to stamp, and the time now and the lease end, as <see cref="ClaimAsync"/> uses.
    /// A row claimed so is the worker's once <see cref="Adopt"/> takes it on.
    /// </summary>
    public (Guid Token, DateTime Now, DateTime Until) ClaimTerms()
    {
        var now = Now();
        return (Token, now, now + _lease);
    }

    /// <summary>
    /// Takes on rows claimed in this worker's name by someone else's statement (see <see cref="ClaimTerms"/>): from now
    /// on they are held and renewed as if this worker had claimed them, and the claim returned gives back, when
    /// disposed, those the worker neither released nor handed on. Null once stopped: the caller gives them back.
    /// </summary>
    public LeaseClaim? Adopt(IReadOnlyList<TKey> keys)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            foreach (var key in keys)
            {
                _held[key] = null;
            }

            _renewing ??= Task.Run(RenewWhileHeldAsync);
        }

        return new LeaseClaim(this, keys);
    }

    /// <summary>
    /// Ends this worker's hold on <paramref name="keys"/>, applying <paramref name="outcome"/> (the row's result:
    /// sent, a back-off, an error) in the same UPDATE. Rows another worker took over meanwhile are left alone.
    /// Returns how many rows were still held.
    /// </summary>
    public async Task<int> ReleaseAsync(
        ApprovalsDbContext db, IReadOnlyCollection<TKey> keys, Action<UpdateSettersBuilder<TRow>>? outcome = null,
        CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0)
        {
            return 0;
        }

        var list = keys.ToList();
        var token = (Guid?)Token;
        var released = await db.Set<TRow>()
            .Where(r => EF.Parameter(list).Contains(r.Id) && r.ClaimToken == token)
            .ExecuteUpdateAsync(s =>
            {
                outcome?.Invoke(s);
                s.SetProperty(r => r.ClaimToken, (Guid?)null).SetProperty(r => r.LeaseUntilUtc, (DateTime?)null);
            }, cancellationToken);
        Forget(list);
        return released;
    }

    /// <summary>Ends the hold on one row; false when another worker took it over (its outcome is then not recorded).</summary>
    public async Task<bool> ReleaseAsync(
        ApprovalsDbContext db, TKey key, Action<UpdateSettersBuilder<TRow>>? outcome = null, CancellationToken cancellationToken = default) =>
        await ReleaseAsync(db, [key], outcome, cancellationToken) == 1;

    /// <summary>
    /// Makes sure this worker still holds <paramref name="key"/> and that its lease runs a whole lease from now:
    /// call it right before an action that must not happen twice (an e-mail), and skip the action on false.
    /// </summary>
    public async Task<bool> ConfirmAsync(ApprovalsDbContext db, TKey key, CancellationToken cancellationToken)
    {
        var token = (Guid?)Token;
        var until = Now() + _lease;
        var list = new List<TKey> { key };
        var held = await db.Set<TRow>()
            .Where(r => EF.Parameter(list).Contains(r.Id) && r.ClaimToken == token)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntilUtc, until), cancellationToken) == 1;
        if (!held)
        {
            Forget(list);
        }

        return held;
    }

    /// <summary>
    /// Keeps holding <paramref name="keys"/> without working on them, while someone else finishes them (the in-memory
    /// bus's consumer marks a published row sent): they are renewed while pending, for at most
    /// <paramref name="awaitFor"/>; after that the lease runs out and they are free to go again.
    /// </summary>
    public void HandOn(IReadOnlyCollection<TKey> keys, TimeSpan awaitFor)
    {
        var deadline = Now() + awaitFor;
        lock (_lock)
        {
            foreach (var key in keys.Where(_held.ContainsKey))
            {
                _held[key] = deadline;
            }
        }
    }

    /// <summary>Releases every row still held (a graceful stop), and stops renewing.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _stop.CancelAsync();
        if (_renewing is { } renewing)
        {
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var left = Held;
        if (left.Count > 0)
        {
            try
            {
                using var delivery = WriteGate.AsDelivery();
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var released = await ReleaseAsync(db, left, cancellationToken: timeout.Token);
                _logger.LogInformation("Released {Count} claimed {Rows} on stopping, for another instance or the next start.", released, typeof(TRow).Name);
            }
            catch (Exception e)
            {
                // Not released: the rows are taken over when their lease ends, as after a crash.
                _logger.LogWarning("Could not release {Count} claimed {Rows} on stopping ({Error}); they are taken over when their lease ends.",
                    left.Count, typeof(TRow).Name, e.Message);
            }
        }

        _stop.Dispose();
    }

    /// <summary>Stops renewing and forgets the held rows without touching the database, as a process that dies does.</summary>
    internal async Task AbandonAsync()
    {
        lock (_lock)
        {
            _disposed = true;
            _held.Clear();
        }

        await _stop.CancelAsync();
        if (_renewing is { } renewing)
        {
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Gives back those of <paramref name="keys"/> the worker still holds itself; if that fails, lets their lease run out.</summary>
    private async Task ReleaseRemainingAsync(IReadOnlyList<TKey> keys)
    {
        List<TKey> left;
        lock (_lock)
        {
            left = keys.Where(k => _held.TryGetValue(k, out var deadline) && deadline is null).ToList();
        }

        if (left.Count == 0)
        {
            return;
        }

        try
        {
            using var delivery = WriteGate.AsDelivery();
            await using var scope = _scopes.CreateAsyncScope();
            await ReleaseAsync(scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>(), left, cancellationToken: CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Could not give back {Count} claimed {Rows} ({Error}); they are free again when their lease ends.",
                left.Count, typeof(TRow).Name, e.Message);
            Forget(left);
        }
    }

    private async Task RenewWhileHeldAsync()
    {
        using var timer = new PeriodicTimer(_lease / 3, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var held = StillToRenew();
                if (held.Count == 0)
                {
                    continue;
                }

                try
                {
                    await RenewAsync(held, _stop.Token);
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    // The next tick tries again; if the database stays away, the lease ends and another instance,
                    // which cannot reach the database either, has nothing to take over until it can.
                    _logger.LogWarning("Renewing the lease of {Count} {Rows} failed: {Error}", held.Count, typeof(TRow).Name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The held rows to renew now; handed-on rows past their deadline are let go (their lease runs out).</summary>
    private List<TKey> StillToRenew()
    {
        var now = Now();
        lock (_lock)
        {
            foreach (var key in _held.Where(h => h.Value <= now).Select(h => h.Key).ToList())
            {
                _held.Remove(key);
            }

            return [.. _held.Keys];
        }
    }

    private async Task RenewAsync(List<TKey> keys, CancellationToken cancellationToken)
    {
        using var delivery = WriteGate.AsDelivery();
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        var token = (Guid?)Token;
        var until = Now() + _lease;
        var renewed = await db.Set<TRow>()
            .Where(r => EF.Parameter(keys).Contains(r.Id) && r.ClaimToken == token)
            .Where(_pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntilUtc, until), cancellationToken);
        if (renewed < keys.Count)
        {
            // Some were finished or released meanwhile, or taken over after a lease ran out: hold only what still needs it.
            var still = await db.Set<TRow>().AsNoTracking()
                .Where(r => EF.Parameter(keys).Contains(r.Id) && r.ClaimToken == token)
                .Where(_pending)
                .Select(r => r.Id)
                .ToListAsync(cancellationToken);
            Forget(keys.Except(still).ToList());
        }
    }

    private void Forget(List<TKey> keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                _held.Remove(key);
            }
        }
    }

    // Whole microseconds, as PostgreSQL stores them, so the lease end read back equals the one written.
    private DateTime Now()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    /// <summary>The rows one pass of a worker won; disposing it gives back those the pass did not finish or hand on.</summary>
    public sealed class LeaseClaim(RowLeases<TRow, TKey> owner, IReadOnlyList<TKey> keys) : IAsyncDisposable
    {
        public IReadOnlyList<TKey> Keys { get; } = keys;

        public int Count => Keys.Count;

        public ValueTask DisposeAsync() => Keys.Count == 0 ? ValueTask.CompletedTask : new(owner.ReleaseRemainingAsync(Keys));
    }
}

/// <summary>Exponential back-off for retried background work.</summary>
public static class Backoff
{
    /// <summary>base · 2^(attempt-1), capped; attempt counts from 1.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
