using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Approvals.Core.Plans;

namespace Approvals.Benchmarks;

/// <summary>A plan started by the benchmark, in draft, with the ETag to act on it.</summary>
public sealed record SeededPlan(Guid Id, Committee Committee, string ETag);

/// <summary>What one run of the workflow load did. Latencies are of the 2xx transitions only, sorted.</summary>
public sealed record WorkflowRun(int Transitions, int Errors, IReadOnlyList<string> ErrorSamples, TimeSpan Elapsed, double[] LatenciesMs, int PlansAdopted, bool RanOutOfPlans)
{
    public double PerSecond => Elapsed.TotalSeconds > 0 ? Transitions / Elapsed.TotalSeconds : 0;

    public double Percentile(double p) => Statistics.Percentile(LatenciesMs, p);
}

/// <summary>
/// Concurrent clients, each taking a plan at a time through submit → approve → approve → approve, every call a
/// real <c>POST /api/plans/{id}/transitions</c> with <c>If-Match</c>, as the role the step needs. Every
/// <see cref="ReturnEvery"/>th plan is first returned from administrative review with a comment and resubmitted.
/// </summary>
public sealed class WorkflowBenchmark(ApiSession api, int clients)
{
    public const int ReturnEvery = 10;

    /// <summary>Transitions a plan takes on average: four, plus two for every tenth.</summary>
    public const double TransitionsPerPlan = 4 + 2.0 / ReturnEvery;

    private int _planSequence;
    private int _plansDriven;

    /// <summary>Starts <paramref name="count"/> drafts through <c>POST /api/plans</c>, spread over the committees, each by its secretary.</summary>
    public async Task<ConcurrentQueue<SeededPlan>> SeedAsync(int count, CancellationToken cancellationToken)
    {
        var plans = new ConcurrentQueue<SeededPlan>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < count)
            {
                var committee = Committee.All[n % Committee.All.Count];
                var number = Interlocked.Increment(ref _planSequence);
                using var request = api.Request(HttpMethod.Post, "/api/plans", ApiSession.Secretary(committee), BenchmarkPlans.ApiBody(committee, number));
                using var response = await api.Http.SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException(
                        $"POST /api/plans as {ApiSession.Secretary(committee)} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }

                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                plans.Enqueue(new SeededPlan(body.GetProperty("id").GetGuid(), committee, response.Headers.ETag!.ToString()));
            }
        }, cancellationToken)));
        return plans;
    }

    /// <summary>Runs the load until <paramref name="duration"/> has passed or the plans run out; calls in flight at the end are finished and counted.</summary>
    public async Task<WorkflowRun> DriveAsync(ConcurrentQueue<SeededPlan> plans, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[clients];
        var samples = new ConcurrentQueue<string>();
        var errors = 0;
        var adopted = 0;
        var ranOut = false;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(64 * 1024);
            while (clock.Elapsed < duration)
            {
                if (!plans.TryDequeue(out var plan))
                {
                    ranOut = true;
                    return;
                }

                var etag = plan.ETag;
                foreach (var (action, actor, comment) in Steps(plan.Committee))
                {
                    if (clock.Elapsed >= duration)
                    {
                        return;
                    }

                    var (ok, newETag, latency, error) = await TransitionAsync(plan.Id, etag, action, actor, comment, cancellationToken);
                    if (!ok)
                    {
                        if (Interlocked.Increment(ref errors) <= 5)
                        {
                            samples.Enqueue($"{action} by {actor}: {error}");
                        }

                        break;
                    }

                    mine.Add(latency);
                    etag = newETag!;
                    if (action == "approve" && actor == ApiSession.CouncilApprover)
                    {
                        Interlocked.Increment(ref adopted);
                    }
                }
            }
        }, cancellationToken)));
        clock.Stop();

        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new WorkflowRun(all.Length, errors, samples.ToList(), clock.Elapsed, all, adopted, ranOut);
    }

    private IEnumerable<(string Action, string Actor, string? Comment)> Steps(Committee committee)
    {
        var secretary = ApiSession.Secretary(committee);
        yield return ("submit", secretary, null);
        if (Interlocked.Increment(ref _plansDriven) % ReturnEvery == 0)
        {
            yield return ("return", ApiSession.AdministrativeReviewer, "Indikatorerne skal præciseres, før planen kan godkendes.");
            yield return ("submit", secretary, null);
        }

        yield return ("approve", ApiSession.AdministrativeReviewer, null);
        yield return ("approve", ApiSession.CommitteeApprover(committee), null);
        yield return ("approve", ApiSession.CouncilApprover, null);
    }

    private async Task<(bool Ok, string? ETag, double LatencyMs, string? Error)> TransitionAsync(
        Guid planId, string etag, string action, string actor, string? comment, CancellationToken cancellationToken)
    {
        using var request = api.Request(HttpMethod.Post, $"/api/plans/{planId}/transitions", actor, new { action, comment });
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await api.Http.SendAsync(request, cancellationToken);
            // The body is part of the answer: read it before the clock stops.
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return response.IsSuccessStatusCode
                ? (true, response.Headers.ETag?.ToString(), latency, null)
                : (false, null, latency, $"{(int)response.StatusCode} {body}");
        }
        catch (HttpRequestException e)
        {
            return (false, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.Message);
        }
    }
}

public static class Statistics
{
    /// <summary>Nearest-rank percentile (0-100) of a sorted array; NaN when it is empty.</summary>
    public static double Percentile(double[] sorted, double p) => sorted.Length == 0
        ? double.NaN
        : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
