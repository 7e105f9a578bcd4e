using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;

namespace Approvals.Tests.Infrastructure;

/// <summary>The demo accounts by the role tests need them in.</summary>
public static class Users
{
    public static string Secretary(Committee committee) => DemoAccounts.SecretaryOf(committee);

    public static string CommitteeApprover(Committee committee) => DemoAccounts.ApproverOf(committee);

    public const string AdministrativeReviewer = "administrativ@approvals.local";
    public const string CouncilApprover = "borgerrepraesentationen@approvals.local";
    public const string Coordinator = "koordinator@approvals.local";
    public const string Administrator = "admin@approvals.local";
}
