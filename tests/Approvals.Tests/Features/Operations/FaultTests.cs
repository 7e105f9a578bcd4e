using System.Diagnostics;
using Approvals.Benchmarks;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Operations;

/// <summary>
/// The fault suite: the real app as a process of its own, under load, is killed (SIGKILL, as a crash) and started
/// again, stopped (SIGTERM) while it delivers and at random moments of its first start-up, on SQLite with the
/// in-memory bus and on PostgreSQL with RabbitMQ (real servers). Afterwards the database must keep every promise
/// of the README: every acknowledged write is there, every event was delivered once to each of its recipients, and
/// nothing is half-written. Every stop must end with exit code 0 and nothing logged as an error.
/// </summary>
// It chooses its databases itself, so it runs once (in the SQLite pass); alone, as it times deliveries.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
[Collection(BrokerCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output)
{
    private const int Clients = 6;
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(60);
    private const int SigTermExit = 128 + 15;

    [Fact]
    public Task Killed_under_load_and_restarted_on_SQLite_it_keeps_every_promise() => KilledUnderLoad(FaultSetup.Sqlite());

    [Fact]
    public Task Killed_under_load_and_restarted_on_PostgreSQL_with_RabbitMQ_it_keeps_every_promise() =>
        KilledUnderLoad(FaultSetup.PostgresWithRabbitMq());

    [Fact]
    public async Task A_stop_at_a_random_moment_of_the_first_start_up_ends_cleanly_and_the_next_start_serves()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"Random seed {seed}");
        foreach (var setup in new[] { FaultSetup.Sqlite(), FaultSetup.PostgresWithRabbitMq() })
        {
            await using (setup)
            {
                // From the runtime's start to the end of the start-up work (migrations, roles, demo data, the bus).
                var delay = TimeSpan.FromSeconds(random.NextDouble() * 5);
                var app = await setup.StartAsync(waitUntilReady: false);
                await Task.Delay(delay);
                output.WriteLine($"{setup.Name}: SIGTERM {delay.TotalSeconds:0.00} s after the start");
                await StopsCleanly(app, setup.Name, orBeforeTheAppCouldHear: true);

                await using var again = await setup.StartAsync();
                Assert.Equal(6, await setup.WithDb(db => db.Plans.CountAsync()));
                await StopsCleanly(again, setup.Name);
            }
        }
    }

    private async Task KilledUnderLoad(FaultSetup setup)
    {
        await using (setup)
        {
            var clock = Stopwatch.StartNew();
            var app = await setup.StartAsync();
            output.WriteLine($"{setup.Name}: started in {clock.Elapsed.TotalSeconds:0.0} s");
            using var load = new FaultLoad(app.Address, Clients);
            await load.SignInAsync(CancellationToken.None);
            using var stopLoad = new CancellationTokenSource();
            var running = load.RunAsync(stopLoad.Token);
            try
            {
                // A crash under load, at a moment of its own.
                await Task.Delay(TimeSpan.FromSeconds(2 + Random.Shared.NextDouble() * 2));
                var before = load.Acknowledged.Count;
                app.Kill();
                output.WriteLine($"{setup.Name}: killed (SIGKILL) after {before} acknowledged writes");
                await app.DisposeAsync();

                // Started again under the same load; then stopped (SIGTERM) while it takes requests and delivers.
                app = await setup.StartAsync(app.Address.Port);
                await Task.Delay(TimeSpan.FromSeconds(2));
                output.WriteLine($"{setup.Name}: restarted; {load.Acknowledged.Count} acknowledged writes; SIGTERM under load");
                await StopsCleanly(app, setup.Name);
                await app.DisposeAsync();

                app = await setup.StartAsync(app.Address.Port);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            finally
            {
                await stopLoad.CancelAsync();
                await running;
            }

            output.WriteLine($"{setup.Name}: load stopped: {load.Acknowledged.Count} acknowledged writes, {load.Failures} failed requests");
            Assert.True(load.Acknowledged.Count(a => a.JournalId is not null) >= 10, "The load took too few transitions to tell anything.");
            await AllDelivered(setup);
            await StopsCleanly(app, setup.Name);
            await app.DisposeAsync();

            await KeepsEveryPromise(setup, load.Acknowledged);
            output.WriteLine($"{setup.Name}: done in {clock.Elapsed.TotalSeconds:0.0} s");
        }
    }

    /// <param name="orBeforeTheAppCouldHear">
    /// A SIGTERM that comes before the runtime has run the app's first line (a CI run sent one 0.03 s after the
    /// process started) ends the process as SIGTERM's default does, with 143: no code of the app could hear it, and
    /// none of it had run. That is accepted only when the process, just before the signal, had not yet set up .NET's
    /// own signal handling (which the app's first line does), and printed nothing; the next start then has to serve.
    /// </param>
    private async Task StopsCleanly(AppProcess app, string name, bool orBeforeTheAppCouldHear = false)
    {
        var couldHear = HearsSignals(app.Id);
        app.Terminate();
        Assert.True(await app.WaitForExitAsync(StopWithin), $"{name}: the app did not stop within {StopWithin.TotalSeconds:0} s of SIGTERM.");
        if (orBeforeTheAppCouldHear && !couldHear && app.ExitCode == SigTermExit && app.Output.Count == 0)
        {
            output.WriteLine($"{name}: the SIGTERM came before the app's first line ran (exit code {SigTermExit}, no output)");
            return;
        }

        var errors = app.Output.Where(IsError).ToList();
        if (app.ExitCode != 0 || errors.Count > 0)
        {
            var log = Path.Combine(Path.GetTempPath(), $"approvals-fault-{Guid.NewGuid():N}.log");
            await File.WriteAllLinesAsync(log, app.Output);
            Assert.Fail($"{name}: after SIGTERM the app exited with {app.ExitCode} and logged {errors.Count} error(s) (the whole log: {log}); the first:" +
                $"{Environment.NewLine}{string.Join(Environment.NewLine, errors.Take(2))}");
        }
    }

    /// <summary>
    /// Whether .NET's signal handling (System.Native's, which <c>PosixSignalRegistration</c> sets up, as the app's
    /// <c>StopSignal</c> does first) is in place in the process: it alone catches SIGCONT (the runtime's own handlers
    /// from before <c>Main</c> catch SIGTERM and re-raise it). Read from /proc; when in doubt, true.
    /// </summary>
    private static bool HearsSignals(int processId)
    {
        const int sigCont = 18;
        try
        {
            var caught = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
            return caught is null || (Convert.ToUInt64(caught["SigCgt:".Length..].Trim(), 16) & (1UL << (sigCont - 1))) != 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    // The app logs JSON, one object a line (Logging:Format=Json); an unhandled exception goes to stderr as text.
    private static bool IsError(string line) =>
        line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) ||
        line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal) ||
        line.StartsWith("Unhandled exception", StringComparison.Ordinal);

    private static async Task AllDelivered(FaultSetup setup)
    {
        await Eventually.True(() => setup.WithDb(async db =>
            !await db.Outbox.AnyAsync(m => m.SentUtc == null) &&
            await db.Notifications.CountAsync() == Expected(await db.Outbox.Select(m => m.Type).ToListAsync())),
            Delivery, "every event's inbox entries");
    }

    /// <summary>
    /// Who hears of an event in the demo data (README, Notifications): one secretary and one approver per committee,
    /// one administrative reviewer, one council approver; never the actor, who is never the one told here.
    /// </summary>
    private static int RecipientsOf(string type) => type switch
    {
        _ when type == typeof(PlanSubmitted).FullName => 1, // the administrative reviewer
        _ when type == typeof(PlanReturned).FullName => 1, // the owner, the committee's secretary
        _ when type == typeof(PlanApproved).FullName => 2, // the owner, and whoever acts next
        _ when type == typeof(PlanAdopted).FullName => 1, // the owner
        _ => throw new InvalidOperationException($"Unknown event type {type}."),
    };

    private static int Expected(IEnumerable<string> types) => types.Sum(RecipientsOf);

    private async Task KeepsEveryPromise(FaultSetup setup, IReadOnlyCollection<Acknowledged> acknowledged)
    {
        await setup.WithDb(async db =>
        {
            var plans = await db.Plans.AsNoTracking().ToDictionaryAsync(p => p.Id);
            var journal = (await db.Journal.AsNoTracking().ToListAsync()).OrderBy(j => j.Id).GroupBy(j => j.PlanId).ToDictionary(g => g.Key, g => g.ToList());
            var outbox = (await db.Outbox.AsNoTracking().ToListAsync()).OrderBy(m => m.Id).GroupBy(m => m.PlanId).ToDictionary(g => g.Key, g => g.ToList());
            var revisions = (await db.PlanRevisions.AsNoTracking().ToListAsync()).GroupBy(r => r.PlanId).ToDictionary(g => g.Key, g => g.Select(r => r.Number).Order().ToList());
            var entries = await db.Notifications.AsNoTracking().Select(n => new { n.EventId, n.RecipientId }).ToListAsync();
            var journalById = journal.Values.SelectMany(j => j).ToDictionary(j => j.Id);

            // Every acknowledged write is there.
            foreach (var ack in acknowledged)
            {
                Assert.True(plans.ContainsKey(ack.PlanId), $"Plan {ack.PlanId} was acknowledged as created but is not there.");
                if (ack.JournalId is { } id)
                {
                    Assert.True(journalById.TryGetValue(id, out var entry), $"Transition {ack} was acknowledged but is not in the journal.");
                    Assert.Equal((ack.PlanId, ack.Action, ack.FromStage, ack.ToStage), (entry.PlanId, entry.Action, entry.FromStage, entry.ToStage));
                }
            }

            // Nothing half-written: stage, journal, revisions and outbox agree for every plan.
            foreach (var plan in plans.Values)
            {
                var steps = journal.GetValueOrDefault(plan.Id) ?? [];
                var events = outbox.GetValueOrDefault(plan.Id) ?? [];
                var stage = Stages.Draft;
                foreach (var step in steps)
                {
                    Assert.Equal(stage, step.FromStage);
                    stage = step.ToStage;
                }

                Assert.Equal(stage, plan.Stage);
                Assert.Equal(steps.Select(EventOf), events.Select(e => e.Type));
                Assert.Equal(1 + steps.Count(s => s.Action == "return"), plan.Revision);
                Assert.Equal(Enumerable.Range(1, steps.Count(s => s.Action == "submit")), revisions.GetValueOrDefault(plan.Id) ?? []);
            }

            // Every event delivered, once to each of its recipients.
            var all = outbox.Values.SelectMany(e => e).ToList();
            Assert.All(all, m => Assert.NotNull(m.SentUtc));
            Assert.Equal(entries.Count, entries.Distinct().Count());
            var perEvent = entries.GroupBy(e => e.EventId).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(all, m => Assert.Equal(RecipientsOf(m.Type), perEvent.GetValueOrDefault(m.MessageId)));
            Assert.Equal(all.Count, perEvent.Count);
            output.WriteLine($"{setup.Name}: {plans.Count} plans, {journalById.Count} transitions, {all.Count} events, {entries.Count} inbox entries: all consistent");
            return 0;
        });
    }

    private static string EventOf(JournalEntry step) => step switch
    {
        { Action: "submit" } => typeof(PlanSubmitted).FullName!,
        { Action: "return" } => typeof(PlanReturned).FullName!,
        { ToStage: Stages.Adopted } => typeof(PlanAdopted).FullName!,
        _ => typeof(PlanApproved).FullName!,
    };
}

