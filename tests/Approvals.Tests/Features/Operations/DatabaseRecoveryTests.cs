using System.Net.Http.Headers;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Tests.Features.Notifications;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Operations;

/// <summary>
/// The database refuses writes for a while (an immutable SQLite file; PostgreSQL's default_transaction_read_only,
/// as on a standby) and then takes them again: the app recovers by itself, without a restart. Earlier the
/// connections opened during the fault stayed read-only in the pool, transitions kept failing for a long while
/// afterwards and the outbox dispatcher never recovered.
/// </summary>
public sealed class DatabaseRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);
    // Without the SQLite checkpointer: its connection stays open for writing, and SQLite hands a new connection a file
    // descriptor its process already holds, so the immutable file would not make the new connections read-only (the
    // submit during the fault answered 200).
    private readonly ApprovalsApp _app = new ConfiguredApp(new Dictionary<string, string?> { ["Database:CheckpointInterval"] = "00:00:00" });

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task After_the_database_was_read_only_transitions_readiness_and_deliveries_recover_without_a_restart()
    {
        var secretary = await _app.ClientFor(Users.Secretary(Committee.Sou));
        using var anonymous = _app.CreateClient();
        var created = await (await secretary.PostAsJsonAsync("/api/plans", PlanBody("SOU"))).ReadOk<PlanResponse>();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        await _app.Database.MakeReadOnly();
        Assert.Equal(HttpStatusCode.InternalServerError, (await Submit(secretary, created)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await secretary.GetAsync($"/api/plans/{created.Id}")).StatusCode);
        // Refused again after readiness has emptied the pool: the writes' connections are then opened during the fault
        // (the kept writer's went back to the pool read-only and came back to every write after it).
        for (var attempt = 0; attempt < 6; attempt++)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await Submit(secretary, created)).StatusCode);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }

        await _app.Database.MakeWritable();

        // The first write may still meet a connection opened during the fault; soon after, writes succeed again.
        var submitted = await Eventually.Get(() => Submit(secretary, created)!, r => r?.StatusCode == HttpStatusCode.OK, Recovery,
            "a transition to succeed once the database takes writes again");
        var eventId = await _app.WithDb(db => db.Outbox.Where(m => m.PlanId == created.Id).Select(m => m.MessageId).SingleAsync());
        await Eventually.True(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, Recovery,
            "readiness to report the database healthy again");
        Assert.Equal(Transitions.Set(Users.AdministrativeReviewer), await Transitions.AwaitRecipients(_app, eventId, 1, TimeSpan.FromSeconds(30)));
        var body = await submitted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Stages.AdministrativeReview, body.GetProperty("stage").GetString());
    }

    private static Task<HttpResponseMessage> Submit(HttpClient client, PlanResponse plan)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{plan.Id}/transitions")
        {
            Content = JsonContent.Create(new { action = "submit", comment = (string?)null }),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(plan.ETag));
        return client.SendAsync(request);
    }

    internal static object PlanBody(string committee) => new
    {
        committee,
        title = "Handleplan efter en skrivebeskyttet database",
        objectives = new[]
        {
            new
            {
                title = "Tryghed",
                goals = new[]
                {
                    new
                    {
                        number = "1",
                        text = "Flere borgere føler sig trygge",
                        indicators = new[] { new { text = "Andelen, der føler sig trygge, skal stige med 5 procentpoint" } },
                        activities = new[] { new { text = "Tryghedsvandringer" } },
                    },
                },
            },
        },
    };
}
