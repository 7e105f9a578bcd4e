using System.Diagnostics;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Persistence;
using Microsoft.Data.Sqlite;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The kept writer on a SQLite file of its own (it is SQLite's alone: PostgreSQL's writers go in parallel), so each
/// test holds the write gate's turn and decides which writes wait together for the next group.
/// </summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class KeptWriterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"kept-{Guid.NewGuid():N}.db");
    private readonly WriteGate _gate = new(serialise: true);
    private readonly KeptWriter _kept;

    public KeptWriterTests()
    {
        _kept = new KeptWriter(ConnectionString, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", _gate);
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = """
            CREATE TABLE "Log" ("Seq" INTEGER PRIMARY KEY AUTOINCREMENT, "Name" TEXT NOT NULL);
            CREATE TABLE "Plan" ("Id" INTEGER PRIMARY KEY, "Stage" TEXT NOT NULL, "Token" TEXT NOT NULL);
            INSERT INTO "Plan" VALUES (1, 'draft', 'read');
            """;
        create.ExecuteNonQuery();
    }

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _file, Pooling = false }.ToString();

    [Fact]
    public async Task A_caller_that_gives_up_while_its_write_waits_is_answered_at_once_and_the_write_is_not_made()
    {
        using var giveUp = new CancellationTokenSource();
        Task waiting;
        using (await _gate.EnterAsync(CancellationToken.None))
        {
            waiting = _kept.WriteAsync(Log("given up"), giveUp.Token);
            await WhileWaiting(1);
            await giveUp.CancelAsync();

            // Answered while the turn is still held elsewhere: a caller that has gone (a closed request, a stopping
            // host) is not kept until a group gets to its write.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
            Assert.Equal(0, _kept.RequestsWaiting);
        }

        await _kept.WriteAsync(Log("next"), CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(["next"], Logged());
    }

    [Fact]
    public async Task Writes_waiting_together_go_in_the_order_they_came_and_a_second_write_of_a_plan_is_refused_by_the_token_it_read()
    {
        Task[] writes;
        using (await _gate.EnterAsync(CancellationToken.None))
        {
            // Both transitions read the plan at the same token; the one that came first moves it on.
            writes =
            [
                _kept.WriteAsync(Log("first"), CancellationToken.None),
                _kept.WriteAsync(Transition("administrative-review", read: "read", next: "after-submit"), CancellationToken.None),
                _kept.WriteAsync(Transition("draft", read: "read", next: "after-withdraw"), CancellationToken.None),
                _kept.WriteAsync(Log("last"), CancellationToken.None),
            ];
            await WhileWaiting(4);
        }

        await Task.WhenAll(writes[0], writes[1], writes[3]).WaitAsync(Patience);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[2].WaitAsync(Patience));

        Assert.Contains("token", refused.Message);
        Assert.Equal(["first", "last"], Logged());
        Assert.Equal("administrative-review/after-submit", Single("""SELECT "Stage" || '/' || "Token" FROM "Plan" WHERE "Id" = 1"""));
    }

    // Until the kept writer's queue holds this many writes.
    private async Task WhileWaiting(int count)
    {
        var waiting = Stopwatch.StartNew();
        while (_kept.RequestsWaiting < count && waiting.Elapsed < Patience)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, _kept.RequestsWaiting);
    }

    private static Func<Func<string, SqliteCommand>, CancellationToken, Task> Log(string name) => (command, ct) =>
    {
        var insert = command("""INSERT INTO "Log" ("Name") VALUES ($name)""");
        insert.Parameters.AddWithValue("$name", name);
        return insert.ExecuteNonQueryAsync(ct);
    };

    private static Func<Func<string, SqliteCommand>, CancellationToken, Task> Transition(string stage, string read, string next) => async (command, ct) =>
    {
        var update = command("""UPDATE "Plan" SET "Stage" = $stage, "Token" = $next WHERE "Id" = 1 AND "Token" = $read""");
        update.Parameters.AddWithValue("$stage", stage);
        update.Parameters.AddWithValue("$next", next);
        update.Parameters.AddWithValue("$read", read);
        if (await update.ExecuteNonQueryAsync(ct) != 1)
        {
            throw new InvalidOperationException("The plan has changed since it was read: its token is another.");
        }
    };

    private List<string> Logged()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = """SELECT "Name" FROM "Log" ORDER BY "Seq" """;
        using var reader = select.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private string Single(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = sql;
        return (string)select.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _kept.Dispose();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}
