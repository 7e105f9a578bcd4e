using System.Data.Common;
using System.Runtime.ExceptionServices;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approvals.Web.Features.Notifications;

/// <summary>
/// Stores deliveries: each event's inbox entries, and its outbox row marked sent, in one transaction with them. Where
/// the <see cref="WriteGate"/> lets one writer in at a time (SQLite), deliveries that wait for it at the same moment
/// share one transaction and one turn: the first to arrive writes every delivery waiting when its turn comes (up to
/// <see cref="MaxBatch"/>), and whoever arrived meanwhile writes the next batch. Under load, half the gate's turns
/// were deliveries of one event each, and every turn (its BEGIN, its COMMIT's write of the log's pages) kept every
/// transition waiting. On SQLite the batches are written on the <see cref="KeptWriter"/>'s connection, their statements
/// compiled once. Where writers go in parallel (PostgreSQL) each delivery has its own transaction, as before.
/// <para>
/// A delivery gets its answer once the COMMIT holding it has returned. Should a batch fail (another instance stored
/// an event's entries in the meantime, and the unique (EventId, RecipientId) index refuses them; anything else), it
/// is rolled back whole and each of its deliveries is written again in a transaction of its own, so only the one at
/// fault fails, and its consumer's retry finds its entries stored.
/// </para>
/// <para>
/// A delivery given the dispatcher's <see cref="HandOnTerms"/> also claims, in its transaction, its plan's next outbox
/// row for the dispatcher, when that row is due and free: the row it marked sent was the plan's first unsent one, so
/// the next is now. The delivery hands the row to the dispatcher after the commit (<see cref="OutboxDispatcher.HandOnAsync"/>).
/// </para>
/// </summary>
public sealed class InboxBatches(WriteGate gate, KeptWriter kept)
{
    /// <summary>At most this many deliveries share a transaction; more wait for the next.</summary>
    public const int MaxBatch = 64;

    private readonly Lock _lock = new();
    private readonly Queue<Delivery> _waiting = new();
    private bool _writing;
    private long _batches;
    private long _deliveries;

    /// <summary>Transactions written, and the deliveries they held (a delivery written again alone counts again).</summary>
    public (long Batches, long Deliveries) Written => (Interlocked.Read(ref _batches), Interlocked.Read(ref _deliveries));

    /// <summary>Deliveries waiting to be taken into a batch.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="entries"/> and marks the event's outbox row sent, through <paramref name="db"/>'s open
    /// connection (it may also write other deliveries waiting). With <paramref name="handOn"/>, also claims the plan's
    /// next outbox row, if that row is due and free, for the dispatcher to publish.
    /// </summary>
    public async Task<Stored> StoreAsync(
        ApprovalsDbContext db, Guid eventId, IReadOnlyCollection<Notification> entries, DateTime sentUtc, (Guid PlanId, HandOnTerms Terms)? handOn = null)
    {
        var delivery = new Delivery(eventId, entries, sentUtc, handOn);
        if (!gate.Serialises)
        {
            await WriteAloneAsync(db, delivery);
            return delivery.Result();
        }

        bool first;
        lock (_lock)
        {
            _waiting.Enqueue(delivery);
            first = !_writing;
            _writing = true;
        }

        if (!first && await delivery.Signal.Task == Step.Written)
        {
            return delivery.Result();
        }

        // This delivery writes the next batch (its own among them), then hands the writing on.
        try
        {
            await WriteBatchAsync(db);
        }
        finally
        {
            Delivery? next = null;
            lock (_lock)
            {
                if (!_waiting.TryPeek(out next))
                {
                    _writing = false;
                }
            }

            next?.Signal.TrySetResult(Step.WriteNext);
        }

        return delivery.Result();
    }

