using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Review;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Comments;

public enum CommentStatusCode
{
    Done,

    /// <summary>No such plan, or no such comment on it.</summary>
    NotFound,

    /// <summary>The user may not read the plan (another committee's, for a secretary).</summary>
    Unreadable,

    /// <summary>The rules refused it; <see cref="CommentOutcome.Refusal"/> says why.</summary>
    Refused,

    /// <summary>The comment kept changing under this change, which was given up.</summary>
    Conflict,
}

/// <summary>What became of a comment action. Anything but <see cref="CommentStatusCode.Done"/> changed nothing.</summary>
public sealed record CommentOutcome(
    CommentStatusCode Status,
    Plan? Plan = null,
    PlanComment? Comment = null,
    CommentRefusedException? Refusal = null);

/// <summary>
/// Writing, answering and resolving review comments: the one code path of the API (<c>/api/plans/{id}/comments</c>)
/// and the plan page's forms. The rules are <see cref="CommentRules"/>; this loads what they need and saves the result.
/// A comment carries a concurrency token: when two people change one comment at once (two instances, two tabs), the
/// loser's change is applied again to the comment as the winner left it, and refused if the rules now say no.
/// </summary>
public sealed class PlanComments(ApprovalsDbContext db, WorkflowRuntime workflows, Delegation.Delegations delegations, TimeProvider clock)
{
    // Enough for a burst of replies at once on PostgreSQL, where they really run side by side (four at once lost a
    // reply with three attempts); each retry waits a little, at random, so the writers do not collide again in step.
    private const int Attempts = 10;

    public Task<CommentOutcome> WriteAsync(Guid planId, ClaimsPrincipal user, CommentAnchor anchor, string text, CancellationToken ct) =>
        Change(planId, null, user, async (plan, _, actor, definition, now) =>
        {
            var count = await db.PlanComments.CountAsync(c => c.PlanId == planId, ct);
            var comment = CommentRules.Write(definition, plan, actor, anchor, text, count, now);
            db.PlanComments.Add(comment);
            return comment;
        }, ct);

    public Task<CommentOutcome> ReplyAsync(Guid planId, Guid commentId, ClaimsPrincipal user, string text, CancellationToken ct) =>
        Change(planId, commentId, user, async (plan, comment, actor, definition, now) =>
        {
            var count = await db.CommentReplies.CountAsync(r => db.PlanComments.Any(c => c.Id == r.CommentId && c.PlanId == planId), ct);
            db.CommentReplies.Add(CommentRules.Reply(definition, plan, actor, comment!, text, count, now));
            return comment!;
        }, ct);

    public Task<CommentOutcome> MarkAnsweredAsync(Guid planId, Guid commentId, ClaimsPrincipal user, CancellationToken ct) =>
        Change(planId, commentId, user, (plan, comment, actor, definition, now) =>
        {
            CommentRules.MarkAnswered(definition, plan, actor, comment!, now);
            return Task.FromResult(comment!);
        }, ct);

    public Task<CommentOutcome> ResolveAsync(Guid planId, Guid commentId, ClaimsPrincipal user, CancellationToken ct) =>
        Change(planId, commentId, user, (plan, comment, actor, definition, now) =>
        {
            CommentRules.Resolve(definition, plan, actor, comment!, now);
            return Task.FromResult(comment!);
        }, ct);

