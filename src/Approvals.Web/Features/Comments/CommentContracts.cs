using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Web.Infrastructure;
using FluentValidation;

namespace Approvals.Web.Features.Comments;

/// <summary>
/// A new comment. <see cref="Anchor"/> names the goal (with its objective, and optionally one of its indicators) by
/// the ids GET /api/plans/{id} returns; left out, the comment is on the plan as a whole.
/// </summary>
public sealed record CommentRequest(CommentAnchorInput? Anchor, string Text);

public sealed record CommentAnchorInput(string Objective, string Goal, string? Indicator)
{
    public static CommentAnchor ToAnchor(CommentAnchorInput? anchor) =>
        anchor is null ? CommentAnchor.WholePlan : new CommentAnchor(anchor.Objective, anchor.Goal, anchor.Indicator);
}

public sealed record ReplyRequest(string Text);

internal sealed class CommentRequestValidator : AbstractValidator<CommentRequest>
{
    public CommentRequestValidator()
    {
        RuleFor(r => r.Text).CommentText();
        RuleFor(r => r.Anchor!.Objective)
            .NotBlank().WithMessage("Name the objective the goal belongs to, by its id.")
            .Must(ContentIds.IsWellFormed).WithMessage(IdMessage)
            .When(r => r.Anchor is not null)
            .OverridePropertyName("anchor.objective");
        RuleFor(r => r.Anchor!.Goal)
            .NotBlank().WithMessage("Name the goal the comment is about, by its id (or leave the anchor out for a comment on the whole plan).")
            .Must(ContentIds.IsWellFormed).WithMessage(IdMessage)
            .When(r => r.Anchor is not null)
            .OverridePropertyName("anchor.goal");
        RuleFor(r => r.Anchor!.Indicator)
            .Must(ContentIds.IsWellFormed).WithMessage(IdMessage)
            .When(r => r.Anchor?.Indicator is not null)
            .OverridePropertyName("anchor.indicator");
    }

    private static readonly string IdMessage =
        $"An id is 1 to {ContentIds.MaxLength} characters: lower-case letters, digits and dashes, as GET /api/plans/{{id}} returns it.";
}

internal sealed class ReplyRequestValidator : AbstractValidator<ReplyRequest>
{
    public ReplyRequestValidator() => RuleFor(r => r.Text).CommentText();
}

internal static class CommentTextRule
{
    public static IRuleBuilderOptions<T, string?> CommentText<T>(this IRuleBuilder<T, string?> rule) => rule
        .NotBlank().WithMessage("Write the text: what should change, or your answer (visible text: white space and invisible characters alone do not count).")
        .MaximumLength(CommentRules.MaxTextLength).WithMessage($"A comment or reply may be at most {CommentRules.MaxTextLength} characters.");
}

/// <summary>A comment with its thread, where its goal stands now, and what it was about when written.</summary>
public sealed record CommentResponse(
    Guid Id,
    Guid PlanId,
    CommentAnchorResponse? Anchor,
    CommentLocationResponse? Location,
    PersonResponse Author,
    DateTime CreatedUtc,
    int Revision,
    string Stage,
    CommentStatus Status,
    string Text,
    DateTime? StatusChangedUtc,
    IReadOnlyList<ReplyResponse> Replies)
{
    public static CommentResponse From(PlanComment c, PlanContent current)
    {
        var location = c.Anchor.Locate(current);
        return new CommentResponse(
            c.Id,
            c.PlanId,
            c.Anchor.IsWholePlan ? null : new CommentAnchorResponse(c.ObjectiveId ?? "", c.GoalId!, c.IndicatorId),
            c.Anchor.IsWholePlan ? null : CommentLocationResponse.From(c, location),
            new PersonResponse(c.AuthorId, c.AuthorName),
            Utc(c.CreatedUtc),
            c.Revision,
            c.Stage,
            c.Status,
            c.Text,
            c.StatusChangedUtc is { } changed ? Utc(changed) : null,
            c.Replies.OrderBy(r => r.CreatedUtc).ThenBy(r => r.Id)
                .Select(r => new ReplyResponse(r.Id, new PersonResponse(r.AuthorId, r.AuthorName), r.BySecretary, Utc(r.CreatedUtc), r.Text))
                .ToList());
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}

/// <summary>The ids the comment is anchored to.</summary>
public sealed record CommentAnchorResponse(string Objective, string Goal, string? Indicator);

/// <summary>
/// Where the anchored goal is in the plan's current content (1-based positions, its number and text now), or, when
/// <see cref="GoalRemoved"/>, its number and text as they were when the comment was written.
/// </summary>
public sealed record CommentLocationResponse(
    bool GoalRemoved,
    int? Objective,
    int? Goal,
    string? GoalNumber,
    string? GoalText,
    int? Indicator,
    string? IndicatorText,
    bool IndicatorRemoved)
{
    public static CommentLocationResponse From(PlanComment c, AnchorLocation? location) => location is null
        ? new(true, null, null, c.GoalNumber, c.GoalExcerpt, null, c.IndicatorExcerpt, c.IndicatorId is not null)
        : new(false, location.Objective, location.Goal, location.GoalValue.Number, location.GoalValue.Text,
            location.Indicator,
            location.Indicator is { } i ? location.GoalValue.Indicators[i - 1].Text : c.IndicatorExcerpt,
            c.IndicatorId is not null && location.Indicator is null);
}

public sealed record PersonResponse(string Id, string Name);

/// <summary>A reply; <see cref="BySecretary"/> when one of the committee's secretaries wrote it (an answer).</summary>
public sealed record ReplyResponse(Guid Id, PersonResponse Author, bool BySecretary, DateTime CreatedUtc, string Text);
