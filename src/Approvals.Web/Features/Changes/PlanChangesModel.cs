using Approvals.Core.Review;

namespace Approvals.Web.Features.Changes;

/// <summary>What the plan page's changes section needs: the comparison (when there is one) and the revisions to pick from.</summary>
public sealed record PlanChangesModel(Guid PlanId, PlanChanges? Changes, int? From, int CurrentRevision, IReadOnlyList<int> Comparable);
