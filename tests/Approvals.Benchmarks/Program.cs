namespace Approvals.Benchmarks;

public static class Program
{
    /// <summary>With no argument every benchmark runs; <c>--coverage-only</c> runs only the coverage report.</summary>
    public static async Task<int> Main(string[] args)
    {
        string[] known = ["--coverage-only", "--help"];
        if (args.Any(a => !known.Contains(a)) || args.Contains("--help"))
        {
            Console.Error.WriteLine("Usage: Approvals.Benchmarks [--coverage-only]");
            Console.Error.WriteLine("  --coverage-only  GET /api/reports/missing-indicators at 100, 1,000 and 10,000 plans of 30 goals");
            return args.Contains("--help") ? 0 : 2;
        }

#if DEBUG
        Console.WriteLine("Warning: a Debug build. Run with -c Release for figures worth recording.");
#endif
        await RunCoverage();
        return 0;
    }

    private static async Task RunCoverage()
    {
        var medians = await new CoverageReportBenchmark().RunAsync(Console.Out);
        var largest = CoverageReportBenchmark.PlanCounts[^1];
        Console.WriteLine();
        Console.WriteLine(medians[^1] < CoverageReportBenchmark.TargetMilliseconds
            ? $"Coverage report: target met, {medians[^1]:0.0} ms < {CoverageReportBenchmark.TargetMilliseconds} ms at {largest:N0} plans."
            : $"Coverage report: target MISSED, {medians[^1]:0.0} ms >= {CoverageReportBenchmark.TargetMilliseconds} ms at {largest:N0} plans.");
    }
}
