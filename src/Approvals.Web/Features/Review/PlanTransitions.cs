using System.Security.Claims;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Comments;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Features.Notifications;
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
/// before the write gate's turn, from the plan and the new rows kept out of EF Core's change tracker (the plan read
/// twice from one row, the copy telling which columns changed), and run on SQLite on the <see cref="KeptWriter"/>'s
/// connection; by SaveChanges when the group commit is on
/// (<see cref="GroupCommit"/>: in its own savepoint, answered after the commit), with the plan tracked.
/// </summary>
public sealed class PlanTransitions(
    ApprovalsDbContext db, PreparedReads reads, WorkflowRuntime workflows, Delegation.Delegations delegations, TimeProvider clock, GroupCommit saves,
    OutboxSignal outbox, KeptWriter kept, CommittedEvents committed)
{
    private static readonly Type[] Written = [typeof(Plan), typeof(JournalEntry), typeof(PlanRevision), typeof(OutboxMessage)];

    // A submit freezes the document as stored, copied by the revision's INSERT after the plan's UPDATE has checked the
    // token read (an edit of the document renews it): the plan's document is not read, deserialised and written back.
    internal static readonly ColumnCopy StoredDocument = new(
        nameof(PlanRevision.Content), typeof(PlanContentDocument), nameof(PlanContentDocument.Content), nameof(PlanRevision.PlanId));

    /// <param name="ifMatch">The version the user acted on, as an ETag list (<see cref="ETags"/>); <c>*</c> names none and is refused.</param>
    public async Task<TransitionOutcome> TakeAsync(
        Guid planId, ClaimsPrincipal user, string action, string? comment, string? ifMatch, CancellationToken ct)
    {
        // One connection for the reads and the write (EF Core would open and close it for each); none at all past the
        // change tracker on SQLite, where the reads run on statements prepared once and the write on the kept writer's
        // connection (KeptWriter), so the context's is never opened. The plan is read without its content document,
        // which only a guard the stored flag counts do not settle, a return's comments on goals and a submit saved by
        // SaveChanges need: the guard context loads it then (past SaveChanges, a submit's revision copies the stored
        // document, see StoredDocument). The row is read by a statement prepared once (PlanRows), twice over from the
        // one row: the copy as read gives the write the concurrency token to check and tells it which columns changed.
        // Nothing is tracked: attaching the plan, adding the new rows, detecting the changes and accepting them were
        // about 8 % of the app's CPU per transition. With the group commit on, which saves through SaveChanges, the
        // plan is tracked as EF Core's own read would track it, and saved so.
        var untracked = !saves.Enabled && db.Database.CurrentTransaction is null && ChangeWriter.WritesUntracked(db, Written);
        if (!untracked || !kept.Enabled)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        Plan? plan;
        Plan? read = null;
        if (untracked)
        {
            (plan, read) = await PlanRows.ReadUntrackedAsync(db, reads, planId, ct) is { } rows ? rows : (null, null);
        }
        else
        {
            plan = await PlanRows.ReadTrackedAsync(db, reads, planId, ct);
        }

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
        var context = await PlanComments.GuardContextAsync(db, reads, workflows, plan, action, ct, tracked: !untracked);
        TransitionResult result;
        try
        {
            result = workflows.Take(context, actor, action, comment, clock.GetUtcNow().UtcDateTime);
        }
        catch (TransitionRefusedException e)
        {
            return new TransitionOutcome(TransitionStatus.Refused, plan, Refusal: e);
        }

        // Kept for the dispatcher before the write, so it is there whenever the dispatcher wakes; one whose write fails
        // is never asked for (its row does not exist) and ages out.
        committed.Remember(result.Event);
        try
        {
            if (untracked)
            {
                await WriteAsync(plan, read!, result, ct);
            }
            else
            {
                db.Journal.Add(result.Journal);
                if (result.FrozenRevision is { } revision)
                {
                    db.PlanRevisions.Add(revision);
                }

                db.Enqueue(result.Event);
                // The outbox's wake-up comes with the commit (OutboxCommitInterceptor).
                if (saves.Enabled || !await ChangeWriter.TrySaveAsync(db, ct))
                {
                    await saves.SaveChangesAsync(db, ct);
                }
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

    // The plan's changed columns (checked on the token read), the journal entry, the frozen revision and the outbox row,
    // in one transaction; the dispatcher is woken once the commit holds the row, as the commit interceptor would.
    private async Task WriteAsync(Plan plan, Plan read, TransitionResult result, CancellationToken ct)
    {
        var message = Outbox.Message(result.Event);
        RowChange[] rows = result.FrozenRevision is { } revision
            ? [new(plan, read), new(result.Journal), new(revision, Copy: revision.ContentLoaded ? null : StoredDocument), new(message)]
            : [new(plan, read), new(result.Journal), new(message)];
        if (!await ChangeWriter.TryWriteAsync(db, rows, ct, kept))
        {
            throw new InvalidOperationException("The transition's rows were not written: the change writer refused them after WritesUntracked accepted them.");
        }

        outbox.Wake();
    }

    private async Task<bool> ChangedSince(Guid id, Guid token, CancellationToken ct) =>
        await db.Plans.AsNoTracking().Where(p => p.Id == id).Select(p => p.ConcurrencyToken).SingleAsync(ct) != token;
}

public static class ReviewExtensions
{
    public static void AddReview(this WebApplicationBuilder builder) => builder.Services.AddScoped<PlanTransitions>();
}
