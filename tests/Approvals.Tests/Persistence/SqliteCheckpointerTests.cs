using System.Net.Http.Json;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Persistence;

/// <summary>
/// On SQLite the write-ahead log is copied into the database file by a worker of its own (SqliteCheckpointer), not by
/// whichever commit fills the log, which used to do it while every other writer waited. What a user relies on: what
/// they save reaches the file promptly, and commits take the work over only if the worker falls far behind.
/// </summary>
// SQLite whatever the pass: PostgreSQL has no such log to copy.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class SqliteCheckpointerTests
{
    [Fact]
    public async Task Saved_plans_reach_the_database_file_within_moments_though_no_commit_filled_the_log()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?>(), TestDatabase.Sqlite()).StartAsync();
        var file = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;

        // The app's own connections leave checkpoints to the worker until the log holds 10,000 pages (about 40 MB).
        Assert.Equal(10_000L, await app.WithDb(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            return (long)(await command.ExecuteScalarAsync())!;
        }));

        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = new FileInfo(file).Length;

        // About 400 KB of new pages: far below the 1,000-page log at which SQLite's commits would copy it themselves.
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));
        for (var i = 0; i < 20; i++)
        {
            var response = await client.PostAsJsonAsync("/api/plans", Body(i));
            await response.ReadOk<PlanResponse>();
        }

        var grown = await Eventually.Get(
            () => Task.FromResult(new FileInfo(file).Length),
            length => length >= before + 200 * 1024,
            TimeSpan.FromSeconds(10),
            "the database file to hold the new plans");
        Assert.True(grown >= before + 200 * 1024);
    }

    [Fact]
    public async Task A_checkpoint_by_another_connection_at_the_same_time_does_not_stop_the_worker()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?>(), TestDatabase.Sqlite()).StartAsync();
        var file = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
        var own = new SqliteConnectionStringBuilder(app.Database.ConnectionString) { Pooling = false }.ToString();
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));

        // A reader holds an older snapshot while another connection (an operator's tool, say) checkpoints with
        // RESTART: that checkpoint holds SQLite's checkpoint lock while it waits for the reader, so every checkpoint
        // the worker tries meanwhile finds the lock taken and is answered "busy", with no log size.
        await using (var reader = new SqliteConnection(own))
        await using (var other = new SqliteConnection(own))
        {
            reader.Open();
            Execute(reader, "BEGIN; SELECT COUNT(*) FROM \"Plans\";");
            (await client.PostAsJsonAsync("/api/plans", Body(-1))).EnsureSuccessStatusCode();
            other.Open();
            Execute(other, "PRAGMA busy_timeout=2000;");
            var restart = Task.Run(() => Execute(other, "PRAGMA wal_checkpoint(RESTART);"));
            await Task.Delay(TimeSpan.FromMilliseconds(1500));
            Execute(reader, "COMMIT;");
            await restart;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var before = new FileInfo(file).Length;
        for (var i = 0; i < 20; i++)
        {
            (await client.PostAsJsonAsync("/api/plans", Body(i))).EnsureSuccessStatusCode();
        }

        var grown = await Eventually.Get(
            () => Task.FromResult(new FileInfo(file).Length),
            length => length >= before + 200 * 1024,
            TimeSpan.FromSeconds(10),
            "the database file to hold the new plans: the worker went on checkpointing");
        Assert.True(grown >= before + 200 * 1024);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Under_steady_writes_the_log_is_started_over_and_stays_small()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?>(), TestDatabase.Sqlite()).StartAsync();
        var file = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = new FileInfo(file).Length;

        // Eight writers without a pause, so the log is never all copied at the moment a write begins: copied only in
        // passing, it would grow by everything written (the file's log grows to the most it ever held).
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async writer =>
        {
            for (var i = 0; i < 50; i++)
            {
                var response = await client.PostAsJsonAsync("/api/plans", Body(writer * 100 + i));
                await response.ReadOk<PlanResponse>();
            }
        }));

        var written = await Eventually.Get(
            () => Task.FromResult(new FileInfo(file).Length - before),
            grown => grown >= 16 * 1024 * 1024,
            TimeSpan.FromSeconds(10),
            "the database file to hold the new plans");
        var log = new FileInfo(file + "-wal").Length;
        // Started over at about 1,000 pages (4 MB); missing a start now and then, it may reach twice that.
        Assert.True(log < 10 * 1024 * 1024, $"the log grew to {log / 1024} KB while {written / 1024} KB were written: it was not started over");
    }

    [Fact]
    public async Task With_the_checkpointer_off_commits_copy_the_log_as_sqlite_does_by_default()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Database:CheckpointInterval"] = "00:00:00" }, TestDatabase.Sqlite()).StartAsync();
        Assert.Equal(1_000L, await app.WithDb(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_autocheckpoint;";
            return (long)(await command.ExecuteScalarAsync())!;
        }));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-00:00:01")]
    [InlineData("00:01:00")]
    public async Task An_interval_out_of_bounds_stops_the_app_with_a_message_naming_the_setting(string interval)
    {
        var app = new ConfiguredApp(new Dictionary<string, string?> { ["Database:CheckpointInterval"] = interval }, TestDatabase.Sqlite());
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(app.StartAsync);
            Assert.Contains($"Database:CheckpointInterval is '{interval}'", error.Message);
            Assert.Contains("00:00:10", error.Message);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static object Body(int i) => new
    {
        committee = "ØU",
        title = $"Plan {i}",
        objectives = Enumerable.Range(1, 5).Select(o => new
        {
            title = $"Målsætning {o}: {new string('æ', 400)}",
            goals = Enumerable.Range(1, 6).Select(g => new
            {
                number = $"{g}",
                text = $"Resultatmål {g} {new string('ø', 300)}",
                indicators = new[] { new { text = $"Andelen stiger med {g} procentpoint" } },
                activities = new[] { new { text = $"Aktivitet {g} {new string('å', 200)}" } },
            }).ToArray(),
        }).ToArray(),
    };
}
