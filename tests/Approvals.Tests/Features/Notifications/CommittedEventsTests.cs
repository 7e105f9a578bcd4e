using System.Net.Http.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Approvals.Web.Persistence;
using Microsoft.AspNetCore.Identity;
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
        var body = new
        {
            committee = "ØU",
            title = "Holdt til udsendelse",
            objectives = new[] { new { title = "Målsætning", goals = new[] { new { number = "1", text = "Et mål", indicators = new[] { new { text = "Andelen skal stige" } }, activities = new[] { new { text = "Aktivitet" } } } } } },
        };
        var id = (await (await client.PostAsJsonAsync("/api/plans", body)).ReadOk<PlanResponse>()).Id;

        TransitionOutcome outcome;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var read = await services.GetRequiredService<ApprovalsDbContext>().Plans.AsNoTracking().SingleAsync(p => p.Id == id);
            var secretary = await services.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>()
                .CreateAsync((await services.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(Users.Secretary(Committee.Oeu)))!);
            outcome = await services.GetRequiredService<PlanTransitions>().TakeAsync(id, secretary, "submit", null, ETags.For(read), CancellationToken.None);
        }

        Assert.Equal(TransitionStatus.Taken, outcome.Status);
        var planEvent = outcome.Result!.Event;
        var recipients = await Transitions.AwaitRecipients(app, planEvent.EventId, 1);
        Assert.NotEmpty(recipients);

        var row = await app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == planEvent.EventId));
        Assert.Null(app.Services.GetRequiredService<CommittedEvents>().Take(row));
        // What was published is what the row holds.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize<object>(planEvent), System.Text.Json.JsonSerializer.Serialize<object>(Outbox.Deserialize(row)));
    }
}
