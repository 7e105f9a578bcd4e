using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// The app on the in-memory bus, with a dispatcher that pauses a whole second after every pass that published and
/// polls rarely: an event that goes out sooner than that after its plan's previous one was not left to a pass.
/// </summary>
public sealed class SlowPassesFixture : IAsyncLifetime
{
    public ConfiguredApp App { get; } = new(new Dictionary<string, string?>
    {
        ["Messaging:Outbox:PollInterval"] = "00:00:30",
        ["Messaging:Outbox:GatherDelay"] = "00:00:01",
    });

    public Task InitializeAsync() => App.StartAsync();

    public Task DisposeAsync() => App.StopAsync();
}

/// <summary>The delivery of a plan's event hands the plan's next event on to the dispatcher, in order.</summary>
public sealed class OutboxHandOnTests(SlowPassesFixture fixture) : IClassFixture<SlowPassesFixture>
{
    private readonly ConfiguredApp _app = fixture.App;

    [Fact]
    public async Task A_plans_events_in_a_row_go_out_one_after_another_without_waiting_for_the_dispatchers_next_pass()
    {
        var owner = await Transitions.UserId(_app, Users.Secretary(Committee.Sud));
        var reviewer = await Transitions.UserId(_app, Users.AdministrativeReviewer);
        var approver = await Transitions.UserId(_app, Users.CommitteeApprover(Committee.Sud));
        // Warm-up, not measured: the first delivery pays for compiling the path.
        var warmUp = await Transitions.Commit(_app, await Transitions.NewPlan(_app, Committee.Sud), Move.Submit, owner);
        await Transitions.AwaitRecipients(_app, warmUp.EventId, 1);

        // Three events of one plan in a row, the first held back as after a failed attempt.
        var plan = await Transitions.NewPlan(_app, Committee.Sud);
        await _app.WithDb(db => Transitions.Commit(db, plan, Move.Submit, owner, adjustRow: row => row.NextAttemptUtc = DateTime.UtcNow.AddHours(1)));
        await Transitions.Commit(_app, plan, Move.Approve, reviewer);
        await Transitions.Commit(_app, plan, Move.Approve, approver);
        await Release(plan);

        var rows = await Eventually.Get(
            () => _app.WithDb(db => db.Outbox.AsNoTracking().Where(m => m.PlanId == plan).OrderBy(m => m.Id).ToListAsync())!,
            r => r is { Count: 3 } && r.All(m => m.SentUtc is not null), TimeSpan.FromSeconds(15), "the plan's three events to be delivered");
        var sent = rows.Select(m => m.SentUtc!.Value).ToList();
        Assert.True(sent[0] <= sent[1] && sent[1] <= sent[2], $"Delivered out of order: {string.Join(", ", sent.Select(s => s.ToString("O")))}.");
        var span = sent[2] - sent[0];
        Assert.True(span < TimeSpan.FromSeconds(1),
            $"The plan's third event was delivered {span.TotalMilliseconds:F0} ms after its first: the dispatcher pauses 1 s after a pass, so they waited for passes.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_plans_next_event_is_not_handed_on_while_it_waits_for_its_retry_or_another_instance_holds_it(bool anotherInstance)
    {
        var owner = await Transitions.UserId(_app, Users.Secretary(Committee.Sud));
        var reviewer = await Transitions.UserId(_app, Users.AdministrativeReviewer);
        var plan = await Transitions.NewPlan(_app, Committee.Sud);
        var otherToken = Guid.NewGuid();
        var later = DateTime.UtcNow.AddHours(1);

        var submitted = await _app.WithDb(db => Transitions.Commit(db, plan, Move.Submit, owner, adjustRow: row => row.NextAttemptUtc = later));
        var approved = await _app.WithDb(db => Transitions.Commit(db, plan, Move.Approve, reviewer, adjustRow: row =>
        {
            if (anotherInstance)
            {
                row.ClaimToken = otherToken;
                row.LeaseUntilUtc = later;
            }
            else
            {
                row.NextAttemptUtc = later;
            }
        }));
        await Release(plan);

        await Transitions.AwaitRecipients(_app, submitted.EventId, 1);
        // The claim of the next row is in the same transaction as the delivery's: settled by now.
        var next = await Eventually.Get(
            () => _app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == submitted.EventId))!,
            r => r?.SentUtc is not null, TimeSpan.FromSeconds(10), "the first event to be marked sent");
        Assert.NotNull(next.SentUtc);
        var waiting = await _app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == approved.EventId));
        Assert.Null(waiting.SentUtc);
        Assert.Equal(anotherInstance ? otherToken : null, waiting.ClaimToken);
        Assert.Empty(await Transitions.RecipientsOf(_app, approved.EventId));
    }

    // Makes the plan's held-back first event due, and wakes the dispatcher.
    private async Task Release(Guid plan)
    {
        var first = await _app.WithDb(db => db.Outbox.Where(m => m.PlanId == plan).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync());
        await _app.WithDb(db => db.Outbox.Where(m => m.Id == first).ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptUtc, DateTime.UtcNow)));
        _app.Services.GetRequiredService<OutboxSignal>().Wake();
    }
}
