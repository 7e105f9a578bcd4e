using System.Data.Common;
using System.Runtime.CompilerServices;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// Wakes a background worker at once instead of at its next poll. Wake-ups that arrive while the worker
/// is busy fold into one: the worker reads everything due when it wakes.
/// </summary>
public class WakeSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Wake()
    {
        if (_semaphore.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another caller woke it in between: one wake-up is enough.
        }
    }

    /// <summary>Waits until woken or until <paramref name="timeout"/>.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}

/// <summary>Wakes the <see cref="OutboxDispatcher"/>; raised after every commit that added an outbox row.</summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>Wakes the <see cref="NotificationMailer"/> when new inbox entries need an e-mail.</summary>
public sealed class MailSignal : WakeSignal;

/// <summary>
/// Wakes the outbox dispatcher right after a commit that added outbox rows, so no transition code has to
/// remember to. With an explicit transaction the rows become visible only at its commit, so the wake-up
/// waits for that; a save in a group commit (whose transaction is the writer's) waits for the group's commit.
/// </summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor, IGroupCommitObserver
{
    private static readonly object Marker = new();

    // Contexts whose pending save or open transaction holds new outbox rows.
    private readonly ConditionalWeakTable<DbContext, object> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Track(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Track(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    void IGroupCommitObserver.Committed(DbContext context) => Committed(context);

    private void Track(DbContext? context)
    {
        if (context is ApprovalsDbContext db && HasNewOutboxRows(db))
        {
            _pending.AddOrUpdate(db, Marker);
        }
    }

    // An outbox row is only ever added (Outbox.Enqueue), which marks it Added at once, and nothing refers to it, so it
    // is found without detecting changes: ChangeTracker.Entries would detect them over every tracked entity, and the
    // save runs DetectChanges again right after this.
    private static bool HasNewOutboxRows(ApprovalsDbContext db)
    {
        var tracker = db.ChangeTracker;
        var detecting = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return tracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detecting;
        }
    }

    private void Saved(DbContext? context)
    {
        // Inside a user transaction the rows are not visible to the dispatcher until it commits.
        if (context is not null && context.Database.CurrentTransaction is null && _pending.Remove(context))
        {
            signal.Wake();
        }
    }

    private void Committed(DbContext? context)
    {
        // A save written past SaveChanges (ChangeWriter) commits its rows before it accepts them: they are still new here.
        if (context is not null && (_pending.Remove(context) | (context is ApprovalsDbContext db && HasNewOutboxRows(db))))
        {
            signal.Wake();
        }
    }

    // A missed wake-up costs at most one poll interval; a spurious one costs one query.
    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}
