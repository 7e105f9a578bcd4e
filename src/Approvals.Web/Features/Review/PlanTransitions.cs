using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Review;

public enum TransitionStatus
{
    Taken,

    NotFound,

    /// <summary>The user may not read the plan (another committee's, for a secretary).</summary>
    Unreadable,

    /// <summary>The caller named no version of the plan to act on.</summary>
    VersionMissing,

    /// <summary>The plan changed after the user read it.</summary>
    Stale,

    /// <summary>Another write to the plan was saved while this one was being saved.</summary>
    LostRace,

    /// <summary>The workflow runtime refused the action; <see cref="TransitionOutcome.Refusal"/> says why.</summary>
    Refused,
}

/// <summary>What became of an attempt to act on a plan. Anything but <see cref="TransitionStatus.Taken"/> changed nothing.</summary>
public sealed record TransitionOutcome(
    TransitionStatus Status,
    Plan? Plan = null,
    TransitionResult? Result = null,
    TransitionRefusedException? Refusal = null);

/// <summary>
/// Takes a workflow action on a stored plan: the one code path of the API (POST /api/plans/{id}/transitions) and
/// the plan page's buttons. The plan's stage change, its journal entry, a frozen revision (on submit) and the event
/// for the outbox are written in one transaction, or not at all: by <see cref="ChangeWriter"/>'s statements, built
/// before the write gate's turn; by SaveChanges when the group commit is on (<see cref="GroupCommit"/>: in its own
/// savepoint, answered after the commit) or the changes have a shape the writer leaves to SaveChanges.
/// </summary>
public sealed class PlanTransitions(
    ApprovalsDbContext db, PreparedReads reads, WorkflowRuntime workflows, Delegation.Delegations delegations, TimeProvider clock, GroupCommit saves)
{
    /// <param name="ifMatch">The version the user acted on, as an ETag list (<see cref="ETags"/>); <c>*</c> names none and is refused.</param>
    public async Task<TransitionOutcome> TakeAsync(
        Guid planId, ClaimsPrincipal user, string action, string? comment, string? ifMatch, CancellationToken ct)
    {
        // One connection for the reads and the write (EF Core would open and close it for each). The plan is read
        // without its content document, which only a submit, a guard the stored flag counts do not settle and a
        // return's comments on goals need: the guard context loads it then. The row is read by a statement prepared
        // once and tracked as EF Core's own read would be (PlanRows), so the save checks the concurrency token read.
        await db.Database.OpenConnectionAsync(ct);
        var plan = await PlanRows.ReadTrackedAsync(db, reads, planId, ct);
        if (plan is null)
        {
            return new TransitionOutcome(TransitionStatus.NotFound);
        }

        var actor = await delegations.ActorAsync(user, ct);
        // Authority handed over while someone is away is a reviewer's, and reviewers read every plan (DelegatedReading).
        if (!user.CanRead(plan.CommitteeCode, actor))
        {
            return new TransitionOutcome(TransitionStatus.Unreadable, plan);
        }

        if (!ETags.NamesAVersion(ifMatch))
        {
            return new TransitionOutcome(TransitionStatus.VersionMissing, plan);
        }

        if (!ETags.Matches(ifMatch!, plan))
        {
            return new TransitionOutcome(TransitionStatus.Stale, plan);
        }

        var token = plan.ConcurrencyToken;
        var context = await PlanComments.GuardContextAsync(db, reads, workflows, plan, action, ct);
        TransitionResult result;
        try
        {
            result = workflows.Take(context, actor, action, comment, clock.GetUtcNow().UtcDateTime);
        }
        catch (TransitionRefusedException e)
        {
            return new TransitionOutcome(TransitionStatus.Refused, plan, Refusal: e);
        }

        db.Journal.Add(result.Journal);
        if (result.FrozenRevision is { } revision)
        {
            db.PlanRevisions.Add(revision);
        }

        db.Enqueue(result.Event);
        try
        {
            // The outbox's wake-up comes with the commit either way (OutboxCommitInterceptor).
            if (saves.Enabled || !await ChangeWriter.TrySaveAsync(db, ct))
            {
                await saves.SaveChangesAsync(db, ct);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return Lost();
        }
        catch (DbUpdateException)
        {
            // Two submits of one revision can collide on the revision's key before the plan's token is compared.
            if (await ChangedSince(planId, token, ct))
            {
                return Lost();
            }

            throw;
        }

        Operations.ApprovalsTelemetry.TransitionTaken(result.Journal.Action, result.Journal.FromStage, result.Journal.ToStage);
        return new TransitionOutcome(TransitionStatus.Taken, plan, result);

        // The context still holds the refused changes; a caller that reads on must see the database, not them.
        TransitionOutcome Lost()
        {
            db.ChangeTracker.Clear();
            return new TransitionOutcome(TransitionStatus.LostRace);
        }
    }

    private async Task<bool> ChangedSince(Guid id, Guid token, CancellationToken ct) =>
        await db.Plans.AsNoTracking().Where(p => p.Id == id).Select(p => p.ConcurrencyToken).SingleAsync(ct) != token;
}

public static class ReviewExtensions
{
    public static void AddReview(this WebApplicationBuilder builder) => builder.Services.AddScoped<PlanTransitions>();
}