    private async Task WriteBatchAsync(ApprovalsDbContext db)
    {
        var batch = new List<Delivery>(4);
        try
        {
            var failed = false;
            try
            {
                Stored[]? stored = null;
                await InTransactionAsync(db, async commandFor =>
                {
                    // The turn first, then every delivery waiting by then: those that came while it was awaited too.
                    TakeBatch(batch);
                    stored = await WriteRowsAsync(db, commandFor, batch);
                });
                Record(batch, stored!);
            }
            catch (Exception) when (batch.Count > 1)
            {
                // Rolled back whole.
                failed = true;
            }

            if (failed)
            {
                // Each goes again alone, so only the one at fault fails.
                foreach (var delivery in batch)
                {
                    await WriteAloneAsync(db, delivery);
                }
            }
        }
        catch (Exception e)
        {
            // No turn, or a batch of one failed: none of the batch has an answer yet.
            if (batch.Count == 0)
            {
                TakeBatch(batch);
            }

            var error = ExceptionDispatchInfo.Capture(e);
            foreach (var delivery in batch.Where(d => d.Stored is null && d.Error is null))
            {
                delivery.Error = error;
            }
        }
        finally
        {
            foreach (var delivery in batch)
            {
                delivery.Signal.TrySetResult(Step.Written);
            }
        }
    }

    private void TakeBatch(List<Delivery> batch)
    {
        lock (_lock)
        {
            while (batch.Count < MaxBatch && _waiting.TryDequeue(out var delivery))
            {
                batch.Add(delivery);
            }
        }
    }

    private async Task WriteAloneAsync(ApprovalsDbContext db, Delivery delivery)
    {
        try
        {
            Stored[]? stored = null;
            await InTransactionAsync(db, async commandFor => stored = await WriteRowsAsync(db, commandFor, [delivery]));
            Record([delivery], stored!);
        }
        catch (Exception e)
        {
            delivery.Error = ExceptionDispatchInfo.Capture(e);
        }
    }

    // By statements of their own (RowInsert, MarkSentSql) rather than SaveChanges, which built the same INSERTs and
    // UPDATE again for every event and tracked the rows afterwards for nothing. Written to completion once begun: they
    // are committed events' notifications, and a stop waits for the consumers in flight (see PlanEventConsumers).
    // Returns, for each delivery, whether its outbox row was unsent, and the plan's next row it claimed.
    private static async Task<Stored[]> WriteRowsAsync(ApprovalsDbContext db, Func<string, DbCommand> commandFor, List<Delivery> deliveries)
    {
        var stored = new Stored[deliveries.Count];
        for (var i = 0; i < deliveries.Count; i++)
        {
            var delivery = deliveries[i];
            await RowInsert<Notification>.InsertAsync(db, commandFor, delivery.Entries, CancellationToken.None);
            var marked = await MarkSentAsync(db, commandFor, delivery.EventId, delivery.SentUtc);
            var next = marked && delivery.HandOn is { } handOn ? await ClaimNextAsync(db, commandFor, delivery.EventId, handOn.PlanId, handOn.Terms) : null;
            stored[i] = new Stored(marked, next);
        }

        return stored;
    }

