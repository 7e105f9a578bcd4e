using Approvals.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// Publishes committed outbox rows through MassTransit, in <see cref="OutboxMessage.Id"/> order per plan: a
/// plan's row waits while an earlier row of the same plan is unsent. Several app instances may run it on one
/// database: an instance first claims a row (a conditional update on <see cref="OutboxMessage.Attempts"/>
/// that only one instance can win), which leases it for <see cref="OutboxOptions.Lease"/>. A failed publish is
/// retried with exponential back-off; a claim whose instance died is taken over when its lease runs out.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    WriteGate writes,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int MaxErrorLength = 2000;

    private readonly OutboxOptions _outbox = options.Value.Outbox;

    // A broker confirms a publish, so the row is sent then. The in-memory bus confirms nothing that survives
    // the process: its consumer marks the row in the inbox transaction instead (see NotificationWriter).
    private readonly bool _sentOnPublish = options.Value.Transport != MessagingTransport.InMemory;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = false;
            try
            {
                published = await DispatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The outbox dispatcher failed; it tries again in {Interval}.", _outbox.PollInterval);
            }

            if (published)
            {
                // Later rows of the plans just published may be due now. Under load, a short pause lets the
                // next pass take many rows at once instead of one pass (a read and a claim) per row.
                try
                {
                    await Task.Delay(_outbox.GatherDelay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                await signal.WaitAsync(NextWait(), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The earliest retry or lease end seen in the last read, so a retry is not left to the next poll.
    private DateTime? _nextDueUtc;

    private TimeSpan NextWait()
    {
        if (_nextDueUtc is not { } due)
        {
            return _outbox.PollInterval;
        }

        var untilDue = due - clock.GetUtcNow().UtcDateTime;
        return untilDue <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1)
            : untilDue < _outbox.PollInterval ? untilDue
            : _outbox.PollInterval;
    }

    /// <summary>Publishes one batch of due rows; true when at least one was published.</summary>
    internal async Task<bool> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        // For the operations page: a dispatcher that stopped reading shows there.
        var heartbeat = scope.ServiceProvider.GetService<Operations.DeliveryHeartbeat>();
        heartbeat?.Pass();
        // One connection for the whole pass (EF Core would open and close it for each statement).
        await db.Database.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        var due = await DueRowsAsync(db, now, cancellationToken);
        if (due.Count == 0)
        {
            return false;
        }

        var claimedIds = await ClaimAsync(db, due, now, cancellationToken);
        if (claimedIds.Count == 0)
        {
            return false;
        }

        // Only the claimed rows are read whole: the window may hold hundreds of rows already in flight.
        var claimed = await db.Outbox.AsNoTracking().Where(m => claimedIds.Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);

        // Claimed rows belong to different plans, so they may go out together.
        var outcomes = await Task.WhenAll(claimed.Select(row => PublishAsync(row, cancellationToken)));

        var sentIds = outcomes.Where(o => o.Error is null).Select(o => o.Row.Id).ToList();
        if (_sentOnPublish && sentIds.Count > 0)
        {
            var sentUtc = clock.GetUtcNow().UtcDateTime;
            using var turn = await writes.EnterAsync(WritePriority.Delivery, cancellationToken);
            await db.Outbox
                .Where(m => sentIds.Contains(m.Id) && m.SentUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentUtc, sentUtc).SetProperty(m => m.LastError, (string?)null), cancellationToken);
        }

        foreach (var (row, error) in outcomes.Where(o => o.Error is not null))
        {
            var delay = Backoff.Delay(row.Attempts, _outbox.RetryBaseDelay, _outbox.RetryMaxDelay);
            var next = clock.GetUtcNow().UtcDateTime + delay;
            _nextDueUtc = _nextDueUtc is { } earliest && earliest < next ? earliest : next;
            var message = Truncate($"{error!.GetType().Name}: {error.Message}");
            logger.LogWarning(
                "Publishing outbox message {MessageId} ({Type}) failed on attempt {Attempt}; retrying in {Delay}. {Error}",
                row.MessageId, row.Type, row.Attempts, delay, message);
            using var turn = await writes.EnterAsync(WritePriority.Delivery, CancellationToken.None);
            await db.Outbox
                .Where(m => m.Id == row.Id && m.SentUtc == null && m.Attempts == row.Attempts)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptUtc, next).SetProperty(m => m.LastError, message), CancellationToken.None);
        }

        if (outcomes.Any(o => o.Error is null))
        {
            heartbeat?.Published();
        }

        return sentIds.Count > 0;
    }

    /// <summary>
    /// The first unsent row of each plan, if due. Rows are read in Id order from the start of the unsent
    /// ones, so an earlier unsent row of a plan is always seen before its later ones. Only the columns that
    /// decide this are read: the dispatcher runs after every commit, and bodies are read for claimed rows only.
    /// </summary>
    private async Task<List<OutboxHead>> DueRowsAsync(ApprovalsDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var window = await db.Outbox.AsNoTracking()
            .Where(m => m.SentUtc == null)
            .OrderBy(m => m.Id)
            .Take(Math.Max(_outbox.BatchSize * 4, 200))
            .Select(m => new OutboxHead(m.Id, m.PlanId, m.Attempts, m.NextAttemptUtc))
            .ToListAsync(cancellationToken);

        var plansSeen = new HashSet<Guid>();
        var due = new List<OutboxHead>();
        _nextDueUtc = null;
        foreach (var row in window)
        {
            if (!plansSeen.Add(row.PlanId))
            {
                continue;
            }

            if (row.NextAttemptUtc > now)
            {
                _nextDueUtc = _nextDueUtc is { } earliest && earliest < row.NextAttemptUtc ? earliest : row.NextAttemptUtc;
                continue;
            }

            due.Add(row);
            if (due.Count == _outbox.BatchSize)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>Leases the rows this instance wins; another instance that read the same rows wins none of them.</summary>
    private async Task<List<long>> ClaimAsync(ApprovalsDbContext db, List<OutboxHead> due, DateTime now, CancellationToken cancellationToken)
    {
        var leaseUntil = now + _outbox.Lease;
        var claimed = new List<long>(due.Count);
        using var turn = await writes.EnterAsync(WritePriority.Delivery, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var row in due)
        {
            var attempts = row.Attempts;
            var won = await db.Outbox
                .Where(m => m.Id == row.Id && m.SentUtc == null && m.Attempts == attempts && m.NextAttemptUtc <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts + 1).SetProperty(m => m.NextAttemptUtc, leaseUntil), cancellationToken);
            if (won == 1)
            {
                claimed.Add(row.Id);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    private async Task<(OutboxMessage Row, Exception? Error)> PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        // Continues the trace of the request that wrote the row; MassTransit's publish and the consumer follow under it.
        using var activity = Operations.ApprovalsTelemetry.StartOutboxPublish(row.TraceParent, row.Type[(row.Type.LastIndexOf('.') + 1)..], row.MessageId, row.PlanId);
        try
        {
            var planEvent = Outbox.Deserialize(row);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_outbox.PublishTimeout);
            var publish = bus.Publish(planEvent, planEvent.GetType(), Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = row.MessageId;
                // A message no queue is bound to would be dropped by the broker: make it fail and retry instead.
                if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }), timeout.Token);

            // Not every wait inside the transport heeds the token: the first publish of a message type while
            // the connection is down waits for its exchange to be declared, however long that takes. The row
            // counts as failed at the timeout either way; should that publish go out later after all, the
            // retry's duplicate finds its inbox entries stored and adds nothing.
            await publish.WaitAsync(_outbox.PublishTimeout, cancellationToken);
            return (row, null);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return (row, new TimeoutException($"The broker did not confirm the publish within {_outbox.PublishTimeout}; is it reachable?"));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return (row, e);
        }
    }

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

/// <summary>What the dispatcher needs of an unsent row to decide whether it is due.</summary>
internal sealed record OutboxHead(long Id, Guid PlanId, int Attempts, DateTime NextAttemptUtc);
