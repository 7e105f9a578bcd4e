using System.Diagnostics;
using System.Net.Http.Headers;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Review;

/// <summary>Races through the real HTTP pipeline into the real SQLite file: the database decides who wins.</summary>
[Collection(ReviewCollection.Name)]
public sealed class RaceTests(ReviewApp app, ITestOutputHelper output)
{
    private const int Racers = 20;

    [Fact]
    public async Task Twenty_simultaneous_approvals_give_one_success_nineteen_conflicts_and_one_journal_entry()
    {
        var plan = await app.CreatePlan(Committee.Biu);
        var submitted = await app.Take(Users.Secretary(Committee.Biu), plan.Id, "submit");

        var results = await Race(Users.AdministrativeReviewer, plan.Id, "approve", submitted.ETag);

        AssertOneWinner(results);
        Assert.Equal(1, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == plan.Id && j.Action == "approve")));
        Assert.Equal([typeof(PlanSubmitted).FullName, typeof(PlanApproved).FullName], (await app.OutboxOf(plan.Id)).Select(e => e.Type));
        Assert.Equal(Stages.CommitteeApproval, (await app.StateOf(plan.Id)).Stage);
    }

    [Fact]
    public async Task Twenty_simultaneous_submits_freeze_one_revision()
    {
        var plan = await app.CreatePlan(Committee.Biu);

        var results = await Race(Users.Secretary(Committee.Biu), plan.Id, "submit", plan.ETag);

        AssertOneWinner(results);
        var state = await app.StateOf(plan.Id);
        Assert.Equal((Stages.AdministrativeReview, 1, 1, 1), (state.Stage, state.JournalEntries, state.OutboxMessages, state.Revisions));
    }

    private async Task<(HttpStatusCode Status, string Body)[]> Race(string email, Guid planId, string action, string etag)
    {
        var token = await app.TokenFor(email);
        var clients = Enumerable.Range(0, Racers).Select(_ =>
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }).ToList();

        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            var racing = clients.Select(async client =>
            {
                await start.Task;
                using var response = await ReviewApp.Act(client, planId, action, etag);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }).ToList();
            start.SetResult();
            var results = await Task.WhenAll(racing);

            output.WriteLine($"{Racers} racing '{action}' requests answered in {clock.ElapsedMilliseconds} ms; " +
                $"{results.Count(r => r.Item2.Contains("saved just before yours", StringComparison.Ordinal))} lost at the database, " +
                $"{results.Count(r => r.Item2.Contains("changed after you read it", StringComparison.Ordinal))} on a stale ETag");
            return results;
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static void AssertOneWinner((HttpStatusCode Status, string Body)[] results)
    {
        var unexpected = results.Where(r => r.Status is not (HttpStatusCode.OK or HttpStatusCode.Conflict)).ToList();
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Select(r => $"{(int)r.Status}: {r.Body}")));
        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(Racers - 1, results.Count(r => r.Status == HttpStatusCode.Conflict));
    }
}
