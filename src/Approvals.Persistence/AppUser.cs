using Microsoft.AspNetCore.Identity;

namespace Approvals.Persistence;

/// <summary>A member of staff. Secretaries and committee approvers belong to one committee.</summary>
public sealed class AppUser : IdentityUser
{
    public const int MaxDisplayNameLength = 200;

    /// <summary>Identity's own limit on user names and e-mail addresses (its columns hold 256).</summary>
    public const int MaxUserNameLength = 256;

    /// <summary>
    /// The longest name a person is shown by where the app records who acted (journal, comments, account history): the
    /// display name, or the user name of an account without one.
    /// </summary>
    public const int MaxActorNameLength = MaxUserNameLength > MaxDisplayNameLength ? MaxUserNameLength : MaxDisplayNameLength;

    /// <summary>
    /// The length of the columns that refer to a user by id. Identity makes ids as GUIDs (36 characters); its own
    /// Id column is unbounded, so this is the limit ids made elsewhere must keep.
    /// </summary>
    public const int MaxIdLength = 64;

    public string DisplayName { get; set; } = "";

    public string? CommitteeCode { get; set; }

    /// <summary>When an administrator deactivated the account; null while it is active.</summary>
    public DateTime? DeactivatedUtc { get; private set; }

    public DateTime? LastSignInUtc { get; set; }

    public bool Active => DeactivatedUtc is null;

    /// <summary>
    /// Refuses every session of the account from now on: a new security stamp no session was started with.
    /// Activating it again does not bring the old sessions back.
    /// </summary>
    public void Deactivate(DateTime nowUtc)
    {
        if (!Active)
        {
            throw new InvalidOperationException($"The account {Email} is already deactivated.");
        }

        DeactivatedUtc = nowUtc;
        RenewSecurityStamp();
    }

    public void Activate()
    {
        if (Active)
        {
            throw new InvalidOperationException($"The account {Email} is already active.");
        }

        DeactivatedUtc = null;
    }

    /// <summary>Ends every session started before: each session is valid only under the stamp it began with.</summary>
    public void RenewSecurityStamp() => SecurityStamp = Guid.NewGuid().ToString("N");

    /// <summary>
    /// A new concurrency stamp, as Identity's store gives on every update: a change saved by someone else after
    /// this account was read makes this save fail instead of overwriting it.
    /// </summary>
    public void Touch() => ConcurrencyStamp = Guid.NewGuid().ToString();
}
