using System.Globalization;
using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Changes;

/// <summary>One side of a comparison: a submitted revision, or the plan's content as it is now.</summary>
public sealed record ComparedVersion(int Revision, bool Current, DateTime? SubmittedUtc);

/// <summary>What changed between two versions of a plan, goal by goal (matched by id).</summary>
public sealed record ChangesResponse(
    Guid PlanId,
    ComparedVersion From,
    ComparedVersion To,
    IReadOnlyList<ObjectiveChange> Objectives,
    IReadOnlyList<GoalChange> Goals);

/// <summary>The versions of a plan's content that can be compared: its submitted revisions and its current content.</summary>
public static class PlanVersions
{
    /// <summary>The numbers of the plan's submitted revisions, oldest first.</summary>
    public static Task<List<int>> SubmittedAsync(ApprovalsDbContext db, Guid planId, CancellationToken ct) =>
        db.PlanRevisions.Where(r => r.PlanId == planId).OrderBy(r => r.Number).Select(r => r.Number).ToListAsync(ct);

    /// <summary>Revision <paramref name="number"/> as submitted, or null when it was never submitted.</summary>
    public static Task<PlanRevision?> RevisionAsync(ApprovalsDbContext db, Guid planId, int number, CancellationToken ct) =>
        db.PlanRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.PlanId == planId && r.Number == number, ct);
}

public static class ChangesEndpoints
{
    public static void MapChanges(this IEndpointRouteBuilder app)
    {
        var changes = app.MapGroup("/api/plans/{id:guid}/changes").WithTags("Changes").RequireAuthorization();
        changes.MapGet("/", Changes)
            .WithName("getPlanChanges")
            .WithSummary("What changed between two versions of a plan")
            .WithDescription("`from` is a submitted revision; `to` another one, or left out (or the plan's current revision number) for " +
                "the plan's content as it is now. Goals are matched by id: each one added, removed, moved or changed is listed " +
                "(`changes`), with its place before and after, and for a changed goal each field that differs (number, text, each " +
                "indicator and activity by id) with before, after and a word-level diff. A goal that only made room for a moved one " +
                "is not listed. Anyone who may read the plan may compare its versions.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<ChangesResponse>, ProblemHttpResult, ValidationProblem>> Changes(
        Guid id, string? from, string? to, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return Problems.NotFound($"There is no plan with id {id}.");
        }

        if (!await http.CanReadAsync(plan.CommitteeCode, ct))
        {
            return Problems.Forbidden($"You can read only your own committee's plans; this plan belongs to {plan.Committee.Name}.");
        }

        var submitted = await PlanVersions.SubmittedAsync(db, id, ct);
        var which = submitted.Count == 0
            ? "The plan has no submitted revision yet, so there is nothing to compare with."
            : $"Submitted revisions: {string.Join(", ", submitted)}.";
        if (string.IsNullOrWhiteSpace(from))
        {
            return Problems.Validation("from", $"Name the revision to compare from, e.g. ?from={(submitted.Count > 0 ? submitted[^1] : 1)}. {which}");
        }

        if (!int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var fromNumber) || !submitted.Contains(fromNumber))
        {
            return Problems.Validation("from", $"'{from}' is not a submitted revision of the plan. {which}");
        }

        var toNumber = plan.Revision;
        if (!string.IsNullOrWhiteSpace(to) &&
            (!int.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out toNumber) || (toNumber != plan.Revision && !submitted.Contains(toNumber))))
        {
            return Problems.Validation("to", $"'{to}' is neither a submitted revision nor the plan's current revision ({plan.Revision}). " +
                $"Leave it out to compare with the plan as it is now. {which}");
        }

        var before = (await PlanVersions.RevisionAsync(db, id, fromNumber, ct))!;
        var current = toNumber == plan.Revision;
        var after = current ? null : await PlanVersions.RevisionAsync(db, id, toNumber, ct);
        var changes = PlanComparison.Compare(before.Content, current ? plan.Content : after!.Content);
        return TypedResults.Ok(new ChangesResponse(
            plan.Id,
            new ComparedVersion(fromNumber, false, Utc(before.SubmittedUtc)),
            new ComparedVersion(toNumber, current, current ? null : Utc(after!.SubmittedUtc)),
            changes.Objectives,
            changes.Goals));
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
