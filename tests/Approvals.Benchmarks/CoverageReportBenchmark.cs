using System.Diagnostics;
using System.Net.Http.Headers;
using Approvals.Persistence;
using Approvals.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Benchmarks;

/// <summary>
/// GET /api/reports/missing-indicators (JSON, and CSV for comparison) at 100, 1,000 and 10,000 plans of 30
/// goals, through Kestrel on loopback over a real SQLite file. One database grows from one size to the next;
/// each size is warmed up first and reported as the median of several timed requests, each timed until the
/// whole body has been read.
/// </summary>
public sealed class CoverageReportBenchmark
{
    public static readonly int[] PlanCounts = [100, 1_000, 10_000];

    public const double TargetMilliseconds = 250;

    private const string Report = "/api/reports/missing-indicators";
    private const string Coordinator = "koordinator@approvals.local";

    public int WarmupRuns { get; init; } = 5;

    public int TimedRuns { get; init; } = 11;

    /// <summary>Runs the benchmark, prints a table to <paramref name="output"/>, and returns the JSON medians in ms, one per size in <see cref="PlanCounts"/>.</summary>
    public async Task<double[]> RunAsync(TextWriter output)
    {
        await using var app = new BenchmarkApp();
        using var client = await app.StartAndSignIn(Coordinator);
        var generator = new PlanGenerator(SeedFile.Load());

        // Only generated plans are measured: the demo seed's six are removed.
        await WithDb(app, db => db.Plans.ExecuteDeleteAsync());

        output.WriteLine($"Coverage report: GET {Report}, {PlanGenerator.GoalsPerPlan} goals per plan, SQLite, Kestrel on loopback");
        output.WriteLine($"{WarmupRuns} warm-up and {TimedRuns} timed requests per size; times in ms (median, min, max).");
        output.WriteLine("cpu = this process's CPU time per request (server and client together): it does not grow when other");
        output.WriteLine("processes load the machine, so it shows the work done where the wall-clock figures are noisy.");
        output.WriteLine();
        output.WriteLine($"{"plans",8} {"goals",8} {"flagged",8} {"json KB",9} {"json med",9} {"min",7} {"max",7} {"cpu",6} {"csv KB",8} {"csv med",8} {"cpu",6}");

        var medians = new List<double>();
        var made = 0;
        foreach (var count in PlanCounts)
        {
            await AddPlans(app, generator, count - made);
            made = count;

            var flagged = await WithDb(app, db => db.Plans.SumAsync(p => p.FlaggedGoalCount));
            var json = await Measure(client, Report, null);
            var csv = await Measure(client, Report + "?format=csv", "text/csv");
            medians.Add(json.Median);
            output.WriteLine($"{count,8:N0} {count * PlanGenerator.GoalsPerPlan,8:N0} {flagged,8:N0} {json.Bytes / 1024,9:N0} {json.Median,9:0.0} {json.Min,7:0.0} {json.Max,7:0.0} {json.CpuPerRequest,6:0} {csv.Bytes / 1024,8:N0} {csv.Median,8:0.0} {csv.CpuPerRequest,6:0}");
        }

        return [.. medians];
    }

    private sealed record Timing(double Median, double Min, double Max, double CpuPerRequest, long Bytes);

    private async Task<Timing> Measure(HttpClient client, string url, string? accept)
    {
        long bytes = 0;
        for (var i = 0; i < WarmupRuns; i++)
        {
            bytes = await Fetch(client, url, accept);
        }

        var times = new List<double>();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < TimedRuns; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await Fetch(client, url, accept);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / TimedRuns;
        times.Sort();
        return new Timing(times[times.Count / 2], times[0], times[^1], cpu, bytes);
    }

    private static async Task<long> Fetch(HttpClient client, string url, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static async Task AddPlans(BenchmarkApp app, PlanGenerator generator, int count)
    {
        const int batch = 500;
        var now = DateTime.UtcNow;
        for (var done = 0; done < count; done += batch)
        {
            var size = Math.Min(batch, count - done);
            await WithDb(app, async db =>
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                db.Plans.AddRange(Enumerable.Range(0, size).Select(_ => generator.Next(now)));
                return await db.SaveChangesAsync();
            });
        }
    }

    private static async Task<T> WithDb<T>(BenchmarkApp app, Func<ApprovalsDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>());
    }
}
