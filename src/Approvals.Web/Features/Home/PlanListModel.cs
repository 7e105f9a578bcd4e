using Approvals.Web.Features.Plans;

namespace Approvals.Web.Features.Home;

public sealed record PlanListModel(IReadOnlyList<PlanSummary> Plans, string Caption);
