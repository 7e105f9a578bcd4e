using System.Security.Claims;
using Approvals.Persistence;
using Approvals.Web.Features.Administration;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Accounts;

public enum PasswordStatus
{
    Done,

    /// <summary>The link is unknown, altered, used, replaced by a newer one or expired.</summary>
    InvalidToken,

    /// <summary>The current password given is wrong.</summary>
    WrongPassword,

    /// <summary>The new password breaks a password rule; <see cref="PasswordOutcome.Errors"/> says which.</summary>
    WeakPassword,

    NoLocalPasswords,

    /// <summary>The account changed meanwhile (the link was used at the same moment).</summary>
    Conflict,
}

public sealed record PasswordOutcome(PasswordStatus Status, IReadOnlyList<string>? Errors = null);

/// <summary>
/// What a person does to their own account: choose a password through a one-time link, and change it. The one code
/// path of <c>POST /api/account/set-password</c>, <c>POST /api/account/password</c>, /adgangskode/ny and /konto.
/// </summary>
public sealed class OwnAccount(
    ApprovalsDbContext db,
    UserManager<AppUser> users,
    AppSignInManager signIn,
    AccountStates states,
    AuthenticationSettings authentication,
    TimeProvider clock)
{
    /// <summary>Whether the link can still be used, without using it: the page says so before the person types a password.</summary>
    public async Task<bool> LinkIsOpenAsync(string? token, CancellationToken ct)
    {
        var invitation = await Invitations.FindOpenAsync(db, token, clock.GetUtcNow().UtcDateTime, ct);
        return invitation is not null && await db.Users.AnyAsync(u => u.Id == invitation.UserId && u.DeactivatedUtc == null, ct);
    }

    /// <summary>
    /// Sets the password of the invited account and uses the link up. Every earlier session of the account ends
    /// (a new security stamp). A weak password leaves the link open to try again.
    /// </summary>
    public async Task<PasswordOutcome> SetPasswordAsync(string? token, string password, CancellationToken ct)
    {
        if (!authentication.LocalPasswords)
        {
            return new PasswordOutcome(PasswordStatus.NoLocalPasswords);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var invitation = await Invitations.FindOpenAsync(db, token, now, ct);
        var user = invitation is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == invitation.UserId, ct);
        if (invitation is null || user is null || !user.Active)
        {
            return new PasswordOutcome(PasswordStatus.InvalidToken);
        }

        if (await WeaknessesAsync(user, password) is { Count: > 0 } errors)
        {
            return new PasswordOutcome(PasswordStatus.WeakPassword, errors);
        }

        invitation.Use(now);
        SetPassword(user, password);
        db.AccountChanges.Add(AccountChange.Record(user.Id, AccountAdministration.Actions.PasswordSet, user.Id, user.DisplayName, now, null, null));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new PasswordOutcome(PasswordStatus.InvalidToken);
        }

        states.Forget(user.Id);
        return new PasswordOutcome(PasswordStatus.Done);
    }

    /// <summary>
    /// Changes the signed-in person's password. The session it is done in goes on; every other session and token of
    /// the account ends. A wrong current password counts towards the account's lock-out, as at sign-in.
    /// </summary>
    public async Task<PasswordOutcome> ChangePasswordAsync(ClaimsPrincipal principal, string currentPassword, string newPassword, CancellationToken ct)
    {
        if (!authentication.LocalPasswords)
        {
            return new PasswordOutcome(PasswordStatus.NoLocalPasswords);
        }

        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return new PasswordOutcome(PasswordStatus.WrongPassword);
        }

        var check = await signIn.CheckPasswordSignInAsync(user, currentPassword, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            return new PasswordOutcome(PasswordStatus.WrongPassword);
        }

        if (await WeaknessesAsync(user, newPassword) is { Count: > 0 } errors)
        {
            return new PasswordOutcome(PasswordStatus.WeakPassword, errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        SetPassword(user, newPassword);
        if (Guid.TryParse(principal.FindFirstValue(AccountClaims.Session), out var sessionId)
            && await db.AccountSessions.FirstOrDefaultAsync(s => s.Id == sessionId, ct) is { } session)
        {
            session.SecurityStamp = user.SecurityStamp!;
            states.ForgetSession(sessionId);
        }

        db.AccountChanges.Add(AccountChange.Record(user.Id, AccountAdministration.Actions.PasswordChanged, user.Id, user.DisplayName, now, null, null));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new PasswordOutcome(PasswordStatus.Conflict);
        }

        states.Forget(user.Id);
        if (Guid.TryParse(principal.FindFirstValue(AccountClaims.Session), out var id))
        {
            states.ForgetSession(id);
        }

        return new PasswordOutcome(PasswordStatus.Done);
    }

    /// <summary>The password rules (Identity's validators: at least 12 characters and the like) the password breaks.</summary>
    public async Task<IReadOnlyList<string>> WeaknessesAsync(AppUser user, string password)
    {
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors.Select(e => e.Description));
        }

        return errors;
    }

    private void SetPassword(AppUser user, string password)
    {
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.RenewSecurityStamp();
        user.Touch();
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
    }
}
