using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Web.Persistence;
using Microsoft.Data.Sqlite;

namespace Approvals.Benchmarks;

/// <summary>What the storage alone can do, in the same run: transactions per second of the least a transition writes.</summary>
public sealed record RawSqliteRun(int Transactions, int Writers, bool Gated, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed.TotalSeconds > 0 ? Transactions / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// The storage limit: the least one transition must write (update the plan row under its concurrency token,
/// insert a journal row, insert an outbox row) in one <c>BEGIN IMMEDIATE</c> transaction, straight through
/// Microsoft.Data.Sqlite, from the same number of concurrent writers. The file is the app's kind of file: its
/// schema (tables and indexes, made by the app's model), plans of the same size, the app's pragmas.
/// <para>
/// Gated, the writers take turns through one in-process lock, as the app's <c>WriteGate</c> makes its writers do;
/// ungated, they meet in SQLite's busy handler, which sleeps and retries.
/// </para>
/// </summary>
public static class RawSqliteBenchmark
{
    private const int Plans = 1_000;

    public static async Task<RawSqliteRun> RunAsync(string folder, string appDll, int transactions, int writers, bool gated, CancellationToken cancellationToken)
    {
        var file = Path.Combine(folder, gated ? "raw-gated.db" : "raw-ungated.db");
        await using (var db = BenchmarkDatabase.Open(file))
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }

        await BenchmarkDatabase.InsertPlansAsync(file, BenchmarkDatabase.CommitteePlanWorkflow(appDll), Plans, withGaps: false, "owner", cancellationToken);

        // Each writer owns every writers-th plan and remembers its token, as a client remembers the ETag it read.
        var rows = new List<(string Id, string Token)>(Plans);
        await using (var connection = Open(file))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT Id, ConcurrencyToken FROM Plans ORDER BY Id";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        writers = Math.Min(writers, rows.Count);
        var body = JsonSerializer.Serialize(SampleEvent(), JsonSerializerOptions.Web);
        var next = -1;
        var gate = gated ? new object() : null;
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(
            () => Write(file, rows.Where((_, i) => i % writers == w).ToList(), body, transactions, gate, ref next),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        await Task.WhenAll(threads);
        clock.Stop();
        SqliteConnection.ClearAllPools();
        return new RawSqliteRun(transactions, writers, gated, clock.Elapsed);
    }

    private static void Write(string file, List<(string Id, string Token)> plans, string body, int transactions, object? gate, ref int next)
    {
        using var connection = Open(file);
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE Plans SET Stage = $stage, UpdatedUtc = $now, ConcurrencyToken = $new WHERE Id = $id AND ConcurrencyToken = $old";
        var (stage, now, newToken, id, oldToken) = (update.Parameters.Add("$stage", SqliteType.Text), update.Parameters.Add("$now", SqliteType.Text),
            update.Parameters.Add("$new", SqliteType.Text), update.Parameters.Add("$id", SqliteType.Text), update.Parameters.Add("$old", SqliteType.Text));

        using var journal = connection.CreateCommand();
        journal.CommandText = """
            INSERT INTO Journal (PlanId, Action, FromStage, ToStage, ActorId, ActorName, AtUtc, Comment, Revision)
            VALUES ($id, 'approve', $from, $stage, 'reviewer-id', 'Administrativ sagsbehandler', $now, NULL, 1)
            """;
        var (journalPlan, journalFrom, journalStage, journalNow) = (journal.Parameters.Add("$id", SqliteType.Text), journal.Parameters.Add("$from", SqliteType.Text),
            journal.Parameters.Add("$stage", SqliteType.Text), journal.Parameters.Add("$now", SqliteType.Text));

        using var outbox = connection.CreateCommand();
        outbox.CommandText = """
            INSERT INTO Outbox (MessageId, PlanId, Type, Body, CreatedUtc, SentUtc, Attempts, NextAttemptUtc, LastError)
            VALUES ($message, $id, 'Approvals.Core.Contracts.PlanApproved', $body, $now, NULL, 0, $now, NULL)
            """;
        var (message, outboxPlan, outboxNow) = (outbox.Parameters.Add("$message", SqliteType.Text), outbox.Parameters.Add("$id", SqliteType.Text),
            outbox.Parameters.Add("$now", SqliteType.Text));
        outbox.Parameters.AddWithValue("$body", body);

        var stages = Stages.All;
        var tokens = plans.Select(p => p.Token).ToArray();
        var position = new int[plans.Count];
        for (var turn = 0; Interlocked.Increment(ref next) < transactions; turn++)
        {
            var p = turn % plans.Count;
            var from = stages[position[p] % stages.Count];
            var to = stages[++position[p] % stages.Count];
            var token = Guid.NewGuid().ToString().ToUpperInvariant();
            var at = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

            if (gate is null)
            {
                Transact();
            }
            else
            {
                lock (gate)
                {
                    Transact();
                }
            }

            void Transact()
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                update.Transaction = journal.Transaction = outbox.Transaction = transaction;
                (stage.Value, now.Value, newToken.Value, id.Value, oldToken.Value) = (to, at, token, plans[p].Id, tokens[p]);
                if (update.ExecuteNonQuery() != 1)
                {
                    throw new InvalidOperationException($"Raw SQLite: plan {plans[p].Id} was not at the token this writer last wrote.");
                }

                (journalPlan.Value, journalFrom.Value, journalStage.Value, journalNow.Value) = (plans[p].Id, from, to, at);
                journal.ExecuteNonQuery();
                (message.Value, outboxPlan.Value, outboxNow.Value) = (Guid.NewGuid().ToString().ToUpperInvariant(), plans[p].Id, at);
                outbox.ExecuteNonQuery();
                transaction.Commit();
            }

            tokens[p] = token;
        }
    }

    private static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection(AppProcess.ConnectionStringFor(file));
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = SqlitePragmas.Statements;
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>An event as a transition enqueues it, so the outbox row has the real size.</summary>
    private static PlanApproved SampleEvent() => new(
        Guid.NewGuid(), Guid.NewGuid(), Committee.Biu.Code, "Handleplan 1234 for Beskæftigelses- og Integrationsudvalget", 1,
        Stages.AdministrativeReview, Stages.CommitteeApproval, Guid.NewGuid().ToString(), DateTime.UtcNow, ["CommitteeApprover"]);
}
