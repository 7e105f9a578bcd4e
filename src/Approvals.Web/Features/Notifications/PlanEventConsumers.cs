using Approvals.Core.Contracts;
using MassTransit;

namespace Approvals.Web.Features.Notifications;

// The consumers do not pass on the consume context's cancellation, which a stopping bus triggers: a delivery's few
// reads and one write are finished instead (the bus waits for consumers in flight), as one cut off half-way is a
// fault in the log and a redelivery.
public sealed class PlanSubmittedConsumer(NotificationWriter writer) : IConsumer<PlanSubmitted>
{
    public Task Consume(ConsumeContext<PlanSubmitted> context) => writer.WriteAsync(context.Message, CancellationToken.None);
}

public sealed class PlanApprovedConsumer(NotificationWriter writer) : IConsumer<PlanApproved>
{
    public Task Consume(ConsumeContext<PlanApproved> context) => writer.WriteAsync(context.Message, CancellationToken.None);
}

public sealed class PlanReturnedConsumer(NotificationWriter writer) : IConsumer<PlanReturned>
{
    public Task Consume(ConsumeContext<PlanReturned> context) => writer.WriteAsync(context.Message, CancellationToken.None);
}

public sealed class PlanAdoptedConsumer(NotificationWriter writer) : IConsumer<PlanAdopted>
{
    public Task Consume(ConsumeContext<PlanAdopted> context) => writer.WriteAsync(context.Message, CancellationToken.None);
}

public sealed class PlanDeadlineApproachingConsumer(NotificationWriter writer) : IConsumer<PlanDeadlineApproaching>
{
    public Task Consume(ConsumeContext<PlanDeadlineApproaching> context) => writer.WriteAsync(context.Message, context.CancellationToken);
}

public sealed class PlanOverdueConsumer(NotificationWriter writer) : IConsumer<PlanOverdue>
{
    public Task Consume(ConsumeContext<PlanOverdue> context) => writer.WriteAsync(context.Message, context.CancellationToken);
}
