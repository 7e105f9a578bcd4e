using System.Security.Claims;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Plans;
using Approvals.Web.Infrastructure;
using FluentValidation;

namespace Approvals.Web.Features.Review;

public sealed record TransitionRequest(string Action, string? Comment);

internal sealed class TransitionRequestValidator : AbstractValidator<TransitionRequest>
{
    public const int MaxCommentLength = 4000;

    public TransitionRequestValidator()
    {
        RuleFor(r => r.Action).NotBlank().WithMessage("Name the action to take, e.g. \"submit\", \"approve\" or \"return\" (GET /api/plans/{id}/actions lists yours).");
        RuleFor(r => r.Comment).MaximumLength(MaxCommentLength).WithMessage($"A comment may be at most {MaxCommentLength} characters.");
    }
}

public sealed record TransitionResponse(
    Guid PlanId,
    string Action,
    string FromStage,
    string Stage,
    LocalizedText StageName,
    int Revision,
    string ETag,
    JournalEntryResponse Entry);

public sealed record PlanActionsResponse(Guid PlanId, int Revision, string ETag, CurrentStageResponse Stage, IReadOnlyList<ActionResponse> Actions);

/// <summary>
/// The stage the plan is in, since when, and by when its reviewers should act (fixed when the plan entered the stage);
/// <see cref="Overdue"/> once that time has passed.
/// </summary>
public sealed record CurrentStageResponse(string Id, LocalizedText Name, bool Editable, int? DueDays, DateTime EnteredUtc, DateTime? DueUtc, bool Overdue);

/// <summary>An action the signed-in user's role allows here; when <see cref="Allowed"/> is false, <see cref="BlockedBy"/> says why.</summary>
public sealed record ActionResponse(
    string Action,
    LocalizedText Name,
    string ToStage,
    LocalizedText ToStageName,
    bool CommentRequired,
    bool Allowed,
    IReadOnlyList<UnmetGuard> BlockedBy);

public sealed record JournalEntryResponse(
    long Id,
    string Action,
    string FromStage,
    LocalizedText? FromStageName,
    string ToStage,
    LocalizedText? ToStageName,
    string ActorId,
    string ActorName,
    DateTime AtUtc,
    string? Comment,
    int Revision,
    string? OnBehalfOfId,
    string? OnBehalfOfName)
{
    public static JournalEntryResponse From(JournalEntry e, WorkflowDefinition definition) => new(
        e.Id, e.Action, e.FromStage, definition.FindStage(e.FromStage)?.Name, e.ToStage, definition.FindStage(e.ToStage)?.Name,
        e.ActorId, e.ActorName, DateTime.SpecifyKind(e.AtUtc, DateTimeKind.Utc), e.Comment, e.Revision, e.OnBehalfOfId, e.OnBehalfOfName);
}

public sealed record RevisionSummary(int Number, string Title, string SubmittedBy, DateTime SubmittedUtc);

/// <summary>A revision exactly as it was submitted: what the reviewers approve.</summary>
public sealed record RevisionResponse(
    Guid PlanId,
    int Number,
    string Title,
    string SubmittedBy,
    DateTime SubmittedUtc,
    IReadOnlyList<ObjectiveResponse> Objectives)
{
    public static RevisionResponse From(PlanRevision r) => new(
        r.PlanId, r.Number, r.Title, r.SubmittedBy, DateTime.SpecifyKind(r.SubmittedUtc, DateTimeKind.Utc),
        ObjectiveResponse.From(r.Content));
}

internal static class WorkflowActors
{
    public static WorkflowActor ToActor(this ClaimsPrincipal user) =>
        new(user.Id(), user.DisplayName(), Roles.All.Where(user.IsInRole).ToList(), user.CommitteeCode());
}
