using System.Collections.Concurrent;
using Approvals.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// Publishes committed outbox rows through MassTransit, in <see cref="OutboxMessage.Id"/> order per plan: a
/// plan's row waits while an earlier row of the same plan is unsent. Several app instances may run it on one
/// database: rows are claimed through <see cref="RowLeases{TRow, TKey}"/>, so each is published by the instance
/// that holds it. A failed publish is retried with exponential back-off; the rows of an instance that died are
/// taken over when their lease (<see cref="OutboxOptions.Lease"/>) ends, and a graceful stop releases them at once.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int MaxErrorLength = 2000;

    private readonly OutboxOptions _outbox = options.Value.Outbox;

    // A broker confirms a publish, so the row is sent then. The in-memory bus confirms nothing that survives
    // the process: its consumer marks the row in the inbox transaction instead (see NotificationWriter).
    private readonly bool _sentOnPublish = options.Value.Transport != MessagingTransport.InMemory;

    private readonly RowLeases<OutboxMessage, long> _leases = new(scopes, options.Value.Outbox.Lease, clock, logger, pending: m => m.SentUtc == null);

    // How long a row published on the in-memory bus stays this instance's while its consumer has not marked it sent:
    // longer than the consumer's retries take (about a minute), so it is not published again while they run.
    private static readonly TimeSpan AwaitConsumer = TimeSpan.FromMinutes(2);

    // Publishes not ended yet, including those given up on at the publish timeout.
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();

    // The earliest retry or lease end seen in the last read, so a retry is not left to the next poll.
    private DateTime? _nextDueUtc;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Publishing committed events takes its turn to write ahead of new requests (see WriteGate).
        using var delivery = WriteGate.AsDelivery();
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            // A publish still going (given up on, but not yet ended) finishes before the bus stops: cut off, it
            // would be a fault in the log. Then rows claimed but not published go back at once, not after their lease.
            await Task.WhenAll(_inFlight.Keys).WaitAsync(_outbox.PublishTimeout * 4, clock).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await _leases.DisposeAsync();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
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

            try
            {
                if (published)
                {
                    // Later rows of the plans just published may be due now. Under load, a short pause lets the
                    // next pass take many rows at once instead of one pass (a read and a claim) per row.
                    await Task.Delay(_outbox.GatherDelay, clock, stoppingToken);
                    continue;
                }

                await signal.WaitAsync(NextWait(), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

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

        await using var claim = await _leases.ClaimAsync(db, due, m => m.SentUtc == null && m.NextAttemptUtc <= now, cancellationToken);
        if (claim.Count == 0)
        {
            return false;
        }

        // Only the claimed rows are read whole: the window may hold hundreds of rows already in flight.
        var claimedIds = claim.Keys;
        var claimed = await db.Outbox.AsNoTracking().Where(m => EF.Parameter(claimedIds).Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);

        // Claimed rows belong to different plans, so they may go out together. A stop from here on waits for the
        // publishes (at most the publish timeout) and their outcome: cut off, they would be faults in the log and
        // rows left to their lease.
        var outcomes = await Task.WhenAll(claimed.Select(PublishAsync));

        var sentIds = outcomes.Where(o => o.Error is null).Select(o => o.Row.Id).ToList();
        if (sentIds.Count > 0)
        {
            if (_sentOnPublish)
            {
                var sentUtc = clock.GetUtcNow().UtcDateTime;
                await _leases.ReleaseAsync(
                    db, sentIds, s => s.SetProperty(m => m.SentUtc, sentUtc).SetProperty(m => m.LastError, (string?)null),
                    cancellationToken: CancellationToken.None);
            }
            else
            {
                // Its consumer marks it sent. Should the message be lost with the process, the lease runs out and
                // it goes again; should the consumer give up, it goes again after AwaitConsumer.
                _leases.HandOn(sentIds, AwaitConsumer);
            }
        }

        foreach (var (row, error) in outcomes.Where(o => o.Error is not null))
        {
            var attempt = row.Attempts + 1;
            var delay = Backoff.Delay(attempt, _outbox.RetryBaseDelay, _outbox.RetryMaxDelay);
            var next = clock.GetUtcNow().UtcDateTime + delay;
            _nextDueUtc = _nextDueUtc is { } earliest && earliest < next ? earliest : next;
            var message = Truncate($"{error!.GetType().Name}: {error.Message}");
            logger.LogWarning(
                "Publishing outbox message {MessageId} ({Type}) failed on attempt {Attempt}; retrying in {Delay}. {Error}",
                row.MessageId, row.Type, attempt, delay, message);
            await _leases.ReleaseAsync(
                db, row.Id,
                s => s.SetProperty(m => m.Attempts, attempt).SetProperty(m => m.NextAttemptUtc, next).SetProperty(m => m.LastError, message),
                cancellationToken: CancellationToken.None);
        }

        if (outcomes.Any(o => o.Error is null))
        {
            heartbeat?.Published();
        }

        return sentIds.Count > 0;
    }

    /// <summary>
    /// The first unsent row of each plan, if due and free. Rows are read in Id order from the start of the unsent
    /// ones, so an earlier unsent row of a plan is always seen before its later ones. Only the columns that
    /// decide this are read: the dispatcher runs after every commit, and bodies are read for claimed rows only.
    /// </summary>
    private async Task<List<long>> DueRowsAsync(ApprovalsDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var window = await db.Outbox.AsNoTracking()
            .Where(m => m.SentUtc == null)
            .OrderBy(m => m.Id)
            .Take(Math.Max(_outbox.BatchSize * 4, 200))
            .Select(m => new OutboxHead(m.Id, m.PlanId, m.NextAttemptUtc, m.LeaseUntilUtc))
            .ToListAsync(cancellationToken);

        var plansSeen = new HashSet<Guid>();
        var due = new List<long>();
        _nextDueUtc = null;
        foreach (var row in window)
        {
            if (!plansSeen.Add(row.PlanId))
            {
                continue;
            }

            var dueUtc = row.LeaseUntilUtc is { } leaseEnd && leaseEnd > row.NextAttemptUtc ? leaseEnd : row.NextAttemptUtc;
            if (dueUtc > now)
            {
                _nextDueUtc = _nextDueUtc is { } earliest && earliest < dueUtc ? earliest : dueUtc;
                continue;
            }

            due.Add(row.Id);
            if (due.Count == _outbox.BatchSize)
            {
                break;
            }
        }

        return due;
    }

    private async Task<(OutboxMessage Row, Exception? Error)> PublishAsync(OutboxMessage row)
    {
        // Continues the trace of the request that wrote the row; MassTransit's publish and the consumer follow under it.
        using var activity = Operations.ApprovalsTelemetry.StartOutboxPublish(row.TraceParent, row.Type[(row.Type.LastIndexOf('.') + 1)..], row.MessageId, row.PlanId);
        try
        {
            var planEvent = Outbox.Deserialize(row);

            // Given up on at the publish timeout (the row counts as failed and goes again after its back-off), but
            // cancelled only well after that: a confirm that is merely slow then completes instead of ending as a
            // fault in the log, and the retry's duplicate finds its inbox entries stored and adds nothing.
            var abandon = new CancellationTokenSource(_outbox.PublishTimeout * 4, clock);
            var publish = bus.Publish(planEvent, planEvent.GetType(), Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = row.MessageId;
                // A message no queue is bound to would be dropped by the broker: make it fail and retry instead.
                if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
                {
                    rabbit.Mandatory = true;
                }
            }), abandon.Token);
            Track(publish, abandon);

            // Not every wait inside the transport heeds the token either: the first publish of a message type while
            // the connection is down waits for its exchange to be declared, however long that takes.
            await publish.WaitAsync(_outbox.PublishTimeout, clock);
            return (row, null);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            return (row, new TimeoutException($"The broker did not confirm the publish within {_outbox.PublishTimeout}; is it reachable?"));
        }
        catch (Exception e)
        {
            return (row, e);
        }
    }

    /// <summary>Keeps <paramref name="publish"/> until it ends, so a stop can wait for it instead of cutting it off.</summary>
    private void Track(Task publish, CancellationTokenSource abandon)
    {
        _inFlight.TryAdd(publish, 0);
        _ = publish.ContinueWith(done =>
        {
            _inFlight.TryRemove(done, out _);
            abandon.Dispose();
            _ = done.Exception; // observed: a publish given up on may still fail later
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

/// <summary>What the dispatcher needs of an unsent row to decide whether it is due.</summary>
internal sealed record OutboxHead(long Id, Guid PlanId, DateTime NextAttemptUtc, DateTime? LeaseUntilUtc);
