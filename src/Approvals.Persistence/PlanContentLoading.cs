using Approvals.Core.Plans;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Persistence;

/// <summary>
/// Reading a plan without its content document; the host loads the document later when it turns out to be needed
/// (PlanRows.LoadContentAsync). Every other read of a plan includes the document (see the mapping in <see cref="ApprovalsDbContext"/>).
/// </summary>
public static class PlanContentLoading
{
    /// <summary>The plans' own rows, without the content document: a plan read so throws if its content is read before it is loaded (PlanRows.LoadContentAsync).</summary>
    public static IQueryable<Plan> WithoutContent(this IQueryable<Plan> plans) => plans.IgnoreAutoIncludes();

    /// <summary>The plan's row by id, not tracked, <see cref="WithoutContent"/>, as a compiled query: the reads of its actions, history and the like.</summary>
    public static Task<Plan?> PlanRowNoTrackingAsync(this ApprovalsDbContext db, Guid id, CancellationToken ct) =>
        Compiled<PlanRowQueries>.For(db).Untracked(db, id, ct);
}
