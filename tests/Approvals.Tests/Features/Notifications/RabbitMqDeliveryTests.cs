using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// The faults that must lose and double nothing, against the real RabbitMQ broker. Each test has its own
/// queue and exchange names (<see cref="RabbitMqBroker.NewPrefix"/>), so the tests share the broker safely.
/// </summary>
// These tests put their instances on one SQLite file of their own, so they run in the SQLite pass only; the same
// guarantees on PostgreSQL are in Features/Operations/TwoInstanceTests.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
[Collection(BrokerCollection.Name)]
public sealed class RabbitMqDeliveryTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly string _folder = Directory.CreateTempSubdirectory("approvals-rabbit-").FullName;

    private string SharedDatabase => Path.Combine(_folder, "approvals.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    private Dictionary<string, string?> OnSharedDatabase(Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Approvals"] = $"Data Source={SharedDatabase}";
        return settings;
    }

    private static string[] ApprovedRecipients(Committee c) =>
        [.. Transitions.Set(Users.Secretary(c), Users.CommitteeApprover(c))];

    [Fact]
    public async Task A_transition_during_a_broker_outage_commits_and_is_delivered_once_the_broker_is_back()
    {
        await using var broker = new BrokerSwitch(RabbitMqBroker.Address);
        var app = await new ConfiguredApp(RabbitMqBroker.Settings(broker.Address, RabbitMqBroker.NewPrefix())).StartAsync();
        try
        {
            var plan = await Transitions.NewPlan(app, Committee.Biu, Stages.AdministrativeReview);
            var reviewer = await Transitions.UserId(app, Users.AdministrativeReviewer);

            broker.Cut();
            var approved = await Transitions.Commit(app, plan, Move.Approve, reviewer);

            Assert.Equal(Stages.CommitteeApproval, await app.WithDb(db => db.Plans.Where(p => p.Id == plan).Select(p => p.Stage).SingleAsync()));
            var failing = await Eventually.Get(
                () => app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == approved.EventId))!,
                r => r?.LastError is not null, Patience, "a failed publish while the broker is away");
            Assert.Null(failing.SentUtc);
            Assert.Empty(await Transitions.RecipientsOf(app, approved.EventId));

            broker.Restore();

            Assert.Equal(ApprovedRecipients(Committee.Biu), await Transitions.AwaitRecipients(app, approved.EventId, 2, Patience));
            await Eventually.True(
                () => app.WithDb(db => db.Outbox.AnyAsync(m => m.MessageId == approved.EventId && m.SentUtc != null)),
                Patience, "the outbox row to be marked sent");
            await Task.Delay(1000);
            Assert.Equal(ApprovedRecipients(Committee.Biu), await Transitions.RecipientsOf(app, approved.EventId));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task An_event_committed_while_no_app_runs_is_delivered_once_after_the_next_start()
    {
        var settings = OnSharedDatabase(RabbitMqBroker.Settings(RabbitMqBroker.Address, RabbitMqBroker.NewPrefix()));
        var first = await new ConfiguredApp(settings).StartAsync();
        var plan = await Transitions.NewPlan(first, Committee.Kfu, Stages.AdministrativeReview);
        var reviewer = await Transitions.UserId(first, Users.AdministrativeReviewer);
        await first.StopAsync();

        // The process is gone between the commit and the publish: the row is all that is left.
        var options = new DbContextOptionsBuilder<ApprovalsDbContext>().UseSqlite($"Data Source={SharedDatabase}").Options;
        Guid eventId;
        await using (var db = new ApprovalsDbContext(options))
        {
            eventId = (await Transitions.Commit(db, plan, Move.Approve, reviewer)).EventId;
        }

        var second = await new ConfiguredApp(settings).StartAsync();
        try
        {
            Assert.Equal(ApprovedRecipients(Committee.Kfu), await Transitions.AwaitRecipients(second, eventId, 2, Patience));
            var row = await Eventually.Get(
                () => second.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == eventId))!,
                r => r?.SentUtc is not null, Patience, "the outbox row to be marked sent");
            Assert.Equal(0, row.Attempts); // published at the first attempt
            Assert.Null(row.ClaimToken);
            await Task.Delay(1000);
            Assert.Equal(ApprovedRecipients(Committee.Kfu), await Transitions.RecipientsOf(second, eventId));
        }
        finally
        {
            await second.StopAsync();
        }
    }

    [Fact]
    public async Task The_same_message_delivered_twice_leaves_one_inbox_entry_per_recipient()
    {
        var app = await new ConfiguredApp(RabbitMqBroker.Settings(RabbitMqBroker.Address, RabbitMqBroker.NewPrefix())).StartAsync();
        try
        {
            var counter = ConsumeCounter.AttachTo(app);
            var plan = await Transitions.NewPlan(app, Committee.Sou, Stages.AdministrativeReview);
            var reviewer = await Transitions.UserId(app, Users.AdministrativeReviewer);
            var approved = await Transitions.Commit(app, plan, Move.Approve, reviewer);
            await Transitions.AwaitRecipients(app, approved.EventId, 2, Patience);

            await Transitions.PublishDirectly(app, approved);
            await Transitions.PublishDirectly(app, approved);
            await Eventually.True(() => Task.FromResult(counter.Handled(approved.EventId) >= 3), Patience, "three deliveries to be handled");

            Assert.Equal(ApprovedRecipients(Committee.Sou), await Transitions.RecipientsOf(app, approved.EventId));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Notifications_through_RabbitMQ_are_in_the_inbox_within_moments_of_the_commit()
    {
        var settings = RabbitMqBroker.Settings(RabbitMqBroker.Address, RabbitMqBroker.NewPrefix());
        settings["Messaging:Outbox:PollInterval"] = "00:00:30";
        var app = await new ConfiguredApp(settings).StartAsync();
        try
        {
            var owner = await Transitions.UserId(app, Users.Secretary(Committee.Oeu));
            var since = DateTime.MaxValue;
            for (var i = 0; i < 43; i++)
            {
                // The first three are a warm-up, not measured.
                if (i == 3)
                {
                    since = DateTime.UtcNow;
                }

                var plan = await Transitions.NewPlan(app, Committee.Oeu);
                var submitted = await Transitions.Commit(app, plan, Move.Submit, owner);
                await Transitions.AwaitRecipients(app, submitted.EventId, 1, Patience);
            }

            var lag = await app.WithDb(db => Web.Features.Notifications.NotificationLag.MeasureAsync(db, since));

            output.WriteLine($"RabbitMQ commit -> inbox lag over {lag.Events} events: p50 {lag.P50.TotalMilliseconds:0.0} ms, p99 {lag.P99.TotalMilliseconds:0.0} ms, max {lag.Max.TotalMilliseconds:0.0} ms");
            Assert.Equal(40, lag.Events);
            // The poll interval is 30 s here: every event this fast was woken by its commit. (The figures
            // themselves depend on the machine's load; the benchmark measures them properly.)
            Assert.True(lag.Max < TimeSpan.FromSeconds(10), $"The slowest event took {lag.Max.TotalMilliseconds:0} ms.");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Two_app_instances_on_one_database_and_one_queue_store_each_notification_once()
    {
        var settings = OnSharedDatabase(RabbitMqBroker.Settings(RabbitMqBroker.Address, RabbitMqBroker.NewPrefix()));
        var first = await new ConfiguredApp(settings).StartAsync();
        var second = await new ConfiguredApp(new Dictionary<string, string?>(settings)).StartAsync();
        try
        {
            var counters = new[] { ConsumeCounter.AttachTo(first), ConsumeCounter.AttachTo(second) };
            var reviewer = await Transitions.UserId(first, Users.AdministrativeReviewer);
            var events = new List<(Guid EventId, Committee Committee)>();
            var apps = new[] { first, second };
            foreach (var committee in Committee.All)
            {
                for (var i = 0; i < 3; i++)
                {
                    // Transitions land on both instances, as behind a load balancer.
                    var app = apps[events.Count % 2];
                    var plan = await Transitions.NewPlan(app, committee, Stages.AdministrativeReview);
                    events.Add(((await Transitions.Commit(app, plan, Move.Approve, reviewer)).EventId, committee));
                }
            }

            foreach (var (eventId, committee) in events)
            {
                Assert.Equal(ApprovedRecipients(committee), await Transitions.AwaitRecipients(first, eventId, 2, Patience));
            }

            await Task.Delay(1000);
            var ids = events.Select(e => e.EventId).ToList();
            var (entries, rows) = await first.WithDb(async db => (
                await db.Notifications.CountAsync(n => ids.Contains(n.EventId)),
                await db.Outbox.AsNoTracking().Where(m => ids.Contains(m.MessageId)).ToListAsync()));
            Assert.Equal(2 * events.Count, entries);
            Assert.All(rows, r => Assert.NotNull(r.SentUtc));
            // Each row was published at its first attempt, by the one instance that claimed it (the counters below).
            Assert.All(rows, r => Assert.Equal(0, r.Attempts));
            output.WriteLine($"deliveries handled: first instance {ids.Sum(counters[0].Handled)}, second {ids.Sum(counters[1].Handled)} of {ids.Count}");
            Assert.All(ids, id => Assert.Equal(1, counters[0].Handled(id) + counters[1].Handled(id)));
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
        }
    }
}
