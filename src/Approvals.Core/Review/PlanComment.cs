using System.Text.Json.Serialization;
using Approvals.Core.Plans;

namespace Approvals.Core.Review;

/// <summary>
/// Where a comment stands in its round: <see cref="Open"/> until the committee's secretary answers it (by a reply or
/// by marking it answered), <see cref="Resolved"/> once its author or a reviewer of the stage is satisfied. Stored as a string.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CommentStatus>))]
public enum CommentStatus
{
    Open,
    Answered,
    Resolved,
}

/// <summary>
/// What a comment is about: a goal (by its stable id, with its objective's), optionally one of the goal's indicators,
/// or, with no goal, the plan as a whole. Ids follow the item when goals are reordered, renumbered or moved.
/// </summary>
public sealed record CommentAnchor(string? ObjectiveId, string? GoalId, string? IndicatorId)
{
    public static CommentAnchor WholePlan { get; } = new(null, null, null);

    public bool IsWholePlan => GoalId is null;

    /// <summary>Where the anchor's goal (and indicator) stands in <paramref name="content"/>, or null when the goal is gone.</summary>
    public AnchorLocation? Locate(PlanContent content)
    {
        if (GoalId is null)
        {
            return null;
        }

        for (var o = 0; o < content.Objectives.Count; o++)
        {
            var goals = content.Objectives[o].Goals;
            for (var g = 0; g < goals.Count; g++)
            {
                if (goals[g].Id != GoalId)
                {
                    continue;
                }

                int? indicator = null;
                if (IndicatorId is not null)
                {
                    var index = goals[g].Indicators.ToList().FindIndex(i => i.Id == IndicatorId);
                    indicator = index < 0 ? null : index + 1;
                }

                return new AnchorLocation(o + 1, g + 1, goals[g], indicator);
            }
        }

        return null;
    }
}

/// <summary>
/// Where an anchored goal is now, 1-based like flag paths. <see cref="Indicator"/> is null when the comment is on the
/// goal as a whole, or when its indicator has since been removed from the goal.
/// </summary>
public sealed record AnchorLocation(int Objective, int Goal, ResultGoal GoalValue, int? Indicator)
{
    public string Path => Indicator is { } i ? $"objective[{Objective}]/goal[{Goal}]/indicator[{i}]" : $"objective[{Objective}]/goal[{Goal}]";
}

/// <summary>
/// A reviewer's comment on a plan, anchored to a goal, one of its indicators, or the plan as a whole, written on the
/// revision under review. It keeps the goal's number and an excerpt of its text (and of the indicator's), so a comment
/// whose goal was later removed still says what it was about. State changes go through the methods here, which
/// <see cref="CommentRules"/> calls after deciding who may.
/// </summary>
public sealed class PlanComment
{
    private readonly List<CommentReply> _replies = [];

    private PlanComment()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    /// <summary>The revision under review when the comment was written.</summary>
    public int Revision { get; private set; }

    /// <summary>The stage the plan was in, whose reviewer wrote it.</summary>
    public string Stage { get; private set; } = "";

    public string? ObjectiveId { get; private set; }

    public string? GoalId { get; private set; }

    public string? IndicatorId { get; private set; }

    /// <summary>The goal's number when the comment was written.</summary>
    public string? GoalNumber { get; private set; }

    /// <summary>The beginning of the goal's text when the comment was written.</summary>
    public string? GoalExcerpt { get; private set; }

    /// <summary>The beginning of the indicator's text when the comment was written.</summary>
    public string? IndicatorExcerpt { get; private set; }

    public string AuthorId { get; private set; } = "";

    public string AuthorName { get; private set; } = "";

    public string Text { get; private set; } = "";

    public DateTime CreatedUtc { get; private set; }

    public CommentStatus Status { get; private set; }

    /// <summary>Who last changed the status (answered or resolved it), and when.</summary>
    public string? StatusChangedBy { get; private set; }

    public DateTime? StatusChangedUtc { get; private set; }

    /// <summary>Renewed on every change, so two people changing one comment at once cannot both win.</summary>
    public Guid ConcurrencyToken { get; private set; }

    public IReadOnlyList<CommentReply> Replies => _replies;

    public CommentAnchor Anchor => new(ObjectiveId, GoalId, IndicatorId);

