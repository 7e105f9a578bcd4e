using System.Text.Json;
using Approvals.Benchmarks;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Benchmarks;

/// <summary>
/// Runs the benchmark program for two seconds, so it does not rot between the times someone measures with it.
/// It starts the app built beside it as its own process, over an SQLite file of its own: whatever the test pass's
/// database, it never touches it.
/// </summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class BenchmarkSmokeTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), $"approvals-bench-smoke-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task A_two_second_run_drives_plans_through_the_workflow_and_writes_every_agreed_figure()
    {
        var options = new BenchmarkOptions
        {
            Seconds = 2,
            Clients = 4,
            WarmupSeconds = 0,
            ReadSeconds = 1,
            CoverageSizes = [100],
            Out = _out,
        };
        using var log = new StringWriter();

        var result = await BenchmarkProgram.RunAsync(options, log, CancellationToken.None);

        Assert.True(result.Errors == 0, log.ToString());
        Assert.True(result.Workflow.Run.Transitions > 0, log.ToString());
        Assert.Equal(result.Workflow.Run.Transitions, result.Workflow.Lag.Events);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(_out));
        var root = json.RootElement;
        Assert.Equal(
            ["transitionsPerSecond", "latencyMs", "cpuMsPerTransition", "readsPerSecond", "cpuMsPerRead", "rawSqliteTransactionsPerSecond", "ratioToRawSqlite", "notificationLagMs", "coverageReportMs", "coverageReportCpuMs", "peakWorkingSetMb"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["p50", "p95", "p99"], root.GetProperty("latencyMs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["p50", "p99"], root.GetProperty("notificationLagMs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["plan", "actions"], root.GetProperty("readsPerSecond").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["plan", "actions"], root.GetProperty("cpuMsPerRead").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["100"], root.GetProperty("coverageReportMs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["100"], root.GetProperty("coverageReportCpuMs").EnumerateObject().Select(p => p.Name));

        Assert.True(root.GetProperty("transitionsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("rawSqliteTransactionsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("cpuMsPerTransition").GetDouble() > 0);
        Assert.True(root.GetProperty("readsPerSecond").GetProperty("plan").GetDouble() > 0);
        Assert.True(root.GetProperty("readsPerSecond").GetProperty("actions").GetDouble() > 0);
        Assert.True(root.GetProperty("cpuMsPerRead").GetProperty("plan").GetDouble() > 0);
        Assert.True(root.GetProperty("cpuMsPerRead").GetProperty("actions").GetDouble() > 0);
        Assert.InRange(root.GetProperty("ratioToRawSqlite").GetDouble(), 0.0001, 10);
        var latency = root.GetProperty("latencyMs");
        Assert.True(latency.GetProperty("p50").GetDouble() > 0);
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.True(root.GetProperty("coverageReportMs").GetProperty("100").GetDouble() > 0);
        // The whole report was received: every fifth of the 100 plans' 30 goals lacks a real indicator.
        var report = Assert.Single(result.Coverage);
        Assert.Equal(600, report.Rows);
        Assert.InRange(report.Bytes, 600 * 50, 600 * 2_000);
        // The kernel counts CPU in ticks of 10 ms: a few small reports may show none.
        Assert.True(root.GetProperty("coverageReportCpuMs").GetProperty("100").GetDouble() >= 0);
        Assert.True(root.GetProperty("peakWorkingSetMb").GetDouble() > 20);

        // The readable table names every measure.
        var table = log.ToString();
        Assert.Contains("Transitions per second", table);
        Assert.Contains("Raw SQLite write set", table);
        Assert.Contains("Coverage report, 100 plans", table);
        Assert.Contains("Reads of GET /api/plans/{id}/actions", table);
    }

    [Fact]
    public void Bad_options_are_refused_with_the_option_named()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(["--seconds", "zero"]));
        Assert.Contains("--seconds must be a whole number above 0, not 'zero'", e.Message);
        Assert.Contains("Unknown option '--speed'", Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(["--speed"])).Message);
    }

    public void Dispose() => File.Delete(_out);
}