/// <summary>Where a fault test's app runs: its database, its bus, and how the test reads the database afterwards.</summary>
public sealed class FaultSetup : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly Func<DbContextOptions<ApprovalsDbContext>> _options;
    private readonly Func<Task> _cleanUp;

    private FaultSetup(string name, string databaseFile, Dictionary<string, string> environment, Func<DbContextOptions<ApprovalsDbContext>> options, Func<Task> cleanUp)
    {
        Name = name;
        DatabaseFile = databaseFile;
        _environment = environment;
        _options = options;
        _cleanUp = cleanUp;
        _environment["Database__Schema"] = "Migrate";
        _environment["Logging__Format"] = "Json";
        _environment["Logging__LogLevel__Default"] = "Warning";
        // Short, so what a killed instance held comes back within the test's patience.
        _environment["Messaging__Outbox__Lease"] = "00:00:03";
    }

    public string Name { get; }

    private string DatabaseFile { get; }

    public static FaultSetup Sqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "approvals-faults", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "approvals.db");
        return new FaultSetup("SQLite", file, new Dictionary<string, string> { ["Messaging__Transport"] = "InMemory" },
            () => new DbContextOptionsBuilder<ApprovalsDbContext>().UseSqlite(AppProcess.ConnectionStringFor(file)).Options,
            () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(folder, recursive: true);
                return Task.CompletedTask;
            });
    }

    public static FaultSetup PostgresWithRabbitMq()
    {
        var database = TestDatabase.Postgres();
        database.Prepare();
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Approvals"] = database.ConnectionString,
            ["Messaging__Transport"] = "RabbitMq",
            ["Messaging__RabbitMq__Host"] = RabbitMqBroker.Address,
            ["Messaging__Prefix"] = RabbitMqBroker.NewPrefix(),
        };
        return new FaultSetup("PostgreSQL with RabbitMQ", "", environment,
            () => new DbContextOptionsBuilder<ApprovalsDbContext>().UseNpgsql(database.ConnectionString).Options,
            database.Drop);
    }

    public Task<AppProcess> StartAsync(int? port = null, bool waitUntilReady = true) => AppProcess.StartAsync(new AppProcessOptions
    {
        AppDll = AppProcess.DefaultAppDll(),
        DatabaseFile = DatabaseFile,
        Port = port,
        Environment = _environment,
        WaitUntilReady = waitUntilReady,
        ReadyTimeout = TimeSpan.FromMinutes(2),
    }, CancellationToken.None);

    public async Task<T> WithDb<T>(Func<ApprovalsDbContext, Task<T>> work)
    {
        await using var db = new ApprovalsDbContext(_options());
        return await work(db);
    }

    public ValueTask DisposeAsync() => new(_cleanUp());
}
