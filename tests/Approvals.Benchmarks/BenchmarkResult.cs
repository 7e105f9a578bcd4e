using System.Globalization;
using System.Text.Json;

namespace Approvals.Benchmarks;

/// <summary>Everything one benchmark run measured. <see cref="ToJson"/> writes the agreed fields and nothing else.</summary>
public sealed record BenchmarkResult(
    BenchmarkOptions Options,
    WorkflowResult Workflow,
    RawSqliteRun? Raw,
    RawSqliteRun? RawUngated,
    IReadOnlyList<CoverageRun> Coverage,
    double CoveragePeakWorkingSetMb,
    string LoadBefore,
    string LoadAfter)
{
    public const double TargetTransitionsPerSecond = 1_000;
    public const double TargetP99Ms = 50;
    public const double TargetLagP99Ms = 200;
    public const double TargetCoverageMs = 250;
    public const int TargetCoveragePlans = 10_000;
    public const double TargetPeakWorkingSetMb = 300;
    public const double TargetCpuMsPerTransition = 1;
    public const double TargetPlanReadsPerSecond = 6_000;
    public const double TargetActionsReadsPerSecond = 5_000;

    public int Errors => Workflow.Run.Errors + Workflow.PlanReads.Errors + Workflow.ActionsReads.Errors + (Workflow.OutboxDrained ? 0 : 1);

    public double TransitionsPerSecond => Workflow.Run.PerSecond;

    /// <summary>Transitions per second as a share of what the storage did with the same writers taking turns, as the app's do.</summary>
    public double RatioToRawSqlite => Raw is { PerSecond: > 0 } ? TransitionsPerSecond / Raw.PerSecond : 0;

    /// <summary>The app's peak while serving the workflow load, or while building the report if that was higher.</summary>
    public double PeakWorkingSetMb => Math.Max(Workflow.PeakWorkingSetMb, CoveragePeakWorkingSetMb);

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            transitionsPerSecond = Round(TransitionsPerSecond, 1),
            latencyMs = new
            {
                p50 = Round(Workflow.Run.Percentile(50), 2),
                p95 = Round(Workflow.Run.Percentile(95), 2),
                p99 = Round(Workflow.Run.Percentile(99), 2),
            },
            cpuMsPerTransition = Round(Workflow.CpuMsPerTransition, 3),
            readsPerSecond = new
            {
                plan = Round(Workflow.PlanReads.PerSecond, 1),
                actions = Round(Workflow.ActionsReads.PerSecond, 1),
            },
            cpuMsPerRead = new
            {
                plan = Round(Workflow.PlanReads.CpuMsPerRead, 3),
                actions = Round(Workflow.ActionsReads.CpuMsPerRead, 3),
            },
            rawSqliteTransactionsPerSecond = Round(Raw?.PerSecond ?? 0, 1),
            ratioToRawSqlite = Round(RatioToRawSqlite, 4),
            notificationLagMs = new
            {
                p50 = Round(Workflow.Lag.P50.TotalMilliseconds, 2),
                p99 = Round(Workflow.Lag.P99.TotalMilliseconds, 2),
            },
            coverageReportMs = Coverage.ToDictionary(c => c.Plans.ToString(CultureInfo.InvariantCulture), c => Round(c.MedianMs, 2)),
            coverageReportCpuMs = Coverage.ToDictionary(c => c.Plans.ToString(CultureInfo.InvariantCulture), c => Round(c.AppCpuMs, 2)),
            peakWorkingSetMb = Round(PeakWorkingSetMb, 1),
        },
        new JsonSerializerOptions { WriteIndented = true });

    public void Print(TextWriter log)
    {
        var run = Workflow.Run;
        var ran = !ReferenceEquals(Workflow, WorkflowResult.NotRun);
        var lines = new List<(string Measure, string Value, string Target)>();
        if (ran)
        {
            lines.AddRange(WorkflowLines(run));
        }

        lines.AddRange(
        [
            ("Raw SQLite write set, taking turns", Raw is null ? "-" : $"{Raw.PerSecond:N0} tx/s ({Raw.Transactions:N0} tx, {Raw.Writers} writers)", ""),
            ("Raw SQLite, in SQLite's busy handler", RawUngated is null ? "-" : $"{RawUngated.PerSecond:N0} tx/s", ""),
        ]);
        if (ran && Raw is not null)
        {
            lines.Add(("Ratio to raw SQLite", $"{RatioToRawSqlite:P1} (raw is {(RatioToRawSqlite > 0 ? 1 / RatioToRawSqlite : 0):N1}x)", ""));
        }

        if (ran)
        {
            lines.Add(("Notification lag p50 / p99", $"{Workflow.Lag.P50.TotalMilliseconds:N1} / {Workflow.Lag.P99.TotalMilliseconds:N1} ms ({Workflow.Lag.Events:N0} events, max {Workflow.Lag.Max.TotalMilliseconds:N0} ms)",
                Verdict(Workflow.Lag.P99.TotalMilliseconds < TargetLagP99Ms && Workflow.OutboxDrained, $"p99 < {TargetLagP99Ms} ms")));
        }
        foreach (var report in Coverage)
        {
            var target = report.Plans == TargetCoveragePlans ? Verdict(report.MedianMs < TargetCoverageMs, $"< {TargetCoverageMs} ms") : "";
            lines.Add(($"Coverage report, {report.Plans:N0} plans", $"{report.MedianMs:N1} ms ({report.Rows:N0} rows, {report.Bytes / 1024.0 / 1024.0:N1} MB, app CPU {report.AppCpuMs:N1} ms)", target));
        }

        lines.Add(("Peak working set (load / report)", $"{Workflow.PeakWorkingSetMb:N0} / {CoveragePeakWorkingSetMb:N0} MB", Verdict(PeakWorkingSetMb < TargetPeakWorkingSetMb, $"< {TargetPeakWorkingSetMb} MB")));
        lines.Add(("Load average before / after", $"{LoadBefore} / {LoadAfter}", $"{Environment.ProcessorCount} cores"));

        var widths = (lines.Max(l => l.Measure.Length), lines.Max(l => l.Value.Length));
        log.WriteLine();
        foreach (var (measure, value, target) in lines)
        {
            log.WriteLine($"  {measure.PadRight(widths.Item1)}  {value.PadRight(widths.Item2)}  {target}".TrimEnd());
        }

        foreach (var sample in run.ErrorSamples)
        {
            log.WriteLine($"  error: {sample}");
        }

        if (!Workflow.OutboxDrained)
        {
            log.WriteLine("  error: the outbox still held undelivered events a minute after the run");
        }

        log.WriteLine();
    }

    private IEnumerable<(string Measure, string Value, string Target)> WorkflowLines(WorkflowRun run)
    {
        var c = CultureInfo.InvariantCulture;
        yield return ("Transitions per second", run.PerSecond.ToString("N0", c), Verdict(run.PerSecond >= TargetTransitionsPerSecond, $">= {TargetTransitionsPerSecond:N0}"));
        yield return ("Latency p50 / p95 / p99", $"{run.Percentile(50):N1} / {run.Percentile(95):N1} / {run.Percentile(99):N1} ms", Verdict(run.Percentile(99) < TargetP99Ms, $"p99 < {TargetP99Ms} ms"));
        yield return ("Transitions (errors)", $"{run.Transitions:N0} in {run.Elapsed.TotalSeconds:N1} s ({run.Errors} errors)", Verdict(run.Errors == 0, "no errors"));
        yield return ("Plans adopted", $"{run.PlansAdopted:N0} of {Workflow.PlansSeeded:N0} seeded" + (run.RanOutOfPlans ? " (ran out)" : ""), "");
        yield return ("CPU per transition (app / clients)", run.Transitions > 0 ? $"{Workflow.CpuMsPerTransition:N2} / {Workflow.ClientCpu.TotalMilliseconds / run.Transitions:N2} ms" : "-",
            Verdict(Workflow.CpuMsPerTransition <= TargetCpuMsPerTransition, $"<= {TargetCpuMsPerTransition} ms (app)"));
        foreach (var (name, reads, target) in new[] { ("Reads of GET /api/plans/{id}", Workflow.PlanReads, TargetPlanReadsPerSecond), ("Reads of GET /api/plans/{id}/actions", Workflow.ActionsReads, TargetActionsReadsPerSecond) })
        {
            if (reads.Requests + reads.Errors > 0)
            {
                yield return (name, $"{reads.PerSecond.ToString("N0", c)}/s ({reads.Requests:N0} in {reads.Elapsed.TotalSeconds:N1} s, {reads.Errors} errors, app CPU {reads.CpuMsPerRead.ToString("N2", c)} ms each)", Verdict(reads.PerSecond >= target && reads.Errors == 0, $">= {target:N0}/s"));
            }
        }
    }

    private static string Verdict(bool met, string target) => $"{(met ? "ok" : "MISSED")} (target {target})";

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;
}
