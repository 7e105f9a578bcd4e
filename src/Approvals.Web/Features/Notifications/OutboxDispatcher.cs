using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Approvals.Persistence;
using Approvals.Web.Persistence;
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
/// <para>
/// With the in-memory bus, a plan's next row does not wait for a pass: the delivery that stores an event claims its
/// plan's next row in the same transaction, in this dispatcher's name (<see cref="HandOnTerms"/>, see
/// <see cref="InboxBatches"/>), and hands it here to publish (<see cref="HandOnAsync"/>). Before, every event of a plan
/// whose previous event was still on its way waited for the pass after that delivery: a read, a claim of its own, and
/// the pause between passes, once for each event in the row.
/// </para>
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    KeptWriter kept,
    CommittedEvents committed,
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

    // The earliest retry or lease end seen in the last read, so a retry is not left to the next poll: its ticks, 0 for
    // none. A hand-on that failed notes its retry here too, from a delivery's thread.
    private long _nextDueTicks;

    // While running with the in-memory bus: deliveries claim their plan's next row for this dispatcher (see HandOnTerms).
    private volatile bool _handingOn;

    // For the operations page, which shows when the dispatcher last published (the hand-on's publishes count too).
    private Operations.DeliveryHeartbeat? _heartbeat;

    /// <summary>
    /// The claim a delivery makes, in its own transaction, of its plan's next row (see <see cref="InboxBatches"/>): null
    /// with a broker, whose confirm marks a row sent and whose consumers may run in another instance, and when stopped.
    /// </summary>
    public HandOnTerms? HandOnTerms()
    {
        if (!_handingOn)
        {
            return null;
        }

        var (token, now, until) = _leases.ClaimTerms();
        return new HandOnTerms(token, now, until);
    }

    /// <summary>
    /// Publishes <paramref name="row"/>, claimed in this dispatcher's name by the delivery that stored its plan's previous
    /// event (<see cref="HandOnTerms"/>), right after that delivery's commit. Never throws: a row it could not publish is
    /// given back, or retried with back-off as a pass does, and a pass takes it then.
    /// </summary>
    /// <param name="db">The delivery's context, idle now: used only to give the row back or record a failed publish.</param>
    public async Task HandOnAsync(ApprovalsDbContext db, OutboxMessage row)
    {
        // The publish continues the trace of the request that wrote the row, as from a pass, not the delivery's trace
        // (the change is this method's own: the caller's stays).
        Activity.Current = null;
        try
        {
            await using var claim = _handingOn ? _leases.Adopt([row.Id]) : null;
            if (claim is null)
            {
                // Stopping: given back at once, for another instance or the next start.
                await _leases.ReleaseAsync(db, [row.Id], cancellationToken: CancellationToken.None);
                return;
            }

            if (!await PublishClaimedAsync(db, [row], _heartbeat))
            {
                // Its retry is due after a back-off, which the next pass reads.
                signal.Wake();
            }
        }
        catch (Exception e)
        {
            // Given back when its claim was disposed, or left to its lease: a pass publishes it.
            logger.LogWarning("Handing on outbox message {MessageId} failed; the dispatcher publishes it instead. {Error}", row.MessageId, e.Message);
            signal.Wake();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Publishing committed events takes its turn to write ahead of new requests (see WriteGate).
        using var delivery = WriteGate.AsDelivery();
        using (var scope = scopes.CreateScope())
        {
            _heartbeat = scope.ServiceProvider.GetService<Operations.DeliveryHeartbeat>();
        }

        _handingOn = !_sentOnPublish;
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            _handingOn = false;
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
        var dueTicks = Interlocked.Read(ref _nextDueTicks);
        if (dueTicks == 0)
        {
            return _outbox.PollInterval;
        }

        var untilDue = new DateTime(dueTicks, DateTimeKind.Utc) - clock.GetUtcNow().UtcDateTime;
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

        var (claim, claimed) = kept.Enabled ? await ClaimKeptAsync(db, due, now, cancellationToken) : await ClaimAsync(db, due, now, cancellationToken);
        await using (claim)
        {
            return claimed.Count > 0 && await PublishClaimedAsync(db, claimed, heartbeat);
        }
    }

    // Claims through the context: one UPDATE, then the rows won and their bodies read (only the claimed rows are read
    // whole: the window may hold hundreds of rows already in flight).
    private async Task<(RowLeases<OutboxMessage, long>.LeaseClaim Claim, List<OutboxMessage> Rows)> ClaimAsync(
        ApprovalsDbContext db, List<long> due, DateTime now, CancellationToken cancellationToken)
    {
        var claim = await _leases.ClaimAsync(db, due, m => m.SentUtc == null && m.NextAttemptUtc <= now, cancellationToken);
        if (claim.Count == 0)
        {
            return (claim, []);
        }

        var claimedIds = claim.Keys;
        var rows = await db.Outbox.AsNoTracking().Where(m => EF.Parameter(claimedIds).Contains(m.Id)).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return (claim, rows);
    }

    // The claim of ClaimAsync (due, unsent and free, checked again as it is written), by one statement that returns the
    // rows it won, in the kept writer's next group (SQLite). Through the context it was a commit of its own on another
    // connection, which dropped the kept writer's page cache, and two reads after it.
    private const string ClaimSql = $"""
        UPDATE "Outbox" SET "ClaimToken" = @token, "LeaseUntilUtc" = @until
        WHERE "Id" IN (SELECT "value" FROM json_each(@ids))
          AND "SentUtc" IS NULL AND "NextAttemptUtc" <= @due AND ("LeaseUntilUtc" IS NULL OR "LeaseUntilUtc" <= @now)
        RETURNING {ClaimedColumns}
        """;

    private async Task<(RowLeases<OutboxMessage, long>.LeaseClaim Claim, List<OutboxMessage> Rows)> ClaimKeptAsync(
        ApprovalsDbContext db, List<long> due, DateTime now, CancellationToken cancellationToken)
    {
        var keys = _leases.Unheld(due);
        var rows = new List<OutboxMessage>(keys.Count);
        if (keys.Count > 0)
        {
            var terms = _leases.ClaimTerms();
            await kept.WriteAsync(async (commandFor, token) =>
            {
                rows.Clear();
                var command = commandFor(ClaimSql);
                command.Parameters.AddWithValue("@ids", $"[{string.Join(',', keys)}]");
                command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.ClaimToken), "@token", terms.Token));
                command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.LeaseUntilUtc), "@until", terms.Until));
                // Due by the pass's own time, as the rows were chosen (the lease's times are whole microseconds: a row due at
                // this very tick would not be due by them, and under a clock that stands still, never).
                command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.NextAttemptUtc), "@due", now));
                command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.LeaseUntilUtc), "@now", terms.Now));
                await using var reader = await command.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    rows.Add(ClaimedRow(reader, terms.Token, terms.Until));
                }
            }, cancellationToken);
        }

        var ids = rows.Select(r => r.Id).ToList();
        if (_leases.Adopt(ids) is { } claim)
        {
            rows.Sort((a, b) => a.Id.CompareTo(b.Id));
            return (claim, rows);
        }

        // Stopping: given back at once, for another instance or the next start.
        await _leases.ReleaseAsync(db, ids, cancellationToken: CancellationToken.None);
        return (new RowLeases<OutboxMessage, long>.LeaseClaim(_leases, []), []);
    }

    /// <summary>The columns a claim returns of each row it won (read by <see cref="ClaimedRow"/>).</summary>
    internal const string ClaimedColumns = "\"Id\", \"MessageId\", \"PlanId\", \"Type\", \"Body\", \"Attempts\", \"TraceParent\"";

    /// <summary>A row a claim returned (<see cref="ClaimedColumns"/>), held under <paramref name="token"/> until <paramref name="until"/>.</summary>
    internal static OutboxMessage ClaimedRow(DbDataReader reader, Guid token, DateTime until) => new()
    {
        Id = reader.GetInt64(0),
        MessageId = reader.GetGuid(1),
        PlanId = reader.GetGuid(2),
        Type = reader.GetString(3),
        Body = reader.GetString(4),
        Attempts = reader.GetInt32(5),
        TraceParent = reader.GetStringOrNull(6),
        ClaimToken = token,
        LeaseUntilUtc = until,
    };

    /// <summary>
    /// Publishes rows this dispatcher holds, and records each outcome: sent (or handed on to its consumer), or failed
    /// with a back-off. True when at least one was published.
    /// </summary>
    private async Task<bool> PublishClaimedAsync(ApprovalsDbContext db, IReadOnlyList<OutboxMessage> claimed, Operations.DeliveryHeartbeat? heartbeat)
    {
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
            NoteDue(next);
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
        DateTime? nextDue = null;
        foreach (var row in window)
        {
            if (!plansSeen.Add(row.PlanId))
            {
                continue;
            }

            var dueUtc = row.LeaseUntilUtc is { } leaseEnd && leaseEnd > row.NextAttemptUtc ? leaseEnd : row.NextAttemptUtc;
            if (dueUtc > now)
            {
                nextDue = nextDue is { } earliest && earliest < dueUtc ? earliest : dueUtc;
                continue;
            }

            due.Add(row.Id);
            if (due.Count == _outbox.BatchSize)
            {
                break;
            }
        }

        Interlocked.Exchange(ref _nextDueTicks, nextDue?.Ticks ?? 0);
        return due;
    }

    private void NoteDue(DateTime dueUtc)
    {
        var seen = Interlocked.Read(ref _nextDueTicks);
        while ((seen == 0 || dueUtc.Ticks < seen) && Interlocked.CompareExchange(ref _nextDueTicks, dueUtc.Ticks, seen) is var was && was != seen)
        {
            seen = was;
        }
    }

    private async Task<(OutboxMessage Row, Exception? Error)> PublishAsync(OutboxMessage row)
    {
        // Continues the trace of the request that wrote the row; MassTransit's publish and the consumer follow under it.
        using var activity = Operations.ApprovalsTelemetry.StartOutboxPublish(row.TraceParent, row.Type[(row.Type.LastIndexOf('.') + 1)..], row.MessageId, row.PlanId);
        try
        {
            // The event the workflow action committed, when this instance wrote it; otherwise read from the row.
            var planEvent = committed.Take(row) ?? Outbox.Deserialize(row);

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

/// <summary>
/// How a delivery claims its plan's next outbox row for the dispatcher (see <see cref="OutboxDispatcher.HandOnTerms"/>):
/// the dispatcher's claim token, the time of the claim, and the lease's end.
/// </summary>
public readonly record struct HandOnTerms(Guid Token, DateTime NowUtc, DateTime LeaseUntilUtc);
