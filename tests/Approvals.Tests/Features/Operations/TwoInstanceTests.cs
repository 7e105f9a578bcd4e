using System.Net.Http.Headers;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Operations;

/// <summary>
/// The scale-out path for real: two app instances on one PostgreSQL database and one RabbitMQ broker, as behind
/// a load balancer. Both start together on an empty database with the shipped migrations.
/// </summary>
// PostgreSQL whatever the pass, so it runs once (in the SQLite pass).
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
[Collection(BrokerCollection.Name)]
public sealed class TwoInstanceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_instances_on_one_postgres_and_one_broker_act_as_one_app()
    {
        var database = TestDatabase.Postgres();
        var settings = RabbitMqBroker.Settings(RabbitMqBroker.Address, RabbitMqBroker.NewPrefix());
        settings["Database:Schema"] = "Migrate";
        await using var a = new ConfiguredApp(settings, database);
        await using var b = new ConfiguredApp(new Dictionary<string, string?>(settings), database);
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        // A token issued by A is honoured by B: the key ring is shared through the database.
        var secretaryOnA = await a.ClientFor(Users.Secretary(Committee.Biu));
        var secretaryOnB = ClientWithTokenOf(b, await a.TokenFor(Users.Secretary(Committee.Biu)));
        var created = await (await secretaryOnA.PostAsJsonAsync("/api/plans", Plan("BIU"))).ReadOk<PlanResponse>();
        var submitted = await Transition(secretaryOnB, created.Id, "submit", created.ETag);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        // Approved through A, read as approved on B at once.
        var reviewerOnA = await a.ClientFor(Users.AdministrativeReviewer);
        var approved = await Transition(reviewerOnA, created.Id, "approve", submitted.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var onB = await (await b.ClientFor(Users.Coordinator)).GetFromJsonAsync<PlanResponse>($"/api/plans/{created.Id}");
        Assert.Equal(Stages.CommitteeApproval, onB!.Stage);

        // Twenty racing approvals with the same ETag, spread over both instances: exactly one wins.
        var etag = approved.Headers.ETag!.ToString();
        var approvers = new[] { await a.ClientFor(Users.CommitteeApprover(Committee.Biu)), await b.ClientFor(Users.CommitteeApprover(Committee.Biu)) };
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Transition(approvers[i % 2], created.Id, "approve", etag)));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var journal = await a.WithDb(db => db.Journal.Where(j => j.PlanId == created.Id).OrderBy(j => j.Id).Select(j => j.Action + ":" + j.ToStage).ToListAsync());
        Assert.Equal(["submit:administrative-review", "approve:committee-approval", "approve:council-approval"], journal);

        // Each event's notifications are stored once, whichever instance consumed it.
        var events = await a.WithDb(db => db.Outbox.AsNoTracking().Where(m => m.PlanId == created.Id).Select(m => m.MessageId).ToListAsync());
        Assert.Equal(3, events.Count);
        var entries = await Eventually.Get(
            () => a.WithDb(db => db.Notifications.Where(n => n.PlanId == created.Id).Select(n => new { n.EventId, n.RecipientId }).ToListAsync())!,
            rows => rows is not null && events.All(e => rows.Any(r => r.EventId == e)),
            Patience,
            "an inbox entry for each of the plan's three events");
        await Task.Delay(500); // a second, duplicate delivery would land by now
        entries = await a.WithDb(db => db.Notifications.Where(n => n.PlanId == created.Id).Select(n => new { n.EventId, n.RecipientId }).ToListAsync());
        Assert.Equal(entries.Count, entries.Distinct().Count());
        Assert.True(await a.WithDb(db => db.Outbox.Where(m => m.PlanId == created.Id).AllAsync(m => m.SentUtc != null)));
    }

    private static HttpClient ClientWithTokenOf(ApprovalsApp app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> Transition(HttpClient client, Guid plan, string action, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{plan}/transitions")
        {
            Content = JsonContent.Create(new { action, comment = (string?)null }),
        };
        request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return client.SendAsync(request);
    }

    private static object Plan(string committee) => new
    {
        committee,
        title = "Handleplan på to instanser",
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
