using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Review;

/// <summary>
/// The 20-way race through the real HTTP pipeline with every racer's save in one group commit: the test holds the
/// app's write gate until all twenty wait for the writer, so the database decides the winner inside one transaction.
/// </summary>
// SQLite whatever the pass: PostgreSQL has no group commit (RaceTests runs the race there).
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class GroupCommitRaceTests : IAsyncLifetime
{
    private const int Racers = 20;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ApprovalsApp _app = new GroupCommitApp();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Twenty_approvals_in_one_group_commit_give_one_success_and_the_winner_is_committed_when_answered()
    {
        var commit = _app.Services.GetRequiredService<GroupCommit>();
        Assert.True(commit.Enabled);
        var secretary = await _app.ClientFor(Users.Secretary(Committee.Biu));
        var plan = await (await secretary.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(Committee.Biu.Code))).ReadOk<PlanResponse>();
        var submitted = await ReviewApp.Act(secretary, plan.Id, "submit", plan.ETag);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var etag = submitted.Headers.ETag!.ToString();

        var token = await _app.TokenFor(Users.AdministrativeReviewer);
        var clients = Enumerable.Range(0, Racers).Select(_ =>
        {
            var client = _app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }).ToList();
        var batches = commit.Batches;

        var held = await _app.Services.GetRequiredService<WriteGate>().EnterAsync(CancellationToken.None);
        List<Task<HttpResponseMessage>> racing;
        try
        {
            racing = [.. clients.Select(c => ReviewApp.Act(c, plan.Id, "approve", etag))];
            var deadline = DateTime.UtcNow + Bound;
            while (commit.Waiting < Racers)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Only {commit.Waiting} of {Racers} approvals reached the group commit.");
                await Task.Delay(20);
            }
        }
        finally
        {
            held.Dispose();
        }

        var results = await Task.WhenAll(racing).WaitAsync(Bound);
        var bodies = await Task.WhenAll(results.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Equal(batches + 1, commit.Batches);
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(Racers - 1, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.All(bodies.Where((_, i) => results[i].StatusCode == HttpStatusCode.Conflict),
            body => Assert.Contains("saved just before yours", body, StringComparison.Ordinal));

        // Answered 200, so committed: a connection of its own finds the one approval and its event.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_app.Database.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM Journal WHERE PlanId = $id AND Action = 'approve'), (SELECT COUNT(*) FROM Outbox WHERE PlanId = $id), (SELECT Stage FROM Plans WHERE Id = $id)";
        command.Parameters.AddWithValue("$id", plan.Id.ToString().ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1L, 2L, Stages.CommitteeApproval), (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));

        clients.ForEach(c => c.Dispose());
        results.ToList().ForEach(r => r.Dispose());
    }
}

/// <summary>The app on a SQLite database of its own with the group commit switched on (it is off by default).</summary>
internal sealed class GroupCommitApp() : ApprovalsApp(TestDatabase.Sqlite())
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { [GroupCommit.Key] = "true" };
}
