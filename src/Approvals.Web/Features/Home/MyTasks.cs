using System.Security.Claims;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;

namespace Approvals.Web.Features.Home;

/// <summary>
/// Plans waiting for the user: those in a stage one of the user's roles acts in. This stands in until
/// the workflow runtime can say which actions a user may take on a plan (round 2 asks it instead).
/// </summary>
public static class MyTasks
{
    public static IQueryable<Plan> For(IQueryable<Plan> plans, ClaimsPrincipal user)
    {
        var committee = user.CommitteeCode() ?? "";
        List<string> anyCommittee = [];
        List<string> ownCommittee = [];
        if (user.IsInRole(Roles.Secretary))
        {
            ownCommittee.Add(Stages.Draft);
        }

        if (user.IsInRole(Roles.CommitteeApprover))
        {
            ownCommittee.Add(Stages.CommitteeApproval);
        }

        if (user.IsInRole(Roles.AdministrativeReviewer))
        {
            anyCommittee.Add(Stages.AdministrativeReview);
        }

        if (user.IsInRole(Roles.CouncilApprover))
        {
            anyCommittee.Add(Stages.CouncilApproval);
        }

        return plans.Where(p => anyCommittee.Contains(p.Stage) || (p.CommitteeCode == committee && ownCommittee.Contains(p.Stage)));
    }
}
