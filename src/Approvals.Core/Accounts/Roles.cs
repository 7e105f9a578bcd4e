namespace Approvals.Core.Accounts;

public static class Roles
{
    /// <summary>Writes and submits its own committee's plans. Bound to one committee.</summary>
    public const string Secretary = nameof(Secretary);

    public const string AdministrativeReviewer = nameof(AdministrativeReviewer);

    /// <summary>Approves its own committee's plans at the committee stage. Bound to one committee.</summary>
    public const string CommitteeApprover = nameof(CommitteeApprover);

    /// <summary>Approves for the city council (Borgerrepræsentationen).</summary>
    public const string CouncilApprover = nameof(CouncilApprover);

    public const string Coordinator = nameof(Coordinator);

    public const string Administrator = nameof(Administrator);

    public static IReadOnlyList<string> All { get; } =
        [Secretary, AdministrativeReviewer, CommitteeApprover, CouncilApprover, Coordinator, Administrator];

    public static IReadOnlyList<string> Reviewers { get; } = [AdministrativeReviewer, CommitteeApprover, CouncilApprover];

    /// <summary>Roles that are tied to one committee through the <see cref="CommitteeClaim"/>.</summary>
    public static bool IsCommitteeBound(string role) => role is Secretary or CommitteeApprover;

    public const string CommitteeClaim = "committee";
}
