using Microsoft.AspNetCore.Identity;

namespace Approvals.Persistence;

/// <summary>A member of staff. Secretaries and committee approvers belong to one committee.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    public string? CommitteeCode { get; set; }
}
