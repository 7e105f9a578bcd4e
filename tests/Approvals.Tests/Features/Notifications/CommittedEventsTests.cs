using System.Net.Http.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Features.Review;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// The events a workflow action keeps for the dispatcher (<see cref="CommittedEvents"/>): taken only for the row they
/// were written to, once, and never more than the capacity of them.
/// </summary>
public sealed class CommittedEventsTests
{
    private static PlanSubmitted Submitted(Guid? planId = null) => new(
        Guid.CreateVersion7(), planId ?? Guid.NewGuid(), "ØU", "Handleplan", 1, Stages.Draft, Stages.AdministrativeReview,
        "actor", DateTime.UtcNow, [Roles.Secretary]);

    [Fact]
    public void An_event_is_taken_for_its_own_row_once()
    {
        var events = new CommittedEvents();
        var planEvent = Submitted();
        events.Remember(planEvent);

        Assert.Same(planEvent, events.Take(Outbox.Message(planEvent)));
        Assert.Null(events.Take(Outbox.Message(planEvent)));
        Assert.Equal(0, events.Count);
    }

    [Fact]
    public void A_row_of_another_plan_or_type_under_the_same_message_id_gets_nothing()
    {
        var events = new CommittedEvents();
        var planEvent = Submitted();
        events.Remember(planEvent);
        var otherPlan = Outbox.Message(planEvent);
        otherPlan.PlanId = Guid.NewGuid();
        Assert.Null(events.Take(otherPlan));

        var again = Submitted();
        events.Remember(again);
        var otherType = Outbox.Message(again);
        otherType.Type = typeof(PlanApproved).FullName!;
        Assert.Null(events.Take(otherType));

        Assert.Null(events.Take(Outbox.Message(Submitted())));
    }

    [Fact]
    public void No_more_than_the_capacity_is_kept_and_the_oldest_goes_first()
    {
        var events = new CommittedEvents();
        var remembered = Enumerable.Range(0, CommittedEvents.Capacity + 10).Select(_ => Submitted()).ToList();
        remembered.ForEach(events.Remember);

        Assert.Equal(CommittedEvents.Capacity, events.Count);
        Assert.All(remembered.Take(10), e => Assert.Null(events.Take(Outbox.Message(e))));
        Assert.All(remembered.Skip(10), e => Assert.Same(e, events.Take(Outbox.Message(e))));
    }

    [Fact]
    public void Events_taken_long_ago_do_not_push_out_the_ones_still_waiting()
    {
        var events = new CommittedEvents();
        for (var i = 0; i < CommittedEvents.Capacity * 3; i++)
        {
            var taken = Submitted();
            events.Remember(taken);
            Assert.Same(taken, events.Take(Outbox.Message(taken)));
        }

        var waiting = Enumerable.Range(0, CommittedEvents.Capacity).Select(_ => Submitted()).ToList();
        waiting.ForEach(events.Remember);

        Assert.Equal(CommittedEvents.Capacity, events.Count);
        Assert.All(waiting, e => Assert.Same(e, events.Take(Outbox.Message(e))));
    }
}

/// <summary>A workflow action's event reaches its recipients through the event it kept, which the dispatcher takes.</summary>
[Collection(AppCollection.Name)]
public sealed class CommittedEventsDeliveryTests(ApprovalsApp app)
{
    [Fact]
    public async Task A_transitions_event_is_delivered_and_no_longer_kept_once_published()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));
        var created = await client.PostAsJsonAsync("/api/plans", ReviewApp.CleanPlan(Committee.Oeu.Code, "Holdt til udsendelse"));
        var plan = await created.ReadOk<PlanResponse>();

        // POST /api/plans/{id}/transitions: the path PlanTransitions takes for the plan page's buttons too.
        await (await ReviewApp.Act(client, plan.Id, "submit", created.Headers.ETag!.ToString())).ReadOk<TransitionResponse>();

        var row = await app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.PlanId == plan.Id));
        var recipients = await Transitions.AwaitRecipients(app, row.MessageId, 1);
        Assert.NotEmpty(recipients);
        // Taken by the dispatcher: nothing is kept for the row any more.
        Assert.Null(app.Services.GetRequiredService<CommittedEvents>().Take(row));
        // What was published is what the row holds: the inbox entries carry the row's event, its time to the microsecond
        // (what PostgreSQL keeps).
        var stored = Outbox.Deserialize(row);
        var entries = await app.WithDb(db => db.Notifications.AsNoTracking().Where(n => n.EventId == row.MessageId).Select(n => n.OccurredUtc).ToListAsync());
        Assert.NotEmpty(entries);
        Assert.All(entries, occurred => Assert.Equal(stored.OccurredUtc.Ticks / 10, occurred.Ticks / 10));
    }
}
