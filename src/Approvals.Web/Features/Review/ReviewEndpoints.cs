using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.ApiReference;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Features.Plans;
using Approvals.Web.Infrastructure;
using Approvals.Web.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Review;

/// <summary>Moving a plan through its workflow: what the user may do, doing it, and what was done.</summary>
public static class ReviewEndpoints
{
    public static void MapReview(this IEndpointRouteBuilder app)
    {
        var plan = app.MapGroup("/api/plans/{id:guid}").WithTags("Review");
        plan.MapGet("/actions", Actions)
            .WithName("getPlanActions")
            .WithSummary("The plan's stage and the actions open to you")
            .WithDescription("The stage the plan is in (since when, due when) and each action your roles allow there: `allowed`, or `blockedBy` " +
                "with the reasons (the goals still lacking an indicator, unanswered comments, four-eyes). The ETag is the version to act on.")
            .ReturnsETag()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        plan.MapPost("/transitions", Transition).Validate<TransitionRequest>()
            .WithName("takePlanAction")
            .WithSummary("Take an action on the plan: submit, approve or return")
            .WithDescription("`{action, comment}` with the plan's ETag in If-Match (428 without it). Returning needs a comment (400). " +
                "403 when your role, committee or the four-eyes rule does not allow it; 409 when the plan changed since you read it, " +
                "another action won the race, or the action is not possible in this stage; 422 with `unmetGuards` when the plan does not " +
                "meet the action's conditions. 200 with the new stage, the journal entry and the new ETag.")
            .ReturnsETag()
            .RequiresIfMatch(StatusCodes.Status409Conflict)
            .ProducesUnmetGuards()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        plan.MapGet("/history", History)
            .WithName("getPlanHistory")
            .WithSummary("The plan's history")
            .WithDescription("The append-only journal, oldest first: each action with its stages, who took it and when (UTC), the comment and the revision.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        plan.MapGet("/revisions", Revisions)
            .WithName("listPlanRevisions")
            .WithSummary("List the plan's submitted revisions")
            .WithDescription("Each revision as submitted: number, title, who submitted it and when.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        plan.MapGet("/revisions/{number:int}", Revision)
            .WithName("getPlanRevision")
            .WithSummary("Read a submitted revision")
            .WithDescription("The plan's content exactly as submitted in that revision: what the reviewers approve. 404 for a revision never submitted.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<SizedJson<PlanActionsResponse>, ProblemHttpResult>> Actions(
        Guid id, HttpContext http, ApprovalsDbContext db, PreparedReads reads, WorkflowRuntime workflows, Delegation.Delegations delegations, TimeProvider clock, CancellationToken ct)
    {
        // The plan's row, its open comments and the caller's delegations: statements prepared once, past EF Core
        // (PreparedReads). The content document is loaded only when a guard needs it (PlanComments.GuardContextAsync).
        var plan = await PlanRows.ReadAsync(db, reads, id, ct);
        if (await UnreadableAsync(plan, id, http, ct) is { } refused)
        {
            return refused;
        }

        var stage = workflows.StageOf(plan!);
        var options = await workflows.ActionsFor(
            await PlanComments.GuardContextAsync(db, reads, workflows, plan!, null, ct), await delegations.ActorAsync(http.User, ct));

        http.Response.Headers.ETag = ETags.For(plan!);
        return SizedJson.Ok(new PlanActionsResponse(
            plan!.Id,
            plan.Revision,
            ETags.For(plan),
            new CurrentStageResponse(stage.Id, stage.Name, stage.Editable, stage.DueDays, plan.StageEnteredUtc, plan.DueUtc, plan.IsOverdue(clock.GetUtcNow().UtcDateTime)),
            options.Select(o => new ActionResponse(o.Action.Id, o.Action.Name, o.To.Id, o.To.Name, o.Transition.CommentRequired, o.Allowed, o.Blocked)).ToList()));
    }

    /// <summary>Takes an action through <see cref="PlanTransitions"/>, the code path the plan page's buttons use too.</summary>
    private static async Task<Results<SizedJson<TransitionResponse>, ProblemHttpResult, ValidationProblem>> Transition(
        Guid id, TransitionRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, HttpContext http,
        PlanTransitions transitions, WorkflowRuntime workflows, CancellationToken ct)
    {
        var outcome = await transitions.TakeAsync(id, http.User, request.Action!, request.Comment, ifMatch, ct);
        switch (outcome.Status)
        {
            case TransitionStatus.NotFound:
            case TransitionStatus.Unreadable:
                return Unreadable(outcome.Plan, id, http)!;
            case TransitionStatus.VersionMissing:
                return Problems.PreconditionRequired(
                    "Send the plan's ETag as GET /api/plans/{id} or /actions returned it in an If-Match header (If-Match: \"…\"), so you act on the " +
                    "version of the plan you have read. If-Match: * names no version and is not accepted.");
            case TransitionStatus.Stale:
                return Problems.Conflict(
                    "The plan changed after you read it: someone else acted on it or edited it. Fetch it again and decide on its current stage.");
            case TransitionStatus.LostRace:
                return Problems.Conflict(
                    "Another action on the plan was saved just before yours, so yours was not. Fetch the plan again and decide on its current stage.");
            case TransitionStatus.Refused:
                return Refused(outcome.Refusal!);
        }

        var (plan, result) = (outcome.Plan!, outcome.Result!);
        var definition = workflows.DefinitionOf(plan);
        http.Response.Headers.ETag = ETags.For(plan);
        return SizedJson.Ok(new TransitionResponse(
            plan.Id, result.Journal.Action, result.FromStage, result.ToStage, definition.Stage(result.ToStage).Name,
            plan.Revision, ETags.For(plan), JournalEntryResponse.From(result.Journal, definition)));
    }

    private static async Task<Results<Ok<List<JournalEntryResponse>>, ProblemHttpResult>> History(
        Guid id, HttpContext http, ApprovalsDbContext db, WorkflowRuntime workflows, CancellationToken ct)
    {
        var plan = await db.PlanRowNoTrackingAsync(id, ct);
        if (await UnreadableAsync(plan, id, http, ct) is { } refused)
        {
            return refused;
        }

        var definition = workflows.DefinitionOf(plan!);
        var entries = await db.Journal.AsNoTracking().Where(j => j.PlanId == id).OrderBy(j => j.Id).ToListAsync(ct);
        return TypedResults.Ok(entries.Select(e => JournalEntryResponse.From(e, definition)).ToList());
    }

    private static async Task<Results<Ok<List<RevisionSummary>>, ProblemHttpResult>> Revisions(
        Guid id, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        var plan = await db.PlanRowNoTrackingAsync(id, ct);
        if (await UnreadableAsync(plan, id, http, ct) is { } refused)
        {
            return refused;
        }

        var revisions = await db.PlanRevisions.AsNoTracking().Where(r => r.PlanId == id).OrderBy(r => r.Number)
            .Select(r => new { r.Number, r.Title, r.SubmittedBy, r.SubmittedUtc })
            .ToListAsync(ct);
        return TypedResults.Ok(revisions
            .Select(r => new RevisionSummary(r.Number, r.Title, r.SubmittedBy, DateTime.SpecifyKind(r.SubmittedUtc, DateTimeKind.Utc)))
            .ToList());
    }

    private static async Task<Results<Ok<RevisionResponse>, ProblemHttpResult>> Revision(
        Guid id, int number, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        var plan = await db.PlanRowNoTrackingAsync(id, ct);
        if (await UnreadableAsync(plan, id, http, ct) is { } refused)
        {
            return refused;
        }

        var revision = await db.PlanRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.PlanId == id && r.Number == number, ct);
        return revision is null
            ? Problems.NotFound($"Plan {id} has no submitted revision {number}. A revision exists once it has been submitted.")
            : TypedResults.Ok(RevisionResponse.From(revision));
    }

    private static ProblemHttpResult? Unreadable(Plan? plan, Guid id, HttpContext http) =>
        plan is null ? Problems.NotFound($"There is no plan with id {id}.")
        : !http.User.CanRead(plan.CommitteeCode) ? Problems.Forbidden($"You can read only your own committee's plans; this plan belongs to {plan.Committee.Name}.")
        : null;

    // A read: a running delegation handed to the caller lets them read as a reviewer (see DelegatedReading).
    private static async Task<ProblemHttpResult?> UnreadableAsync(Plan? plan, Guid id, HttpContext http, CancellationToken ct) =>
        plan is not null && !http.User.CanRead(plan.CommitteeCode) && await http.CanReadAsync(plan.CommitteeCode, ct)
            ? null
            : Unreadable(plan, id, http);

    private static Results<SizedJson<TransitionResponse>, ProblemHttpResult, ValidationProblem> Refused(TransitionRefusedException e) => e.Reason switch
    {
        RefusalReason.UnknownAction => Problems.Validation("action", e.Message),
        RefusalReason.CommentRequired => Problems.Validation("comment", e.Message),
        RefusalReason.NotPossibleInStage => Problems.Conflict(e.Message),
        RefusalReason.GuardsUnmet => TypedResults.Problem(
            title: "The plan does not meet the conditions of this action.",
            detail: e.Message,
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["unmetGuards"] = e.UnmetGuards }),
        _ => Problems.Forbidden(e.Message),
    };
}

