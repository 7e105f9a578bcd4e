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

    /// <summary>
    /// The roles that may take an action in <see cref="ToStage"/>, from the plan's workflow definition,
    /// so consumers can find the next reviewers without knowing the definition.
    /// </summary>
    IReadOnlyList<string> ActingRoles { get; }

    /// <summary>
    /// The name of the reviewer on whose behalf the actor acted, while that reviewer is away (a delegation); null when
    /// the actor acted on their own authority, in events no one acted on, and in events written before delegation.
    /// </summary>
    string? OnBehalfOfName => null;

    /// <summary>
    /// The actor's name as the transition recorded it, so a delivery need not look it up; null in events no one acted on
    /// and in events written before it was carried (the consumer then reads the account's name).
    /// </summary>
    string? ActorName => null;

    /// <summary>The plan's owner when the transition was taken, for the consumers that tell the owner; null as <see cref="ActorName"/>.</summary>
    string? OwnerId => null;
}

public sealed record PlanSubmitted(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc,
    IReadOnlyList<string> ActingRoles) : IPlanEvent
{
    public string? OnBehalfOfName { get; init; }

    public string? ActorName { get; init; }

    public string? OwnerId { get; init; }
}

public sealed record PlanApproved(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc,
    IReadOnlyList<string> ActingRoles) : IPlanEvent
{
    public string? OnBehalfOfName { get; init; }

    public string? ActorName { get; init; }

    public string? OwnerId { get; init; }

    public string NewStage => ToStage;
}

public sealed record PlanReturned(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc,
    IReadOnlyList<string> ActingRoles, string Comment) : IPlanEvent
{
    public string? OnBehalfOfName { get; init; }

    public string? ActorName { get; init; }

    public string? OwnerId { get; init; }

    /// <summary>
    /// The plan's comments still open when it was returned, for the secretary to answer. Null in events written
    /// before comments existed (outbox rows and messages without the field still read); empty when none is open.
    /// </summary>
    public IReadOnlyList<ReturnedComment>? OpenComments { get; init; }
}

/// <summary>An open comment as a return lists it: its goal's number (null: on the plan as a whole) and its first words.</summary>
public sealed record ReturnedComment(Guid CommentId, string? GoalNumber, string Excerpt);

public sealed record PlanAdopted(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string FromStage, string ToStage, string ActorId, DateTime OccurredUtc,
    IReadOnlyList<string> ActingRoles) : IPlanEvent
{
    public string? OnBehalfOfName { get; init; }

    public string? ActorName { get; init; }

    public string? OwnerId { get; init; }
}

// The events of a stage's due time, written by the deadline sweep through the outbox: no one acted, so the actor is
// empty, and the plan stays where it is (FromStage and ToStage are both its stage). Each is written once per plan,
// stage entry, kind and offset.

/// <summary>A reminder: the plan is due at <see cref="DueUtc"/>, <see cref="RemindBefore"/> from when it was written.</summary>
public sealed record PlanDeadlineApproaching(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string Stage, int StageEntry, DateTime StageEnteredUtc, DateTime DueUtc, TimeSpan RemindBefore, DateTime OccurredUtc,
    IReadOnlyList<string> ActingRoles) : IPlanEvent
{
    public string FromStage => Stage;

    public string ToStage => Stage;

    public string ActorId => "";
}

/// <summary>An escalation: the plan was due at <see cref="DueUtc"/> and still waits; <see cref="EscalateTo"/> are told.</summary>
public sealed record PlanOverdue(
    Guid EventId, Guid PlanId, string Committee, string PlanTitle, int Revision,
    string Stage, int StageEntry, DateTime StageEnteredUtc, DateTime DueUtc, TimeSpan EscalateAfter, DateTime OccurredUtc,
    IReadOnlyList<string> ActingRoles, IReadOnlyList<string> EscalateTo) : IPlanEvent
{
    public string FromStage => Stage;

    public string ToStage => Stage;

    public string ActorId => "";
}
