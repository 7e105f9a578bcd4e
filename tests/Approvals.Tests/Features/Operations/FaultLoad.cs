using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Approvals.Benchmarks;
using Approvals.Core.Plans;

namespace Approvals.Tests.Features.Operations;

/// <summary>What the app answered a client with success: a plan created (201) or a transition taken (200).</summary>
public sealed record Acknowledged(Guid PlanId, long? JournalId, string Action, string FromStage, string ToStage);

/// <summary>
/// Clients driving plans through the workflow over HTTP while the app is killed, stopped and started again on the
/// same port. Each client creates a plan and takes it through submit → (every third: return → submit) → approve ×3;
/// every answer of success is kept. A request that fails (the app is down) has an unknown outcome: the client drops
/// that plan and starts a new one once the app answers again.
/// </summary>
public sealed class FaultLoad(Uri address, int clients) : IDisposable
{
    private readonly ApiSession _api = new(address, clients);
    private readonly ConcurrentQueue<Acknowledged> _acknowledged = new();
    private int _failures;
    private int _plans;

    public IReadOnlyCollection<Acknowledged> Acknowledged => [.. _acknowledged];

    /// <summary>Requests that failed or got an answer other than success (the app was down, or stopping).</summary>
    public int Failures => _failures;

    public Task SignInAsync(CancellationToken cancellationToken) => _api.SignInAsync(ApiSession.WorkflowAccounts(), cancellationToken);

    /// <summary>Runs until <paramref name="stop"/> is cancelled; calls in flight then are finished.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(Committee.All[c % Committee.All.Count], stop), CancellationToken.None)));

    public void Dispose() => _api.Dispose();

    private async Task ClientAsync(Committee committee, CancellationToken stop)
    {
        var secretary = ApiSession.Secretary(committee);
        while (!stop.IsCancellationRequested)
        {
            var number = Interlocked.Increment(ref _plans);
            var created = await SendAsync(HttpMethod.Post, "/api/plans", secretary, PlanBody(committee, number), null);
            if (created is not { } plan)
            {
                await PauseAsync(stop);
                continue;
            }

            var id = plan.GetProperty("id").GetGuid();
            var etag = plan.GetProperty("eTag").GetString()!;
            _acknowledged.Enqueue(new Acknowledged(id, null, "create", "", Stages.Draft));
            foreach (var (action, actor) in Steps(committee, number))
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                var comment = action == "return" ? "Indikatorerne skal præciseres." : null;
                if (await SendAsync(HttpMethod.Post, $"/api/plans/{id}/transitions", actor, new { action, comment }, etag) is not { } taken)
                {
                    await PauseAsync(stop);
                    break;
                }

                var entry = taken.GetProperty("entry");
                _acknowledged.Enqueue(new Acknowledged(id, entry.GetProperty("id").GetInt64(), action,
                    entry.GetProperty("fromStage").GetString()!, entry.GetProperty("toStage").GetString()!));
                etag = taken.GetProperty("eTag").GetString()!;
            }
        }
    }

    private static IEnumerable<(string Action, string Actor)> Steps(Committee committee, int number)
    {
        yield return ("submit", ApiSession.Secretary(committee));
        if (number % 3 == 0)
        {
            yield return ("return", ApiSession.AdministrativeReviewer);
            yield return ("submit", ApiSession.Secretary(committee));
        }

        yield return ("approve", ApiSession.AdministrativeReviewer);
        yield return ("approve", ApiSession.CommitteeApprover(committee));
        yield return ("approve", ApiSession.CouncilApprover);
    }

    private async Task<JsonElement?> SendAsync(HttpMethod method, string path, string actor, object body, string? etag)
    {
        using var request = _api.Request(method, path, actor, body);
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var response = await _api.Http.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException)
        {
            // The app went away mid-request: whether it was done is unknown.
        }

        Interlocked.Increment(ref _failures);
        return null;
    }

    private static async Task PauseAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(200, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static object PlanBody(Committee committee, int number) => new
    {
        committee = committee.Code,
        title = $"Handleplan {number} under fejl",
        objectives = new[]
        {
            new
            {
                title = "Beskæftigelse",
                goals = new[]
                {
                    new
                    {
                        number = "1",
                        text = "Flere i job",
                        indicators = new[] { new { text = "Andelen i beskæftigelse skal stige med 2 procentpoint om året" } },
                        activities = new[] { new { text = "Jobcenterindsats" } },
                    },
                },
            },
        },
    };
}