    /// <summary>The plan's comments with their replies, oldest first; only those in <paramref name="status"/> when given.</summary>
    public static async Task<List<PlanComment>> ListAsync(ApprovalsDbContext db, Guid planId, CommentStatus? status, CancellationToken ct)
    {
        var query = db.PlanComments.AsNoTracking().Include(c => c.Replies).Where(c => c.PlanId == planId);
        if (status is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        return (await query.ToListAsync(ct)).OrderBy(c => c.CreatedUtc).ThenBy(c => c.Id).ToList();
    }

    private const string OpenCommentsSql = $"""
        SELECT "Id", "Revision", "ObjectiveId", "GoalId", "IndicatorId", "AuthorName", "Text", "GoalNumber"
        FROM "PlanComments" WHERE "PlanId" = @planId AND "Status" = '{nameof(CommentStatus.Open)}'
        ORDER BY "CreatedUtc", "Id"
        """;

    /// <summary>
    /// The plan's open comments, as the <c>comments-answered</c> guard and a return's notification read them (every
    /// transition and list of actions): a statement prepared once (<see cref="PreparedReads"/>).
    /// </summary>
    public static Task<List<OpenComment>> OpenAsync(ApprovalsDbContext db, PreparedReads reads, Guid planId, CancellationToken ct) =>
        reads.ReadAsync(db, OpenCommentsSql, reader =>
        {
            var open = new List<OpenComment>();
            while (reader.Read())
            {
                open.Add(new OpenComment(
                    reader.GetFieldValue<Guid>(0),
                    reader.GetInt32(1),
                    new CommentAnchor(reader.GetStringOrNull(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4)),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetStringOrNull(7)));
            }

            return open;
        }, ct, ("@planId", planId));


    /// <summary>The open comments of every plan in <paramref name="plans"/>, by plan, in one query.</summary>
    public static async Task<ILookup<Guid, OpenComment>> OpenByPlanAsync(ApprovalsDbContext db, IQueryable<Plan> plans, CancellationToken ct) =>
        (await db.PlanComments.AsNoTracking()
            .Where(c => c.Status == CommentStatus.Open && plans.Select(p => p.Id).Contains(c.PlanId))
            .Select(c => new { c.PlanId, c.Id, c.Revision, c.ObjectiveId, c.GoalId, c.IndicatorId, c.AuthorName, c.Text, c.GoalNumber, c.CreatedUtc })
            .ToListAsync(ct))
        .OrderBy(c => c.CreatedUtc)
        .ToLookup(c => c.PlanId, c => new OpenComment(c.Id, c.Revision, new CommentAnchor(c.ObjectiveId, c.GoalId, c.IndicatorId), c.AuthorName, c.Text, c.GoalNumber));

    /// <summary>
    /// The plan and what its guards need: its open comments when a guard or a return reads them
    /// (<see cref="WorkflowRuntime.ReadsOpenComments"/>), and its content document when the plan was read without it
    /// and taking <paramref name="action"/> (null: listing the actions) may read it (<see cref="WorkflowRuntime.ReadsContent"/>).
    /// The document is tracked with the plan, unless <paramref name="tracked"/> is false: the plan is then kept out of
    /// the change tracker (<see cref="PlanRows.ReadUntrackedAsync"/>) and so is its document; and its writer
    /// (<see cref="PlanTransitions"/>) copies a submit's frozen document from the stored one, so a submit does not load it.
    /// </summary>
    public static async Task<GuardContext> GuardContextAsync(
        ApprovalsDbContext db, PreparedReads reads, WorkflowRuntime workflows, Plan plan, string? action, CancellationToken ct, bool tracked = true)
    {
        var context = new GuardContext(plan, workflows.ReadsOpenComments(plan, action) ? await OpenAsync(db, reads, plan.Id, ct) : null);
        if (!plan.ContentLoaded && workflows.ReadsContent(context, action, copiesStoredContent: !tracked))
        {
            await (tracked ? PlanRows.LoadContentAsync(db, reads, plan, ct) : PlanRows.LoadContentUntrackedAsync(db, reads, plan, ct));
        }

        return context;
    }

    private async Task<CommentOutcome> Change(
        Guid planId,
        Guid? commentId,
        ClaimsPrincipal user,
        Func<Plan, PlanComment?, WorkflowActor, WorkflowDefinition, DateTime, Task<PlanComment>> change,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == planId, ct);
            if (plan is null)
            {
                return new CommentOutcome(CommentStatusCode.NotFound);
            }

            // A stand-in acts on the authority handed to them while its reviewer is away (DelegatedReading).
            var actor = await delegations.ActorAsync(user, ct);
            if (!user.CanRead(plan.CommitteeCode, actor))
            {
                return new CommentOutcome(CommentStatusCode.Unreadable, plan);
            }

            PlanComment? comment = null;
            if (commentId is { } id)
            {
                comment = await db.PlanComments.Include(c => c.Replies).FirstOrDefaultAsync(c => c.Id == id && c.PlanId == planId, ct);
                if (comment is null)
                {
                    return new CommentOutcome(CommentStatusCode.NotFound, plan);
                }
            }

            try
            {
                comment = await change(plan, comment, actor, workflows.DefinitionOf(plan), clock.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync(ct);
                return new CommentOutcome(CommentStatusCode.Done, plan, comment);
            }
            catch (CommentRefusedException refusal)
            {
                db.ChangeTracker.Clear();
                return new CommentOutcome(CommentStatusCode.Refused, plan, comment, refusal);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone changed the comment since it was read: decide again on the comment as it is now.
                db.ChangeTracker.Clear();
                if (attempt >= Attempts)
                {
                    return new CommentOutcome(CommentStatusCode.Conflict, plan, comment);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), ct);
            }
        }
    }
}

public static class CommentsExtensions
{
    public static void AddComments(this WebApplicationBuilder builder) => builder.Services.AddScoped<PlanComments>();
}
