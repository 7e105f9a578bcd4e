using System.Diagnostics;
using System.Globalization;
using Approvals.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Benchmarks;

/// <summary>
/// Runs the workflow load against the real app, the raw SQLite limit and the coverage report, prints a table and
/// writes the figures as JSON. <see cref="RunAsync"/> is the entry the smoke test calls.
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Unwind, so the app process is killed on the way out.
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            var result = await RunAsync(options, Console.Out, cancel.Token);
            return result.Errors == 0 ? 0 : 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled; the app was stopped.");
            return 130;
        }
    }

    public static async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var appDll = Path.GetFullPath(options.App ?? AppProcess.DefaultAppDll());
        var folder = Path.Combine(Path.GetTempPath(), "approvals-bench", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(folder);
        var loadBefore = Machine.LoadAverage();
        log.WriteLine($"Approvals benchmark: {options.Clients} clients, {options.Seconds} s measured after {options.WarmupSeconds} s warm-up");
        log.WriteLine($"App: {appDll}");
        log.WriteLine(options.RuntimeDefaults
            ? "Runtime: its defaults (--runtime-defaults)"
            : $"Runtime: {string.Join(", ", AppProcess.RuntimeEnvironment.Select(e => $"{e.Key}={e.Value}"))}, as the launch profile and the image set");
        log.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {loadBefore}");
        log.WriteLine($"Data: {folder}");
        try
        {
            var workflow = options.Parts.Contains("workflow")
                ? await RunWorkflowAsync(options, appDll, folder, log, cancellationToken)
                : WorkflowResult.NotRun;

            // As many transactions as the app made transitions, so both ran for a like amount of work.
            var transactions = workflow.Run.Transitions > 0 ? workflow.Run.Transitions : options.RawTransactions;
            RawSqliteRun? raw = null, rawUngated = null;
            if (options.Parts.Contains("raw"))
            {
                log.WriteLine($"Raw SQLite: {transactions:N0} transactions from {options.Clients} writers, taking turns and then not ...");
                raw = await RawSqliteBenchmark.RunAsync(folder, appDll, transactions, options.Clients, gated: true, cancellationToken);
                rawUngated = await RawSqliteBenchmark.RunAsync(folder, appDll, transactions, options.Clients, gated: false, cancellationToken);
            }

            List<CoverageRun> coverage = [];
            double coveragePeakMb = 0;
            if (options.Parts.Contains("coverage"))
            {
                log.WriteLine($"Coverage report at {string.Join(", ", options.CoverageSizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} plans ...");
                await using var app = await AppProcess.StartAsync(AppOptions(options, appDll, Path.Combine(folder, "coverage.db")), cancellationToken);
                coverage = await CoverageReportBenchmark.RunAsync(app, appDll, options.CoverageSizes, cancellationToken);
                coveragePeakMb = app.PeakWorkingSetMb();
            }

            var result = new BenchmarkResult(options, workflow, raw, rawUngated, coverage, coveragePeakMb, loadBefore, Machine.LoadAverage());
            result.Print(log);
            if (options.Out is { } path)
            {
                await File.WriteAllTextAsync(path, result.ToJson(), cancellationToken);
                log.WriteLine($"Wrote {Path.GetFullPath(path)}");
            }

            return result;
        }
        finally
        {
            SqliteCleanup();
            if (!options.Keep)
            {
                TryDelete(folder);
            }
        }
    }

    private static AppProcessOptions AppOptions(BenchmarkOptions options, string appDll, string databaseFile) =>
        new() { AppDll = appDll, DatabaseFile = databaseFile, RuntimeDefaults = options.RuntimeDefaults };

    private static async Task<WorkflowResult> RunWorkflowAsync(BenchmarkOptions options, string appDll, string folder, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine("Starting the app ...");
        await using var app = await AppProcess.StartAsync(AppOptions(options, appDll, Path.Combine(folder, "app.db")), cancellationToken);
        using var api = new ApiSession(app.Address, options.Clients);
        await api.SignInAsync(ApiSession.WorkflowAccounts(), cancellationToken);
        var bench = new WorkflowBenchmark(api, options.Clients);

        // Warm-up: the same load, not counted. It also tells how many plans the measured run will need. Only the
        // time spent driving plans counts towards it, not the seeding between rounds.
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var (warmupTransitions, warmupBusy, fastestRound) = (0, TimeSpan.Zero, 0.0);
        while (warmupBusy < warmup)
        {
            var plans = await bench.SeedAsync(Math.Max(options.Clients * 25, 200), cancellationToken);
            var run = await bench.DriveAsync(plans, warmup - warmupBusy, cancellationToken);
            (warmupTransitions, warmupBusy) = (warmupTransitions + run.Transitions, warmupBusy + run.Elapsed);
            // A round cut short by the warm-up's end is too short to tell the pace.
            fastestRound = run.Elapsed >= TimeSpan.FromSeconds(0.5) ? Math.Max(fastestRound, run.PerSecond) : fastestRound;
            if (run.Errors > 0)
            {
                throw new InvalidOperationException($"The warm-up had {run.Errors} failed transitions, e.g. {string.Join(" | ", run.ErrorSamples)}");
            }
        }

        var warmupRate = warmupBusy > TimeSpan.Zero ? warmupTransitions / warmupBusy.TotalSeconds : 0;
        if (options.WarmupSeconds > 0)
        {
            log.WriteLine($"Warm-up: {warmupTransitions:N0} transitions, {warmupRate:N0}/s (fastest round {fastestRound:N0}/s)");
        }

        // Enough drafts for the measured run at well above the warm-up's pace, so the clients never run dry. The
        // warm-up's average includes the first rounds' compiling (on a fast machine half the measured pace), so the
        // pace is its fastest round's; and a warm-up slowed by a busy moment was seen at 0.4 of the measured pace.
        var expectedRate = Math.Max(Math.Max(warmupRate, fastestRound), 500) * 2.5;
        var needed = (int)Math.Ceiling(expectedRate * options.Seconds / WorkflowBenchmark.TransitionsPerPlan) + options.Clients * 2;
        log.WriteLine($"Seeding {needed:N0} plans of {BenchmarkPlans.Goals} goals through POST /api/plans ...");
        var seeded = await bench.SeedAsync(needed, cancellationToken);
        // One plan of the seeded ones is kept for the reads, after the transitions.
        seeded.TryDequeue(out var readPlan);
        await WaitForOutboxAsync(app.DatabaseFile, TimeSpan.FromSeconds(60), cancellationToken);

        log.WriteLine($"Measuring for {options.Seconds} s ...");
        var since = DateTime.UtcNow;
        var (cpuBefore, clientCpuBefore) = (app.CpuTime(), Process.GetCurrentProcess().TotalProcessorTime);
        var measured = await bench.DriveAsync(seeded, TimeSpan.FromSeconds(options.Seconds), cancellationToken);
        var (cpu, clientCpu) = (app.CpuTime() - cpuBefore, Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore);
        var drained = await WaitForOutboxAsync(app.DatabaseFile, TimeSpan.FromSeconds(60), cancellationToken);

        var reads = (Plan: ReadRun.NotRun, Actions: ReadRun.NotRun);
        if (options.ReadSeconds > 0 && readPlan is not null)
        {
            log.WriteLine($"Reading one plan and its actions, {options.ReadSeconds} s each ...");
            reads = await ReadBenchmark.RunAsync(api, readPlan, options.Clients, TimeSpan.FromSeconds(options.ReadSeconds), app.CpuTime, cancellationToken);
        }

        LagSummary lag;
        await using (var db = BenchmarkDatabase.Open(app.DatabaseFile))
        {
            lag = await NotificationLag.MeasureAsync(db, since, cancellationToken);
        }

        return new WorkflowResult(measured, warmupTransitions, warmupRate, needed, lag, drained, cpu, clientCpu, app.PeakWorkingSetMb(), reads.Plan, reads.Actions);
    }

    /// <summary>Waits until every outbox row is delivered to the inbox; false when some are still waiting at the deadline.</summary>
    private static async Task<bool> WaitForOutboxAsync(string databaseFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = BenchmarkDatabase.Open(databaseFile))
            {
                if (!await db.Outbox.AnyAsync(m => m.SentUtc == null, cancellationToken))
                {
                    return true;
                }
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static void SqliteCleanup() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the system eventually.
        }
    }
}

/// <summary>The workflow part of a run: the measured load, its warm-up, and what the app did meanwhile.</summary>
public sealed record WorkflowResult(
    WorkflowRun Run,
    int WarmupTransitions,
    double WarmupRate,
    int PlansSeeded,
    LagSummary Lag,
    bool OutboxDrained,
    TimeSpan AppCpu,
    TimeSpan ClientCpu,
    double PeakWorkingSetMb,
    ReadRun PlanReads,
    ReadRun ActionsReads)
{
    /// <summary>The app process's CPU time during the measured transitions, per transition.</summary>
    public double CpuMsPerTransition => Run.Transitions > 0 ? AppCpu.TotalMilliseconds / Run.Transitions : 0;

    /// <summary>Stands in when only other parts were asked for.</summary>
    public static readonly WorkflowResult NotRun = new(
        new WorkflowRun(0, 0, [], TimeSpan.Zero, [], 0, false), 0, 0, 0, new LagSummary(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
        true, TimeSpan.Zero, TimeSpan.Zero, 0, ReadRun.NotRun, ReadRun.NotRun);
}

internal static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages, as uptime prints them; "unknown" off Linux.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
