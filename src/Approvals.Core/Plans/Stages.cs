namespace Approvals.Core.Plans;

/// <summary>
/// The stage ids of the committee-plan workflow. The workflow definition in <c>workflows/</c> is the
/// authority on stages and transitions; these names exist so code can refer to the well-known ones.
/// </summary>
public static class Stages
{
    public const string Draft = "draft";
    public const string AdministrativeReview = "administrative-review";
    public const string CommitteeApproval = "committee-approval";
    public const string CouncilApproval = "council-approval";
    public const string Adopted = "adopted";

    public static IReadOnlyList<string> All { get; } = [Draft, AdministrativeReview, CommitteeApproval, CouncilApproval, Adopted];
}
