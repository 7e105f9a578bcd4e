using System.Diagnostics;

namespace Approvals.Benchmarks;

/// <summary>How many times one GET answered 200 per second, from closed-loop clients.</summary>
/// <param name="AppCpu">The app process's CPU time while the reads were measured: less swayed by the machine's other load than the rate.</param>
public sealed record ReadRun(string Path, int Requests, int Errors, TimeSpan Elapsed, TimeSpan AppCpu = default)
{
    public double PerSecond => Elapsed.TotalSeconds > 0 ? Requests / Elapsed.TotalSeconds : 0;

    public double CpuMsPerRead => Requests > 0 ? AppCpu.TotalMilliseconds / Requests : 0;

    public static readonly ReadRun NotRun = new("", 0, 0, TimeSpan.Zero);
}

/// <summary>
/// Reads of one plan of <see cref="BenchmarkPlans.Goals"/> goals: <c>GET /api/plans/{id}</c> and
/// <c>GET /api/plans/{id}/actions</c>, each from as many clients as the workflow load, for a few seconds, as the
/// plan's committee secretary (a bearer token, as an integration would call it). Each read is warmed up first.
/// </summary>
public static class ReadBenchmark
{
    public static async Task<(ReadRun Plan, ReadRun Actions)> RunAsync(
        ApiSession api, SeededPlan plan, int clients, TimeSpan duration, Func<TimeSpan> appCpu, CancellationToken cancellationToken)
    {
        var reader = ApiSession.Secretary(plan.Committee);
        var planPath = $"/api/plans/{plan.Id}";
        var actionsPath = $"{planPath}/actions";
        var warmup = TimeSpan.FromSeconds(Math.Min(3, duration.TotalSeconds));
        await DriveAsync(api, planPath, reader, clients, warmup, cancellationToken);
        var planRun = await MeasuredAsync(planPath);
        await DriveAsync(api, actionsPath, reader, clients, warmup, cancellationToken);
        var actionsRun = await MeasuredAsync(actionsPath);
        return (planRun, actionsRun);

        async Task<ReadRun> MeasuredAsync(string path)
        {
            var cpu = appCpu();
            var run = await DriveAsync(api, path, reader, clients, duration, cancellationToken);
            return run with { AppCpu = appCpu() - cpu };
        }
    }

    private static async Task<ReadRun> DriveAsync(ApiSession api, string path, string reader, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        var (ok, errors) = (0, 0);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var request = api.Request(HttpMethod.Get, path, reader);
                using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref ok : ref errors);
            }
        }, cancellationToken)));
        clock.Stop();
        return new ReadRun(path, ok, errors, clock.Elapsed);
    }
}
