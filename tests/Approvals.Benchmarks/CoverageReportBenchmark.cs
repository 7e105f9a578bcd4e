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

        // The client receives into one buffer, kept from call to call: growing a new one for each report (23 MB at
        // 10,000 plans, about 64 MB of fresh memory as it doubles) cost the client 100-400 ms of CPU a call, on the
        // same two cores as the app, and the report's time followed it (see the README, "Performance").
        var buffer = new byte[1 << 20];
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
                (_, buffer) = await CallAsync(api, buffer, cancellationToken);
            }

            // The app's CPU for the timed calls: steadier than their time, which the client's own work on the same
            // cores (receiving 23 MB at 10,000 plans) moves from run to run.
            var cpuBefore = app.CpuTime();
            var times = new double[TimedCalls];
            var length = 0;
            for (var i = 0; i < TimedCalls; i++)
            {
                ((times[i], length), buffer) = await CallAsync(api, buffer, cancellationToken);
            }

            var cpuMs = (app.CpuTime() - cpuBefore).TotalMilliseconds / TimedCalls;
            // What the last call answered, read once the timing is done.
            int rows;
            using (var json = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, length)))
            {
                rows = json.RootElement.GetProperty("rows").GetArrayLength();
            }

            var bytes = (long)length;
            var sorted = times.Order().ToArray();
            runs.Add(new CoverageRun(size, Statistics.Percentile(sorted, 50), sorted, rows, bytes, cpuMs));
        }

        return runs;
    }

    /// <summary>One call, timed until its last byte is in <paramref name="buffer"/> (or in a larger one, returned).</summary>
    private static async Task<((double Ms, int Length) Call, byte[] Buffer)> CallAsync(ApiSession api, byte[] buffer, CancellationToken cancellationToken)
    {
        using var request = api.Request(HttpMethod.Get, "/api/reports/missing-indicators", ApiSession.Coordinator);
        var started = Stopwatch.GetTimestamp();
        using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The coverage report answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(buffer, 0, length)}");
        }

        return ((ms, length), buffer);
    }

    private static async Task<string> OwnerIdAsync(string databaseFile, CancellationToken cancellationToken)
    {
        await using var db = BenchmarkDatabase.Open(databaseFile);
        return await db.Users.Where(u => u.Email == ApiSession.Secretary(Approvals.Core.Plans.Committee.Biu)).Select(u => u.Id).SingleAsync(cancellationToken);
    }
}
