using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// Outbox dispatchers of a test's own, two hours ahead of the app, over an event the app's own dispatcher leaves alone:
/// for tests that drive a pass (<see cref="OutboxDispatcher.DispatchAsync"/>) themselves, on a bus of their own.
/// </summary>
internal static class AheadDispatchers
{
    private static readonly TimeSpan Ahead = TimeSpan.FromHours(2);

    /// <summary>
    /// Commits an approval of a new plan of <paramref name="committee"/> whose outbox row is due only an hour from now,
    /// so the app's own dispatcher leaves it to one made by <see cref="Create"/>, whose clock is ahead.
    /// </summary>
    public static async Task<IPlanEvent> ApprovalDueInAnHour(ApprovalsApp app, Committee committee)
    {
        var plan = await Transitions.NewPlan(app, committee, Stages.AdministrativeReview);
        var reviewer = await Transitions.UserId(app, Users.AdministrativeReviewer);
        return await app.WithDb(db => Transitions.Commit(db, plan, Move.Approve, reviewer,
            adjustRow: row => row.NextAttemptUtc = DateTime.UtcNow.AddHours(1)));
    }

    /// <summary>A broker's dispatcher (a publish confirmed is a row sent) on <paramref name="bus"/>, two hours ahead of the app.</summary>
    public static OutboxDispatcher Create(ApprovalsApp app, IBus bus, OutboxOptions outbox) => new(
        app.Services.GetRequiredService<IServiceScopeFactory>(),
        bus,
        new OutboxSignal(),
        app.Services.GetRequiredService<KeptWriter>(),
        new CommittedEvents(),
        Options.Create(new MessagingOptions { Transport = MessagingTransport.RabbitMq, Outbox = outbox }),
        new ShiftedClock(Ahead),
        NullLogger<OutboxDispatcher>.Instance);

    private sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
