using Approvals.Core.Review;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Comments;

/// <summary>Review comments on a plan's goals, indicators or the plan as a whole, with their replies.</summary>
public static class CommentEndpoints
{
    public static void MapComments(this IEndpointRouteBuilder app)
    {
        var comments = app.MapGroup("/api/plans/{id:guid}/comments").WithTags("Comments").RequireAuthorization();

        comments.MapGet("/", List)
            .WithName("listPlanComments")
            .WithSummary("List a plan's review comments")
            .WithDescription("Every comment on the plan with its replies, oldest first, each with where its goal stands in the plan now " +
                "(or, for a goal since removed, what it was). `status` (open, answered, resolved) keeps only those. " +
                "Anyone who may read the plan may read its comments.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        comments.MapGet("/{commentId:guid}", Get)
            .WithName("getPlanComment")
            .WithSummary("Read one review comment")
            .WithDescription("The comment with its replies. Anyone who may read the plan may read it.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        comments.MapPost("/", Write)
            .Validate<CommentRequest>()
            .WithName("writePlanComment")
            .WithSummary("Comment on a goal, an indicator or the whole plan")
            .WithDescription("`{anchor: {objective, goal, indicator?}, text}` with the ids GET /api/plans/{id} returns; leave `anchor` out " +
                "for a comment on the whole plan. Only the reviewers of the plan's current stage may comment, while it is there " +
                $"(403 otherwise; 409 while it is a draft or once adopted). Text 1–{CommentRules.MaxTextLength} characters; " +
                $"at most {CommentRules.MaxCommentsPerPlan} comments per plan (409). 201 with the comment.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        comments.MapPost("/{commentId:guid}/replies", Reply)
            .Validate<ReplyRequest>()
            .WithName("replyToPlanComment")
            .WithSummary("Reply to a review comment")
            .WithDescription("`{text}`. The committee's secretaries may reply (their reply marks the comment answered), and so may the " +
                "reviewers of the plan's current stage (their reply opens an answered comment again). A resolved comment and an adopted " +
                $"plan's comments take no replies (409). At most {CommentRules.MaxRepliesPerPlan} replies per plan. 201 with the comment and its thread.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        comments.MapPost("/{commentId:guid}/answered", MarkAnswered)
            .WithName("markPlanCommentAnswered")
            .WithSummary("Mark a review comment answered")
            .WithDescription("For the committee's secretaries: the comment has been dealt with in the plan, without a reply. " +
                "Marking it again changes nothing; a resolved comment cannot be marked (409).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        comments.MapPost("/{commentId:guid}/resolve", Resolve)
            .WithName("resolvePlanComment")
            .WithSummary("Resolve a review comment")
            .WithDescription("For the comment's author and the reviewers of the plan's current stage: nothing more is asked. " +
                "Resolving it again changes nothing; an adopted plan's comments are closed (409).")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<List<CommentResponse>>, ProblemHttpResult, ValidationProblem>> List(
        Guid id, string? status, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        CommentStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<CommentStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return Problems.Validation("status", $"'{status}' is not a comment status. Use open, answered or resolved, or leave it out for all.");
            }

            filter = parsed;
        }

        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (await UnreadableAsync(plan, id, http, ct) is { } refused)
        {
            return refused;
        }

        var comments = await PlanComments.ListAsync(db, id, filter, ct);
        return TypedResults.Ok(comments.Select(c => CommentResponse.From(c, plan!.Content)).ToList());
    }

    private static async Task<Results<Ok<CommentResponse>, ProblemHttpResult>> Get(
        Guid id, Guid commentId, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (await UnreadableAsync(plan, id, http, ct) is { } refused)
        {
            return refused;
        }

        var comment = await db.PlanComments.AsNoTracking().Include(c => c.Replies).FirstOrDefaultAsync(c => c.Id == commentId && c.PlanId == id, ct);
        return comment is null
            ? Problems.NotFound($"Plan {id} has no comment {commentId}.")
            : TypedResults.Ok(CommentResponse.From(comment, plan!.Content));
    }

    private static async Task<Results<CreatedAtRoute<CommentResponse>, ProblemHttpResult, ValidationProblem>> Write(
        Guid id, CommentRequest request, HttpContext http, PlanComments comments, CancellationToken ct) =>
        Created(await comments.WriteAsync(id, http.User, CommentAnchorInput.ToAnchor(request.Anchor), request.Text!, ct), id, null, http);

    private static async Task<Results<CreatedAtRoute<CommentResponse>, ProblemHttpResult, ValidationProblem>> Reply(
        Guid id, Guid commentId, ReplyRequest request, HttpContext http, PlanComments comments, CancellationToken ct) =>
        Created(await comments.ReplyAsync(id, commentId, http.User, request.Text!, ct), id, commentId, http);

    private static async Task<Results<Ok<CommentResponse>, ProblemHttpResult, ValidationProblem>> MarkAnswered(
        Guid id, Guid commentId, HttpContext http, PlanComments comments, CancellationToken ct) =>
        Answer(await comments.MarkAnsweredAsync(id, commentId, http.User, ct), id, commentId, http);

    private static async Task<Results<Ok<CommentResponse>, ProblemHttpResult, ValidationProblem>> Resolve(
        Guid id, Guid commentId, HttpContext http, PlanComments comments, CancellationToken ct) =>
        Answer(await comments.ResolveAsync(id, commentId, http.User, ct), id, commentId, http);

    private static Results<CreatedAtRoute<CommentResponse>, ProblemHttpResult, ValidationProblem> Created(
        CommentOutcome outcome, Guid id, Guid? commentId, HttpContext http) =>
        Refusal(outcome, id, commentId, http) switch
        {
            ProblemHttpResult problem => problem,
            ValidationProblem invalid => invalid,
            _ => TypedResults.CreatedAtRoute(CommentResponse.From(outcome.Comment!, outcome.Plan!.Content), "getPlanComment",
                new { id, commentId = outcome.Comment!.Id }),
        };

    private static Results<Ok<CommentResponse>, ProblemHttpResult, ValidationProblem> Answer(
        CommentOutcome outcome, Guid id, Guid commentId, HttpContext http) =>
        Refusal(outcome, id, commentId, http) switch
        {
            ProblemHttpResult problem => problem,
            ValidationProblem invalid => invalid,
            _ => TypedResults.Ok(CommentResponse.From(outcome.Comment!, outcome.Plan!.Content)),
        };

    /// <summary>The problem details for an outcome that is not <see cref="CommentStatusCode.Done"/>, or null.</summary>
    private static IResult? Refusal(CommentOutcome outcome, Guid id, Guid? commentId, HttpContext http) => outcome.Status switch
    {
        CommentStatusCode.Done => null,
        CommentStatusCode.NotFound => Problems.NotFound(outcome.Plan is null ? $"There is no plan with id {id}." : $"Plan {id} has no comment {commentId}."),
        CommentStatusCode.Unreadable => Unreadable(outcome.Plan, id, http),
        CommentStatusCode.Conflict => Problems.Conflict("Others changed the comment at the same time, several times over. Fetch it again and retry."),
        _ => outcome.Refusal!.Reason switch
        {
            CommentRefusalReason.UnknownAnchor => Problems.Validation(outcome.Refusal.Field ?? "anchor", outcome.Refusal.Message),
            CommentRefusalReason.NotAllowed => Problems.Forbidden(outcome.Refusal.Message),
            _ => Problems.Conflict(outcome.Refusal.Message),
        },
    };

    private static ProblemHttpResult? Unreadable(Approvals.Core.Plans.Plan? plan, Guid id, HttpContext http) =>
        plan is null ? Problems.NotFound($"There is no plan with id {id}.")
        : !http.User.CanRead(plan.CommitteeCode) ? Problems.Forbidden($"You can read only your own committee's plans; this plan belongs to {plan.Committee.Name}.")
        : null;

    // A read: a running delegation handed to the caller lets them read as a reviewer (see DelegatedReading).
    private static async Task<ProblemHttpResult?> UnreadableAsync(Approvals.Core.Plans.Plan? plan, Guid id, HttpContext http, CancellationToken ct) =>
        plan is not null && !http.User.CanRead(plan.CommitteeCode) && await http.CanReadAsync(plan.CommitteeCode, ct)
            ? null
            : Unreadable(plan, id, http);
}
