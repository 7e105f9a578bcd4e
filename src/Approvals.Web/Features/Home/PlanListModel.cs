using Approvals.Web.Features.Plans;

namespace Approvals.Web.Features.Home;

public sealed record PlanListModel(IReadOnlyList<PlanSummary> Plans, string Caption)
{
    /// <summary>Tasks taken on someone else's authority while they are away: whose, by plan id.</summary>
    public IReadOnlyDictionary<Guid, string> OnBehalfOf { get; init; } = new Dictionary<Guid, string>();
}
