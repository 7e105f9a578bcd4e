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
    /// connection (it may also write other deliveries waiting). True when the outbox row was unsent until now.
    /// </summary>
    public async Task<bool> StoreAsync(ApprovalsDbContext db, Guid eventId, IReadOnlyCollection<Notification> entries, DateTime sentUtc)
    {
        var delivery = new Delivery(eventId, entries, sentUtc);
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
                bool[]? marked = null;
                await InTransactionAsync(db, async commandFor =>
                {
                    // The turn first, then every delivery waiting by then: those that came while it was awaited too.
                    TakeBatch(batch);
                    marked = await WriteRowsAsync(db, commandFor, batch);
                });
                Record(batch, marked!);
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
            foreach (var delivery in batch.Where(d => d.MarkedSent is null && d.Error is null))
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
            bool[]? marked = null;
            await InTransactionAsync(db, async commandFor => marked = await WriteRowsAsync(db, commandFor, [delivery]));
            Record([delivery], marked!);
        }
        catch (Exception e)
        {
            delivery.Error = ExceptionDispatchInfo.Capture(e);
        }
    }

    // By statements of their own (RowInsert, MarkSentSql) rather than SaveChanges, which built the same INSERTs and
    // UPDATE again for every event and tracked the rows afterwards for nothing. Written to completion once begun: they
    // are committed events' notifications, and a stop waits for the consumers in flight (see PlanEventConsumers).
    // Returns, for each delivery, whether its outbox row was unsent.
    private static async Task<bool[]> WriteRowsAsync(ApprovalsDbContext db, Func<string, DbCommand> commandFor, List<Delivery> deliveries)
    {
        var marked = new bool[deliveries.Count];
        for (var i = 0; i < deliveries.Count; i++)
        {
            await RowInsert<Notification>.InsertAsync(db, commandFor, deliveries[i].Entries, CancellationToken.None);
            marked[i] = await MarkSentAsync(db, commandFor, deliveries[i].EventId, deliveries[i].SentUtc);
        }

        return marked;
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

    private void Record(List<Delivery> deliveries, bool[] marked)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _deliveries, deliveries.Count);
        for (var i = 0; i < deliveries.Count; i++)
        {
            deliveries[i].MarkedSent = marked[i];
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

    private enum Step
    {
        Written,
        WriteNext,
    }

    private sealed class Delivery(Guid eventId, IReadOnlyCollection<Notification> entries, DateTime sentUtc)
    {
        public Guid EventId { get; } = eventId;

        public IReadOnlyCollection<Notification> Entries { get; } = entries;

        public DateTime SentUtc { get; } = sentUtc;

        public TaskCompletionSource<Step> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Once written: whether the outbox row was unsent until then.</summary>
        public bool? MarkedSent { get; set; }

        /// <summary>Once it failed: why.</summary>
        public ExceptionDispatchInfo? Error { get; set; }

        /// <summary>The outcome, once written or failed: <see cref="MarkedSent"/>, or the failure thrown again.</summary>
        public bool Result()
        {
            Error?.Throw();
            return MarkedSent ?? throw new InvalidOperationException("The delivery has not been written.");
        }
    }
}
