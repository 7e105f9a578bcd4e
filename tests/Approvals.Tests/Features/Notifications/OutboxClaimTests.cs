using System.Reflection;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Notifications;
using Approvals.Web.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Notifications;

/// <summary>
/// A dispatcher's pass claims the due rows before it publishes them: on SQLite in the kept writer's next group (one
/// statement that returns the rows it won), elsewhere through the context. Either way a row goes out once, whichever
/// of two passes at the same moment wins it.
/// </summary>
public sealed class OutboxClaimTests
{
    [Fact]
    public async Task Two_passes_at_once_publish_a_due_row_once_and_on_SQLite_claim_it_in_the_kept_writers_group()
    {
        var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Messaging:Outbox:PollInterval"] = "01:00:00" }).StartAsync();
        try
        {
            var approved = await AheadDispatchers.ApprovalDueInAnHour(app, Committee.Kfu);
            var kept = app.Services.GetRequiredService<KeptWriter>();
            var bus = DispatchProxy.Create<IBus, CountingBus>();
            var committedBefore = kept.Committed;

            var passes = await Task.WhenAll(AheadDispatchers.Create(app, bus, new OutboxOptions()).DispatchAsync(CancellationToken.None), AheadDispatchers.Create(app, bus, new OutboxOptions()).DispatchAsync(CancellationToken.None))
                .WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(1, passes.Count(published => published));
            Assert.Equal([approved.EventId], ((CountingBus)(object)bus).Published);
            var row = await app.WithDb(db => db.Outbox.AsNoTracking().SingleAsync(m => m.MessageId == approved.EventId));
            Assert.NotNull(row.SentUtc);
            Assert.Null(row.ClaimToken);
            // The claims were writes of the kept writer's (SQLite); PostgreSQL's writers go in parallel, each on its context.
            Assert.Equal(kept.Enabled, kept.Committed > committedBefore);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>An <see cref="IBus"/> whose publishes succeed at once and are counted; anything else is refused.</summary>
    public class CountingBus : DispatchProxy
    {
        private readonly List<Guid> _published = [];

        public IReadOnlyList<Guid> Published
        {
            get
            {
                lock (_published)
                {
                    return [.. _published];
                }
            }
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: "Publish" } && targetMethod.ReturnType == typeof(Task) && args?[0] is IPlanEvent planEvent)
            {
                lock (_published)
                {
                    _published.Add(planEvent.EventId);
                }

                return Task.CompletedTask;
            }

            throw new NotSupportedException($"The test bus does not do {targetMethod?.Name}.");
        }
    }
}
