using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Persistence;

// What differs between SQLite and PostgreSQL and must not show: these run in both passes of tests/run.sh.
[Collection(AppCollection.Name)]
public sealed class DatabaseProviderTests(ApprovalsApp app)
{
    [Fact]
    public async Task Times_are_read_back_as_the_same_instant_marked_utc()
    {
        var before = DateTime.UtcNow;
        var client = await app.ClientFor(Users.Secretary(Committee.Biu));
        var created = await (await client.PostAsJsonAsync("/api/plans", new { committee = "BIU", title = "Tidsplan", objectives = Array.Empty<object>() }))
            .ReadOk<PlanResponse>();

        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == created.Id));
        var json = await client.GetStringAsync($"/api/plans/{created.Id}");

        Assert.Equal(DateTimeKind.Utc, plan.CreatedUtc.Kind);
        Assert.Equal(DateTimeKind.Utc, plan.UpdatedUtc.Kind);
        Assert.InRange(plan.CreatedUtc, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Matches("\"createdUtc\":\"[0-9T:.-]+Z\"", json);
    }

    [Fact]
    public async Task A_local_time_is_stored_as_the_same_instant_in_utc()
    {
        var local = new DateTime(2026, 6, 1, 14, 30, 0, DateTimeKind.Local);
        var message = new OutboxMessage
        {
            MessageId = Guid.NewGuid(),
            PlanId = Guid.NewGuid(),
            Type = "test",
            Body = "{}",
            CreatedUtc = local,
            NextAttemptUtc = DateTime.SpecifyKind(local, DateTimeKind.Unspecified),
            SentUtc = DateTime.UtcNow, // already sent, so the outbox dispatcher leaves the row alone
        };

        await app.WithDb(async db =>
        {
            db.Outbox.Add(message);
            return await db.SaveChangesAsync();
        });
        var stored = await app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == message.MessageId));

        Assert.Equal(local.ToUniversalTime(), stored.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, stored.CreatedUtc.Kind);
        Assert.Equal(DateTime.SpecifyKind(local, DateTimeKind.Utc), stored.NextAttemptUtc); // unspecified is taken as UTC
    }

    [Fact]
    public async Task Data_protection_keys_are_kept_in_the_database_where_every_instance_finds_them()
    {
        await app.TokenFor(Users.Coordinator); // issuing a token protects it with a key

        var keys = await app.WithDb(db => db.DataProtectionKeys.AsNoTracking().ToListAsync());

        var key = Assert.Single(keys);
        Assert.Contains("<key ", key.Xml);
    }

    [Fact]
    public async Task A_token_issued_by_one_instance_is_accepted_by_another_on_the_same_database()
    {
        var token = await app.TokenFor(Users.Coordinator);
        await using var second = new SecondInstance(app.Database);
        using var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private sealed class SecondInstance(TestDatabase database) : ApprovalsApp
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ConnectionStrings:Approvals"] = database.ConnectionString,
        };
    }
}
