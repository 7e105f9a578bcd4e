using System.Diagnostics;
using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Api;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Approvals.Tests.Features.Review;

/// <summary>A lost race is an expected outcome: the client gets 409, and the log has no error for it.</summary>
public sealed class RaceLogTests(LoggedApp app) : IClassFixture<LoggedApp>
{
    private const int Racers = 12;

    [Fact]
    public async Task Simultaneous_submits_log_no_error_although_all_but_one_lose()
    {
        var secretary = Users.Secretary(Committee.Biu);
        var client = await app.ClientFor(secretary);
        var token = await app.TokenFor(secretary);
        var lost = 0;
        for (var round = 0; round < 3; round++)
        {
            var plan = await (await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan("BIU"))).ReadOk<Approvals.Web.Features.Plans.PlanResponse>();
            var clients = Enumerable.Range(0, Racers).Select(_ =>
            {
                var c = app.CreateClient();
                c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return c;
            }).ToList();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            List<Task<(HttpStatusCode StatusCode, string)>> racing;
            // On SQLite, where the write gate lets one writer in at a time, every racer reads the plan and queues for
            // its write before the first one writes: a request that ran to its commit before the others read the plan
            // would leave them only stale reads (409 before the database), and the race would prove nothing. Where
            // writers go in parallel (PostgreSQL) the gate is open, and they race as they come.
            var gate = app.Services.GetRequiredService<WriteGate>();
            using (await gate.EnterAsync(CancellationToken.None))
            {
                racing = clients.Select(async c =>
                {
                    await start.Task;
                    using var response = await ReviewApp.Act(c, plan.Id, "submit", plan.ETag);
                    return (response.StatusCode, await response.Content.ReadAsStringAsync());
                }).ToList();
                start.SetResult();
                var queued = Stopwatch.StartNew();
                // The transitions' writes wait for the kept writer's next group, which waits for the turn held here.
                var kept = app.Services.GetRequiredService<KeptWriter>();
                int Waiting() => kept.Enabled ? kept.RequestsWaiting : gate.RequestsWaiting;
                while (gate.Serialises && Waiting() < Racers && queued.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(10);
                }

                Assert.Equal(gate.Serialises ? Racers : 0, Waiting());
            }

            var results = await Task.WhenAll(racing);
            clients.ForEach(c => c.Dispose());

            Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(Racers - 1, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
            lost += results.Count(r => r.Item2.Contains("saved just before yours", StringComparison.Ordinal));
        }

        var errors = app.Logs.Lines.Where(l => l.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n---\n", errors.Select(e => $"{e.Category}: {e.Message}\n{e.Exception}")));
        Assert.True(lost > 0, "No request lost at the database: the race never reached SaveChanges, so the test proved nothing.");
    }
}
