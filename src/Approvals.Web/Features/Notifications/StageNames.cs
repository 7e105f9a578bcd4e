using Approvals.Core.Plans;

namespace Approvals.Web.Features.Notifications;

/// <summary>The names people read for a stage id. The workflow definition will own these; swap the service then.</summary>
public interface IStageNames
{
    string DisplayName(string stageId);
}

internal sealed class DanishStageNames : IStageNames
{
    private static readonly Dictionary<string, string> Names = new()
    {
        [Stages.Draft] = "Kladde",
        [Stages.AdministrativeReview] = "Administrativ behandling",
        [Stages.CommitteeApproval] = "Udvalgsgodkendelse",
        [Stages.CouncilApproval] = "Borgerrepræsentationen",
        [Stages.Adopted] = "Vedtaget",
    };

    public string DisplayName(string stageId) => Names.GetValueOrDefault(stageId, stageId);
}
