using System.Xml.Linq;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Notifications;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Approvals.Tests.Persistence;

/// <summary>
/// Every write of the app takes its turn at the SQLite write gate by itself, through the DbContext's interceptor:
/// the test holds the gate and checks that each kind of write waits for it, where earlier some went past it (the
/// inbox's mark-as-read, Identity's sign-in bookkeeping, data protection keys, ExecuteUpdate, explicit transactions),
/// and the writes of accounts, sessions and comments, which call no gate themselves.
/// </summary>
// SQLite whatever the pass: on PostgreSQL the gate is open.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class WriteGateInterceptorTests : IAsyncLifetime
{
    // Long enough for a write that went past the gate to finish on a loaded machine.
    private static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(2);
    private readonly ApprovalsApp _app = ApprovalsApp.On(TestDatabase.Sqlite());

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Every_kind_of_write_waits_for_its_turn_and_reads_do_not()
    {
        var secretary = await _app.ClientFor(Users.Secretary(Committee.Buu));
        var secretaryId = await Transitions.UserId(_app, Users.Secretary(Committee.Buu));
        var notification = await Notify(secretaryId);
        var plan = await Transitions.NewPlan(_app, Committee.Buu);
        var inReview = await Transitions.NewPlan(_app, Committee.Buu, Stages.AdministrativeReview);
        var reviewer = await _app.ClientFor(Users.AdministrativeReviewer);
        var administrator = await _app.ClientFor(Users.Administrator);
        var leaving = await _app.ClientFor(Users.Coordinator);
        using var anonymous = _app.CreateClient();
        var keys = _app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository!;
        var gate = _app.Services.GetRequiredService<WriteGate>();

        var held = await gate.EnterAsync(CancellationToken.None);
        var writes = new Dictionary<string, Task>
        {
            ["mark as read"] = secretary.PostAsync($"/api/notifications/{notification}/read", null),
            ["sign-in (a session)"] = anonymous.PostAsJsonAsync("/api/auth/login", new { email = Users.Secretary(Committee.Kfu), password = DemoAccounts.Password }),
            ["sign-out (ends the session)"] = leaving.PostAsync("/api/auth/logout", null),
            ["wrong current password (Identity's failure count)"] = secretary.PostAsJsonAsync("/api/account/password", new { currentPassword = "wrong password", newPassword = "Forår-i-Valby-2026" }),
            ["new account (invitation, journal)"] = administrator.PostAsJsonAsync("/api/users", new { email = $"gate.{Guid.NewGuid():N}@kk.test", name = "Kim Kollega", roles = new[] { "Coordinator" } }),
            ["review comment"] = reviewer.PostAsJsonAsync($"/api/plans/{inReview}/comments", new { text = "Skriv målene skarpere." }),
            ["data protection key"] = Task.Run(() => keys.StoreElement(new XElement("test"), $"test-{Guid.NewGuid():N}")),
            ["ExecuteUpdate"] = _app.WithDb(db => db.Plans.Where(p => p.Id == plan).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Omdøbt"))),
            ["explicit transaction"] = _app.WithDb(async db =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await db.Notifications.Where(n => n.Id == notification).ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailLastError, "in a transaction"));
                await transaction.CommitAsync();
                return 0;
            }),
            ["SaveChanges"] = Transitions.NewPlan(_app, Committee.Buu),
        };
        var read = secretary.GetAsync("/api/plans");

        // A read finishes while the gate is held (given time on a loaded machine); no write does.
        var readDone = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(30))) == read;
        await Task.Delay(HeldFor);
        Assert.True(readDone && read.IsCompletedSuccessfully, "A read waited for the write gate.");
        Assert.Equal(HttpStatusCode.OK, (await read).StatusCode);
        Assert.Empty(writes.Where(w => w.Value.IsCompleted).Select(w => w.Key));

        held.Dispose();
        await Task.WhenAll(writes.Values).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await (Task<HttpResponseMessage>)writes["mark as read"]).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (Task<HttpResponseMessage>)writes["sign-in (a session)"]).StatusCode);
        Assert.True((await (Task<HttpResponseMessage>)writes["sign-out (ends the session)"]).IsSuccessStatusCode);
        Assert.Equal(1, await _app.WithDb(db => db.Users.Where(u => u.Id == secretaryId).Select(u => u.AccessFailedCount).SingleAsync()));
        Assert.Equal(HttpStatusCode.Created, (await (Task<HttpResponseMessage>)writes["new account (invitation, journal)"]).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await (Task<HttpResponseMessage>)writes["review comment"]).StatusCode);
        Assert.Equal("Omdøbt", await _app.WithDb(db => db.Plans.Where(p => p.Id == plan).Select(p => p.Title).SingleAsync()));
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_gives_the_turn_back()
    {
        var plan = await Transitions.NewPlan(_app, Committee.Kfu);

        await _app.WithDb(async db =>
        {
            // The connection stays open after the transaction, as in a worker's pass: only the transaction's end
            // can give the turn back, and EF Core raises no interceptor event for a disposal without commit.
            await db.Database.OpenConnectionAsync();
            await using (await db.Database.BeginTransactionAsync())
            {
                await db.Plans.Where(p => p.Id == plan).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Aldrig gemt"));
            }

            // Another writer gets its turn while this context and its connection are still open.
            return await _app.WithDb(other => other.Plans.Where(p => p.Id == plan).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Gemt")))
                .WaitAsync(TimeSpan.FromSeconds(10));
        });

        Assert.Equal("Gemt", await _app.WithDb(db => db.Plans.Where(p => p.Id == plan).Select(p => p.Title).SingleAsync()));
    }

    [Fact]
    public async Task A_failed_save_gives_the_turn_back()
    {
        var secretaryId = await Transitions.UserId(_app, Users.Secretary(Committee.Kfu));
        var first = await Notify(secretaryId);

        // The same (event, recipient) again breaks the unique index: the save fails inside its turn.
        await Assert.ThrowsAsync<DbUpdateException>(() => _app.WithDb(async db =>
        {
            var original = await db.Notifications.AsNoTracking().SingleAsync(n => n.Id == first);
            db.Notifications.Add(new Notification
            {
                Id = Guid.NewGuid(), EventId = original.EventId, RecipientId = original.RecipientId, Kind = "Test",
                Subject = "", Body = "", Link = "", OccurredUtc = DateTime.UtcNow, CreatedUtc = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        }));

        await Notify(secretaryId).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_save_that_loses_on_the_concurrency_token_gives_the_turn_back_before_its_connection_closes()
    {
        // The losers of two simultaneous approvals: EF Core raises no SaveChangesFailed for a concurrency conflict,
        // so the turn stayed held until the request's connection closed, and a request that wrote again on another
        // connection before that waited for itself (the race test hung for 100 s, then every later write did).
        var plan = await Transitions.NewPlan(_app, Committee.Kfu);

        var saved = await _app.WithDb(async db =>
        {
            await db.Database.OpenConnectionAsync();
            var stale = await db.Plans.SingleAsync(p => p.Id == plan);
            await _app.WithDb(other => other.Plans.Where(p => p.Id == plan)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ConcurrencyToken, Guid.NewGuid())));
            db.Entry(stale).Property(p => p.Title).CurrentValue = "Tabt";
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());

            // Another writer gets its turn while this context and its connection are still open.
            return await _app.WithDb(other => other.Plans.Where(p => p.Id == plan).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Vundet")))
                .WaitAsync(TimeSpan.FromSeconds(10));
        });

        Assert.Equal(1, saved);
        Assert.Equal("Vundet", await _app.WithDb(db => db.Plans.Where(p => p.Id == plan).Select(p => p.Title).SingleAsync()));
    }

    private Task<Guid> Notify(string recipientId) => _app.WithDb(async db =>
    {
        var notification = InboxEntries.For(recipientId);
        db.Notifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    });
}
