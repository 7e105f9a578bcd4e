using System.Reflection;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// A publish that never returns, whatever its cancellation token says, as MassTransit's first publish of a
/// message type does while the broker connection is down. The dispatcher must still give up on it at
/// <see cref="OutboxOptions.PublishTimeout"/> and record the failure, or the plan's events stay stuck behind it.
/// </summary>
public sealed class OutboxPublishTimeoutTests
{
    [Fact]
    public async Task A_publish_that_never_returns_counts_as_failed_at_the_publish_timeout()
    {
        var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Messaging:Outbox:PollInterval"] = "01:00:00" }).StartAsync();
        try
        {
            var approved = await AheadDispatchers.ApprovalDueInAnHour(app, Committee.Tmu);
            var bus = DispatchProxy.Create<IBus, NeverReturningBus>();
            var dispatcher = AheadDispatchers.Create(
                app, bus, new OutboxOptions { PublishTimeout = TimeSpan.FromMilliseconds(300), RetryBaseDelay = TimeSpan.FromSeconds(1) });

            var published = await dispatcher.DispatchAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.False(published);
            Assert.Equal(1, ((NeverReturningBus)(object)bus).Publishes);
            var row = await app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == approved.EventId));
            Assert.Null(row.SentUtc);
            Assert.Equal(1, row.Attempts);
            Assert.StartsWith("TimeoutException: The broker did not confirm the publish within", row.LastError);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>An <see cref="IBus"/> whose publishes never complete and ignore their token; anything else is refused.</summary>
    public class NeverReturningBus : DispatchProxy
    {
        private int _publishes;

        public int Publishes => _publishes;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: "Publish" } && targetMethod.ReturnType == typeof(Task))
            {
                Interlocked.Increment(ref _publishes);
                return new TaskCompletionSource().Task;
            }

            throw new NotSupportedException($"The test bus does not do {targetMethod?.Name}.");
        }
    }
}
