using Approvals.Core.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Persistence;

/// <summary>
/// Reading a plan without its content document, and loading the document later when it turns out to be needed. Every
/// other read of a plan includes the document (see the mapping in <see cref="ApprovalsDbContext"/>).
/// </summary>
public static class PlanContentLoading
{
    /// <summary>The plans' own rows, without the content document: a plan read so throws if its content is read before <see cref="LoadContentAsync"/>.</summary>
    public static IQueryable<Plan> WithoutContent(this IQueryable<Plan> plans) => plans.IgnoreAutoIncludes();

    /// <summary>The plan's row by id, not tracked, <see cref="WithoutContent"/>, as a compiled query: the reads of its actions, history and the like.</summary>
    public static Task<Plan?> PlanRowNoTrackingAsync(this ApprovalsDbContext db, Guid id, CancellationToken ct) =>
        Compiled<PlanRowQueries>.For(db).Untracked(db, id, ct);

    /// <summary>
    /// Reads the content document of a plan read <see cref="WithoutContent"/> (or restored from its row,
    /// <see cref="Plan.Restore"/>); nothing when it has it. A plan the context does not track yet is attached first,
    /// unchanged, as a tracked read would have given it. It is a second read: a change to the plan in between renews
    /// the plan's concurrency token, so a write based on the two reads fails on the token rather than mixing two
    /// versions.
    /// </summary>
    public static async Task LoadContentAsync(this ApprovalsDbContext db, Plan plan, CancellationToken ct)
    {
        if (!plan.ContentLoaded)
        {
            var entry = db.Entry(plan);
            if (entry.State == EntityState.Detached)
            {
                entry.State = EntityState.Unchanged;
            }

            await entry.Reference<PlanContentDocument>("Document").LoadAsync(ct);
        }
    }
}
