using Approvals.Core.Plans;

namespace Approvals.Core.Accounts;

/// <summary>What an account's roles and committee must look like, and what may not be done to the administrators.</summary>
public static class AccountRules
{
    public const string RoleUnknown = "role-unknown";
    public const string CommitteeRequired = "committee-required";
    public const string CommitteeUnknown = "committee-unknown";
    public const string CommitteeNotTaken = "committee-not-taken";

    /// <summary>
    /// The faults of a set of roles with a committee, as (field, code, message): unknown roles, a committee-bound
    /// role without a committee, a committee on an account whose roles take none, an unknown committee.
    /// </summary>
    public static IReadOnlyList<(string Field, string Code, string Message)> Check(IReadOnlyList<string?> roles, string? committee)
    {
        var faults = new List<(string, string, string)>();
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i] is not { } role || !Roles.All.Contains(role))
            {
                faults.Add(($"roles[{i}]", RoleUnknown, $"'{roles[i]}' is not a role. Use any of {string.Join(", ", Roles.All)}."));
            }
        }

        var known = roles.Where(r => r is not null && Roles.All.Contains(r)).Cast<string>().ToList();
        var bound = known.Where(Roles.IsCommitteeBound).ToList();
        if (string.IsNullOrWhiteSpace(committee))
        {
            if (bound.Count > 0)
            {
                faults.Add(("committee", CommitteeRequired, $"{string.Join(" and ", bound)} act for one committee: name it ({Committee.ValidCodes})."));
            }
        }
        else if (Committee.Find(committee) is null)
        {
            faults.Add(("committee", CommitteeUnknown, $"'{committee}' is not a committee. Use one of {Committee.ValidCodes}."));
        }
        else if (bound.Count == 0)
        {
            faults.Add(("committee", CommitteeNotTaken, $"Only {Roles.Secretary} and {Roles.CommitteeApprover} belong to a committee; leave the committee empty for {(known.Count == 0 ? "an account without roles" : string.Join(", ", known))}."));
        }

        return faults;
    }

    /// <summary>
    /// Whether a change leaves the installation without an active administrator: no one could then manage
    /// accounts any more, except with the create-admin command on the server.
    /// </summary>
    /// <param name="activeAdministrators">The ids of the active accounts holding the Administrator role now.</param>
    /// <param name="userId">The account being changed.</param>
    /// <param name="remainsActiveAdministrator">Whether that account is an active administrator after the change.</param>
    public static bool LeavesNoAdministrator(IReadOnlyCollection<string> activeAdministrators, string userId, bool remainsActiveAdministrator) =>
        !remainsActiveAdministrator && activeAdministrators.Count > 0 && activeAdministrators.All(id => id == userId);
}