    // One transaction, committed when write returns and rolled back when it throws; the write gate's turn is taken as
    // it begins. On SQLite on the kept writer's connection (its statements compiled once), elsewhere on the context's,
    // each statement a command of its own.
    private async Task InTransactionAsync(ApprovalsDbContext db, Func<Func<string, DbCommand>, Task> write)
    {
        if (kept.Enabled)
        {
            await kept.WriteAsync((commandFor, _) => write(commandFor), CancellationToken.None);
            return;
        }

        var commands = new List<DbCommand>();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await write(sql =>
            {
                var command = db.Database.GetDbConnection().CreateCommand();
                commands.Add(command);
                command.Transaction = transaction.GetDbTransaction();
                command.CommandText = sql;
                return command;
            });
            await transaction.CommitAsync(CancellationToken.None);
        }
        finally
        {
            foreach (var command in commands)
            {
                await command.DisposeAsync();
            }
        }
    }

    private void Record(List<Delivery> deliveries, Stored[] stored)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _deliveries, deliveries.Count);
        for (var i = 0; i < deliveries.Count; i++)
        {
            deliveries[i].Stored = stored[i];
        }
    }

    // The lease of the dispatcher that published it ends with it (see OutboxDispatcher).
    private const string MarkSentSql = """
        UPDATE "Outbox" SET "SentUtc" = @sent, "LastError" = NULL, "ClaimToken" = NULL, "LeaseUntilUtc" = NULL
        WHERE "MessageId" = @eventId AND "SentUtc" IS NULL
        """;

    /// <summary>
    /// The delivery confirms the outbox row in the same transaction as the inbox entries. With a broker the dispatcher
    /// has marked it already (nothing to do here); with the in-memory bus this is the only mark, so a process that dies
    /// with the message still in memory publishes it again after restart. True when the row was unsent until now.
    /// </summary>
    private static async Task<bool> MarkSentAsync(ApprovalsDbContext db, Func<string, DbCommand> commandFor, Guid eventId, DateTime sentUtc)
    {
        var command = commandFor(MarkSentSql);
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.SentUtc), "@sent", sentUtc));
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.MessageId), "@eventId", eventId));
        return await command.ExecuteNonQueryAsync(CancellationToken.None) > 0;
    }

    // The plan's next row: the first unsent one after the row just marked (every earlier row of the plan is sent, as
    // that one was the plan's first unsent row when it was published), if due and free, as a pass of the dispatcher
    // claims it. Through the (SentUtc, Id) index from the marked row on: the unsent rows after it, not the whole table.
    private const string ClaimNextSql = $"""
        UPDATE "Outbox" SET "ClaimToken" = @token, "LeaseUntilUtc" = @until
        WHERE "Id" = (
            SELECT "Id" FROM "Outbox"
            WHERE "SentUtc" IS NULL AND "Id" > (SELECT "Id" FROM "Outbox" WHERE "MessageId" = @eventId) AND "PlanId" = @planId
            ORDER BY "Id" LIMIT 1)
          AND "NextAttemptUtc" <= @now AND ("LeaseUntilUtc" IS NULL OR "LeaseUntilUtc" <= @now)
        RETURNING {OutboxDispatcher.ClaimedColumns}
        """;

    /// <summary>Claims the plan's next outbox row for the dispatcher (see <see cref="ClaimNextSql"/>); null when there is none due and free.</summary>
    private static async Task<OutboxMessage?> ClaimNextAsync(ApprovalsDbContext db, Func<string, DbCommand> commandFor, Guid eventId, Guid planId, HandOnTerms terms)
    {
        var command = commandFor(ClaimNextSql);
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.ClaimToken), "@token", terms.Token));
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.LeaseUntilUtc), "@until", terms.LeaseUntilUtc));
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.MessageId), "@eventId", eventId));
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.PlanId), "@planId", planId));
        command.Parameters.Add(ModelParameters.For<OutboxMessage>(db, command, nameof(OutboxMessage.NextAttemptUtc), "@now", terms.NowUtc));
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        if (!await reader.ReadAsync(CancellationToken.None))
        {
            return null;
        }

        return OutboxDispatcher.ClaimedRow(reader, terms.Token, terms.LeaseUntilUtc);
    }

    /// <summary>What a delivery's transaction did: whether it marked the event's outbox row sent, and the plan's next row it claimed.</summary>
    public readonly record struct Stored(bool MarkedSent, OutboxMessage? Next);

    private enum Step
    {
        Written,
        WriteNext,
    }

    private sealed class Delivery(Guid eventId, IReadOnlyCollection<Notification> entries, DateTime sentUtc, (Guid PlanId, HandOnTerms Terms)? handOn)
    {
        public Guid EventId { get; } = eventId;

        public (Guid PlanId, HandOnTerms Terms)? HandOn { get; } = handOn;

        public IReadOnlyCollection<Notification> Entries { get; } = entries;

        public DateTime SentUtc { get; } = sentUtc;

        public TaskCompletionSource<Step> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Once written: what its transaction did.</summary>
        public Stored? Stored { get; set; }

        /// <summary>Once it failed: why.</summary>
        public ExceptionDispatchInfo? Error { get; set; }

        /// <summary>The outcome, once written or failed: <see cref="Stored"/>, or the failure thrown again.</summary>
        public Stored Result()
        {
            Error?.Throw();
            return Stored ?? throw new InvalidOperationException("The delivery has not been written.");
        }
    }
}
