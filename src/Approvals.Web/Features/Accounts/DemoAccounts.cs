using Approvals.Core.Accounts;
using Approvals.Core.Plans;

namespace Approvals.Web.Features.Accounts;

public sealed record DemoAccount(string Email, string DisplayName, string Role, string? Committee);

/// <summary>The demo accounts listed in the README. All share <see cref="Password"/>.</summary>
public static class DemoAccounts
{
    public const string Password = "Approvals-demo-1";

    public static IReadOnlyList<DemoAccount> All { get; } =
    [
        .. Committee.All.Select(c => new DemoAccount($"sekretaer.{c.Slug}@approvals.local", $"Sekretær, {c.Name}", Roles.Secretary, c.Code)),
        .. Committee.All.Select(c => new DemoAccount($"udvalg.{c.Slug}@approvals.local", $"Udvalgsgodkender, {c.Name}", Roles.CommitteeApprover, c.Code)),
        new("administrativ@approvals.local", "Administrativ sagsbehandler", Roles.AdministrativeReviewer, null),
        new("borgerrepraesentationen@approvals.local", "Borgerrepræsentationens sekretariat", Roles.CouncilApprover, null),
        new("koordinator@approvals.local", "Koordinator", Roles.Coordinator, null),
        new("admin@approvals.local", "Administrator", Roles.Administrator, null),
    ];

    public static string SecretaryOf(Committee committee) => $"sekretaer.{committee.Slug}@approvals.local";

    public static string ApproverOf(Committee committee) => $"udvalg.{committee.Slug}@approvals.local";
}
