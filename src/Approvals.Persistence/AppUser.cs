using Microsoft.AspNetCore.Identity;

namespace Approvals.Persistence;

/// <summary>A member of staff. Secretaries and committee approvers belong to one committee.</summary>
public sealed class AppUser : IdentityUser
{
    public const int MaxDisplayNameLength = 200;

    /// <summary>Identity's own limit on user names and e-mail addresses (its columns hold 256).</summary>
    public const int MaxUserNameLength = 256;

    /// <summary>
    /// The length of the columns that refer to a user by id. Identity makes ids as GUIDs (36 characters); its own
    /// Id column is unbounded, so this is the limit ids made elsewhere must keep.
    /// </summary>
    public const int MaxIdLength = 64;

    public string DisplayName { get; set; } = "";

    public string? CommitteeCode { get; set; }
}
