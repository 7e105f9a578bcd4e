namespace Approvals.Core.Contracts;

// The events a transition publishes, through the outbox. Past tense: they state what happened.
// Every event names the plan, the action's actor (never notified of their own action) and the
// journal entry it came from, which makes a redelivery recognisable.

public interface IPlanEvent
{
    Guid EventId { get; }

    Guid PlanId { get; }

    string Committee { get; }

    string PlanTitle { get; }

    int Revision { get; }

    string FromStage { get; }

    string ToStage { get; }

    string ActorId { get; }

    DateTime OccurredUtc { get; }
}

public sealed record PlanSubmitted(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc) : IPlanEvent;

public sealed record PlanApproved(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc) : IPlanEvent
{
    public string NewStage => ToStage;
}

public sealed record PlanReturned(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc, string Comment) : IPlanEvent;

public sealed record PlanAdopted(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc) : IPlanEvent;