    internal static PlanComment Write(Plan plan, CommentAnchor anchor, AnchorLocation? location, string authorId, string authorName, string text, DateTime nowUtc)
    {
        var indicator = location?.Indicator is { } i ? location.GoalValue.Indicators[i - 1] : null;
        return new PlanComment
        {
            Id = Guid.CreateVersion7(),
            PlanId = plan.Id,
            Revision = plan.Revision,
            Stage = plan.Stage,
            ObjectiveId = anchor.ObjectiveId,
            GoalId = anchor.GoalId,
            IndicatorId = anchor.IndicatorId,
            GoalNumber = location?.GoalValue.Number,
            GoalExcerpt = location is null ? null : Excerpt.Of(location.GoalValue.Text, Excerpt.SnapshotLength),
            IndicatorExcerpt = indicator is null ? null : Excerpt.Of(indicator.Text, Excerpt.SnapshotLength),
            AuthorId = authorId,
            AuthorName = authorName,
            Text = TextRules.Clean(text),
            CreatedUtc = nowUtc,
            Status = CommentStatus.Open,
            ConcurrencyToken = Guid.NewGuid(),
        };
    }

    internal CommentReply AddReply(string authorId, string authorName, bool bySecretary, string text, DateTime nowUtc)
    {
        var reply = CommentReply.Write(Id, authorId, authorName, bySecretary, text, nowUtc);
        _replies.Add(reply);

        // The secretary's reply answers the comment; a reviewer's reply to an answer means it is not settled yet.
        SetStatus(bySecretary ? CommentStatus.Answered : CommentStatus.Open, authorId, nowUtc);
        return reply;
    }

    internal void SetStatus(CommentStatus status, string byUserId, DateTime nowUtc)
    {
        if (status != Status)
        {
            Status = status;
            StatusChangedBy = byUserId;
            StatusChangedUtc = nowUtc;
        }

        ConcurrencyToken = Guid.NewGuid();
    }

    /// <summary>What the <c>comments-answered</c> guard and the return notification need to know of it.</summary>
    public OpenComment ToOpen() => new(Id, Revision, Anchor, AuthorName, Text, GoalNumber);
}

/// <summary>A reply in a comment's thread.</summary>
public sealed class CommentReply
{
    private CommentReply()
    {
    }

    public Guid Id { get; private set; }

    public Guid CommentId { get; private set; }

    public string AuthorId { get; private set; } = "";

    public string AuthorName { get; private set; } = "";

    /// <summary>Written by one of the committee's secretaries (an answer), rather than by a reviewer.</summary>
    public bool BySecretary { get; private set; }

    public string Text { get; private set; } = "";

    public DateTime CreatedUtc { get; private set; }

    internal static CommentReply Write(Guid commentId, string authorId, string authorName, bool bySecretary, string text, DateTime nowUtc) => new()
    {
        Id = Guid.CreateVersion7(),
        CommentId = commentId,
        AuthorId = authorId,
        AuthorName = authorName,
        BySecretary = bySecretary,
        Text = TextRules.Clean(text),
        CreatedUtc = nowUtc,
    };
}

/// <summary>
/// An open comment as the workflow's <c>comments-answered</c> guard and the return notification see it.
/// <see cref="GoalNumber"/> is the number the goal had when the comment was written.
/// </summary>
public sealed record OpenComment(Guid Id, int Revision, CommentAnchor Anchor, string AuthorName, string Text, string? GoalNumber)
{
    /// <summary>The goal's number in <paramref name="content"/>, or as it was when the comment was written when the goal is gone.</summary>
    public string? GoalNumberIn(PlanContent content) => Anchor.Locate(content)?.GoalValue.Number ?? GoalNumber;
}

/// <summary>The first words of a text, for lists and notifications.</summary>
public static class Excerpt
{
    /// <summary>How much of a goal's or indicator's text a comment keeps, to show it should the goal be removed.</summary>
    public const int SnapshotLength = 200;

    /// <summary>How much of a comment a notification or a guard's finding quotes.</summary>
    public const int QuoteLength = 100;

    /// <summary>The text on one line, cut at a word before <paramref name="length"/> characters with "…" when longer.</summary>
    public static string Of(string text, int length)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= length)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', length - 1);
        return line[..(cut > length / 2 ? cut : length - 1)].TrimEnd() + "…";
    }
}
