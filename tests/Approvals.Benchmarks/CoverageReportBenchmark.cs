using System.Diagnostics;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Benchmarks;

/// <summary>The coverage report timed at one size: the median of several calls, the app's CPU per call, and what it answered.</summary>
public sealed record CoverageRun(int Plans, double MedianMs, double[] TimesMs, int Rows, long Bytes, double AppCpuMs);

/// <summary>
/// <c>GET /api/reports/missing-indicators</c> (JSON, as the coordinator) against the real app over a real SQLite
/// file holding exactly N plans of 30 goals, every fifth goal lacking a real indicator. The plans are written
/// straight into the file through the app's model (seeding 10,000 plans through the API would take longer than
/// the measurement); their stored flags are the domain's own.
/// </summary>
public static class CoverageReportBenchmark
{
    // A server answers the report all day: time it once the JIT has optimised its loops (tiered compilation
    // recompiles a method after ~30 calls), not while they still run unoptimised. Smaller sizes go first and
    // warm the same code.
    private const int WarmupCalls = 20;
    private const int TimedCalls = 7;

    public static async Task<List<CoverageRun>> RunAsync(AppProcess app, string appDll, IReadOnlyList<int> sizes, CancellationToken cancellationToken)
    {
        using var api = new ApiSession(app.Address, 1);
        await api.SignInAsync([ApiSession.Coordinator], cancellationToken);
        var workflow = BenchmarkDatabase.CommitteePlanWorkflow(appDll);
        var owner = await OwnerIdAsync(app.DatabaseFile, cancellationToken);

        var runs = new List<CoverageRun>();
        foreach (var size in sizes.Order())
        {
            await using (var db = BenchmarkDatabase.Open(app.DatabaseFile))
            {
                // The demo seed's plans, or the previous size's.
                await db.Database.ExecuteSqlRawAsync("""DELETE FROM "PlanContents"; DELETE FROM "Plans";""", cancellationToken);
            }

            await BenchmarkDatabase.InsertPlansAsync(app.DatabaseFile, workflow, size, withGaps: true, owner, cancellationToken);

            for (var i = 0; i < WarmupCalls; i++)
            {
                await CallAsync(api, cancellationToken);
            }

            // The app's CPU for the timed calls: steadier than their time, which the client's own work on the same
            // cores (receiving 23 MB at 10,000 plans) moves from run to run.
            var cpuBefore = app.CpuTime();
            var times = new double[TimedCalls];
            var (rows, bytes) = (0, 0L);
            for (var i = 0; i < TimedCalls; i++)
            {
                (times[i], rows, bytes) = await CallAsync(api, cancellationToken);
            }

            var cpuMs = (app.CpuTime() - cpuBefore).TotalMilliseconds / TimedCalls;
            var sorted = times.Order().ToArray();
            runs.Add(new CoverageRun(size, Statistics.Percentile(sorted, 50), sorted, rows, bytes, cpuMs));
        }

        return runs;
    }

    private static async Task<(double Ms, int Rows, long Bytes)> CallAsync(ApiSession api, CancellationToken cancellationToken)
    {
        using var request = api.Request(HttpMethod.Get, "/api/reports/missing-indicators", ApiSession.Coordinator);
        var started = Stopwatch.GetTimestamp();
        using var response = await api.Http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The coverage report answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        using var json = System.Text.Json.JsonDocument.Parse(body);
        return (ms, json.RootElement.GetProperty("rows").GetArrayLength(), body.LongLength);
    }

    private static async Task<string> OwnerIdAsync(string databaseFile, CancellationToken cancellationToken)
    {
        await using var db = BenchmarkDatabase.Open(databaseFile);
        return await db.Users.Where(u => u.Email == ApiSession.Secretary(Approvals.Core.Plans.Committee.Biu)).Select(u => u.Id).SingleAsync(cancellationToken);
    }
}
