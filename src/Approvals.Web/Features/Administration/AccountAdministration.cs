using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Approvals.Core;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Administration;

public enum AccountStatus
{
    Done,
    NotFound,
    EmailTaken,

    /// <summary>The change would leave no active administrator.</summary>
    LastAdministrator,

    /// <summary>Someone else changed the account (or the administrators) after it was read.</summary>
    Conflict,

    /// <summary>Already in the state asked for (deactivating a deactivated account).</summary>
    Unchanged,

    /// <summary>Password sign-in is turned off, so there are no invitations.</summary>
    NoLocalPasswords,
}

/// <summary>What became of a change. Anything but <see cref="AccountStatus.Done"/> changed nothing.</summary>
public sealed record AccountOutcome(AccountStatus Status, string? Message = null, UserDetailResponse? User = null, IssuedInvitation? Invitation = null, bool Emailed = false);

public sealed record UserQuery(string? Search, string? Role, string? Committee, bool? Active, int Offset, int Limit);

public sealed record UserPage(IReadOnlyList<UserResponse> Users, int Total);

/// <summary>
/// Account administration: the one code path of the API (<c>/api/users</c>) and the pages under /admin/brugere.
/// Each change is one SaveChanges: the account, its roles, its invitations and the journal line together.
/// </summary>
public sealed class AccountAdministration(
    ApprovalsDbContext db,
    UserManager<AppUser> users,
    AccountStates states,
    AccountLinks links,
    InvitationMailer mailer,
    IOptions<AccountOptions> options,
    AuthenticationSettings authentication,
    TimeProvider clock)
{
    public static class Actions
    {
        public const string Created = "created";
        public const string Updated = "updated";
        public const string Deactivated = "deactivated";
        public const string Activated = "activated";
        public const string Invited = "invited";
        public const string PasswordSet = "password-set";
        public const string PasswordChanged = "password-changed";
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    private static readonly CompareInfo Danish = new CultureInfo("da-DK").CompareInfo;

    public async Task<UserPage> ListAsync(UserQuery query, CancellationToken ct)
    {
        var rows = db.Users.AsNoTracking();
        if (query.Active is { } active)
        {
            rows = active ? rows.Where(u => u.DeactivatedUtc == null) : rows.Where(u => u.DeactivatedUtc != null);
        }

        if (Committee.Find(query.Committee) is { } committee)
        {
            rows = rows.Where(u => u.CommitteeCode == committee.Code);
        }

        if (query.Role is { } role)
        {
            var roleId = await RoleIdAsync(role, ct);
            rows = rows.Where(u => db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == roleId));
        }

        var found = await rows
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.CommitteeCode, u.DeactivatedUtc, u.LastSignInUtc })
            .ToListAsync(ct);

        // Searched and sorted here, not by the database: SQLite folds only ASCII letters, so "ø" would not find "Ø".
        var search = query.Search?.Trim();
        var matching = found
            .Where(u => string.IsNullOrEmpty(search)
                || Danish.IndexOf(u.DisplayName, search, CompareOptions.IgnoreCase) >= 0
                || (u.Email ?? "").Contains(search, StringComparison.OrdinalIgnoreCase))
            .OrderBy(u => u.DisplayName, StringComparer.Create(new CultureInfo("da-DK"), ignoreCase: true))
            .ThenBy(u => u.Email, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip(query.Offset).Take(query.Limit).ToList();
        var roles = await RolesOfAsync(page.Select(u => u.Id).ToList(), ct);
        return new UserPage(
            page.Select(u => new UserResponse(u.Id, u.Email ?? "", u.DisplayName, roles[u.Id].ToList(), u.CommitteeCode, u.DeactivatedUtc is null, u.LastSignInUtc)).ToList(),
            matching.Count);
    }

    public async Task<UserDetailResponse?> GetAsync(string id, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return user is null ? null : await DetailAsync(user, ct);
    }

    public async Task<IReadOnlyList<UserChangeResponse>?> HistoryAsync(string id, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id == id, ct))
        {
            return null;
        }

        var changes = await db.AccountChanges.AsNoTracking().Where(c => c.UserId == id).OrderBy(c => c.Id).ToListAsync(ct);
        return changes
            .Select(c => new UserChangeResponse(c.AtUtc, c.ActorId.Length == 0 ? null : c.ActorId, c.ActorName, c.Action, Read(c.Before), Read(c.After)))
            .ToList();
    }

    public async Task<AccountOutcome> CreateAsync(NewUserInput input, ClaimsPrincipal actor, CancellationToken ct)
    {
        var email = input.Email!.Trim();
        var normalized = users.NormalizeEmail(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized || u.NormalizedUserName == normalized, ct))
        {
            return Taken(email);
        }

        var now = Now;
        var roles = Canonical(input.Roles!);
        var user = new AppUser
        {
            UserName = email,
            NormalizedUserName = users.NormalizeName(email),
            Email = email,
            NormalizedEmail = normalized,
            EmailConfirmed = true,
            DisplayName = TextRules.Clean(input.Name),
            CommitteeCode = Committee.Find(input.Committee)?.Code,
            LockoutEnabled = true,
        };
        user.RenewSecurityStamp();
        db.Users.Add(user);
        foreach (var role in roles)
        {
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = await RoleIdAsync(role, ct) });
        }

        var invitation = authentication.LocalPasswords
            ? await Invitations.IssueAsync(db, links, user.Id, actor.Id(), now, options.Value.InvitationLifetime, ct)
            : null;
        Journal(user.Id, Actions.Created, actor, null, Snapshot(user, roles));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<AppUser>().Any(e => e.State == EntityState.Added))
        {
            // Created by someone else between the check above and this save: the unique index on the user name refused it.
            db.ChangeTracker.Clear();
            if (await db.Users.AnyAsync(u => u.NormalizedUserName == user.NormalizedUserName, ct))
            {
                return Taken(email);
            }

            throw;
        }

        var emailed = invitation is not null && await mailer.SendAsync(user, invitation, firstInvitation: true, ct);
        return new AccountOutcome(AccountStatus.Done, User: await DetailAsync(user, ct), Invitation: invitation, Emailed: emailed);
    }

    /// <summary>
    /// An active account with the Administrator role and the given password, for the create-admin command on the
    /// server (the one way to the first administrator of an installation). Journaled as done by that command.
    /// </summary>
    public async Task<(AccountOutcome Outcome, IReadOnlyList<string> Weaknesses)> CreateAdministratorAsync(string email, string name, string password, CancellationToken ct)
    {
        email = email.Trim();
        var normalized = users.NormalizeEmail(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized || u.NormalizedUserName == normalized, ct))
        {
            return (Taken(email), []);
        }

        var user = new AppUser
        {
            UserName = email,
            NormalizedUserName = users.NormalizeName(email),
            Email = email,
            NormalizedEmail = normalized,
            EmailConfirmed = true,
            DisplayName = TextRules.Clean(name),
            LockoutEnabled = true,
        };
        var weaknesses = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            weaknesses.AddRange((await validator.ValidateAsync(users, user, password)).Errors.Select(e => e.Description));
        }

        if (weaknesses.Count > 0)
        {
            return (new AccountOutcome(AccountStatus.Unchanged, "The password is too weak."), weaknesses);
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.RenewSecurityStamp();
        db.Users.Add(user);
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = await RoleIdAsync(Roles.Administrator, ct) });
        db.AccountChanges.Add(AccountChange.Record(user.Id, Actions.Created, "", CommandActor, Now, null, Serialize(Snapshot(user, [Roles.Administrator]))));
        await db.SaveChangesAsync(ct);
        return (new AccountOutcome(AccountStatus.Done, User: await DetailAsync(user, ct)), []);
    }

    public async Task<AccountOutcome> UpdateAsync(string id, UserUpdateInput input, ClaimsPrincipal actor, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound(id);
        }

        var current = await RolesOfAsync(user.Id, ct);
        var wanted = Canonical(input.Roles!);
        if (await RefuseLosingLastAdministrator(user, current, stillAdministrator: user.Active && wanted.Contains(Roles.Administrator), ct) is { } refusal)
        {
            return refusal;
        }

        var before = Snapshot(user, current);
        user.DisplayName = TextRules.Clean(input.Name);
        user.CommitteeCode = Committee.Find(input.Committee)?.Code;
        foreach (var role in current.Except(wanted))
        {
            var roleId = await RoleIdAsync(role, ct);
            db.UserRoles.Remove(await db.UserRoles.SingleAsync(r => r.UserId == user.Id && r.RoleId == roleId, ct));
        }

        foreach (var role in wanted.Except(current))
        {
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = await RoleIdAsync(role, ct) });
        }

        var after = Snapshot(user, wanted);
        if (Changed(before, after) is not { } changed)
        {
            return new AccountOutcome(AccountStatus.Done, User: await DetailAsync(user, ct));
        }

        user.Touch();
        Journal(user.Id, Actions.Updated, actor, changed.Before, changed.After);
        return await SaveAsync(user, ct);
    }

    public async Task<AccountOutcome> DeactivateAsync(string id, ClaimsPrincipal actor, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound(id);
        }

        if (!user.Active)
        {
            return new AccountOutcome(AccountStatus.Unchanged, $"The account {user.Email} is already deactivated.", await DetailAsync(user, ct));
        }

        if (await RefuseLosingLastAdministrator(user, await RolesOfAsync(user.Id, ct), stillAdministrator: false, ct) is { } refusal)
        {
            return refusal;
        }

        user.Deactivate(Now);
        user.Touch();
        Journal(user.Id, Actions.Deactivated, actor, Fields(("active", true)), Fields(("active", false)));
        return await SaveAsync(user, ct);
    }

    public async Task<AccountOutcome> ActivateAsync(string id, ClaimsPrincipal actor, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound(id);
        }

        if (user.Active)
        {
            return new AccountOutcome(AccountStatus.Unchanged, $"The account {user.Email} is already active.", await DetailAsync(user, ct));
        }

        user.Activate();
        user.Touch();
        Journal(user.Id, Actions.Activated, actor, Fields(("active", false)), Fields(("active", true)));
        return await SaveAsync(user, ct);
    }

    /// <summary>A new one-time link for the account (a forgotten password, a lost mail); earlier links stop working.</summary>
    public async Task<AccountOutcome> InviteAsync(string id, ClaimsPrincipal actor, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound(id);
        }

        if (!authentication.LocalPasswords)
        {
            return new AccountOutcome(AccountStatus.NoLocalPasswords,
                "Password sign-in is turned off (Authentication:LocalPasswords=false): people sign in with single sign-on, so there is no password to choose.");
        }

        var invitation = await Invitations.IssueAsync(db, links, user.Id, actor.Id(), Now, options.Value.InvitationLifetime, ct);
        Journal(user.Id, Actions.Invited, actor, null, Fields(("invitationExpiresUtc", invitation.ExpiresUtc)));
        await db.SaveChangesAsync(ct);
        var emailed = await mailer.SendAsync(user, invitation, firstInvitation: false, ct);
        return new AccountOutcome(AccountStatus.Done, User: await DetailAsync(user, ct), Invitation: invitation, Emailed: emailed);
    }

    /// <summary>
    /// Sets the account's roles and committee as single sign-on maps them, journaled as done by single sign-on.
    /// Keeps the Administrator role when taking it would leave no active administrator.
    /// </summary>
    internal async Task<bool> ApplyMappedAccessAsync(AppUser user, IReadOnlyList<string> mappedRoles, string? committee, CancellationToken ct)
    {
        var current = await RolesOfAsync(user.Id, ct);
        var wanted = Canonical(mappedRoles);
        if (current.Contains(Roles.Administrator) && !wanted.Contains(Roles.Administrator)
            && await RefuseLosingLastAdministrator(user, current, stillAdministrator: false, ct) is not null)
        {
            wanted = Canonical([.. wanted, Roles.Administrator]);
        }

        var before = Snapshot(user, current);
        user.CommitteeCode = committee;
        foreach (var role in current.Except(wanted))
        {
            var roleId = await RoleIdAsync(role, ct);
            db.UserRoles.Remove(await db.UserRoles.SingleAsync(r => r.UserId == user.Id && r.RoleId == roleId, ct));
        }

        foreach (var role in wanted.Except(current))
        {
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = await RoleIdAsync(role, ct) });
        }

        if (Changed(before, Snapshot(user, wanted)) is not { } changed)
        {
            return false;
        }

        user.Touch();
        db.AccountChanges.Add(AccountChange.Record(user.Id, Actions.Updated, "", SingleSignOnActor, Now, Serialize(changed.Before), Serialize(changed.After)));
        return true;
    }

    public const string SingleSignOnActor = "Single sign-on";

    public const string CommandActor = "create-admin command";

    internal static Dictionary<string, object?> Snapshot(AppUser user, IReadOnlyList<string> roles) => Fields(
        ("email", user.Email),
        ("name", user.DisplayName),
        ("roles", roles),
        ("committee", user.CommitteeCode),
        ("active", user.Active));

    internal static string? Serialize(Dictionary<string, object?>? fields) => fields is null ? null : JsonSerializer.Serialize(fields, Json);

    private static Dictionary<string, object?> Fields(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private static (Dictionary<string, object?> Before, Dictionary<string, object?> After)? Changed(Dictionary<string, object?> before, Dictionary<string, object?> after)
    {
        var keys = before.Keys.Where(k => JsonSerializer.Serialize(before[k], Json) != JsonSerializer.Serialize(after[k], Json)).ToList();
        return keys.Count == 0 ? null : (keys.ToDictionary(k => k, k => before[k]), keys.ToDictionary(k => k, k => after[k]));
    }

    private static IReadOnlyDictionary<string, object?>? Read(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, object?>>(json, Json);

    private void Journal(string userId, string action, ClaimsPrincipal actor, Dictionary<string, object?>? before, Dictionary<string, object?>? after) =>
        db.AccountChanges.Add(AccountChange.Record(userId, action, actor.Id(), actor.DisplayName(), Now, Serialize(before), Serialize(after)));

    /// <summary>
    /// Refuses a change that takes the last active administrator's role or activity. When other administrators
    /// remain, their rows are touched in the same save: two administrators removing each other at the same moment
    /// then collide, and the second save fails instead of leaving no administrator at all.
    /// </summary>
    private async Task<AccountOutcome?> RefuseLosingLastAdministrator(AppUser user, IReadOnlyList<string> currentRoles, bool stillAdministrator, CancellationToken ct)
    {
        if (!user.Active || !currentRoles.Contains(Roles.Administrator) || stillAdministrator)
        {
            return null;
        }

        var adminRoleId = await RoleIdAsync(Roles.Administrator, ct);
        var administrators = await db.Users
            .Where(u => u.DeactivatedUtc == null && db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == adminRoleId))
            .ToListAsync(ct);
        if (AccountRules.LeavesNoAdministrator(administrators.Select(a => a.Id).ToList(), user.Id, remainsActiveAdministrator: false))
        {
            return new AccountOutcome(AccountStatus.LastAdministrator,
                $"{user.Email} is the last active administrator: without one, no one could manage accounts. Give another account the Administrator role first.");
        }

        foreach (var other in administrators.Where(a => a.Id != user.Id))
        {
            other.Touch();
        }

        return null;
    }

    private async Task<AccountOutcome> SaveAsync(AppUser user, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new AccountOutcome(AccountStatus.Conflict, "The account, or another administrator, was changed by someone else at the same moment. Nothing was changed: reload and try again.");
        }

        states.Forget(user.Id);
        return new AccountOutcome(AccountStatus.Done, User: await DetailAsync(user, ct));
    }

    private async Task<UserDetailResponse> DetailAsync(AppUser user, CancellationToken ct)
    {
        var roles = await RolesOfAsync(user.Id, ct);
        var now = Now;
        var invitation = await db.Invitations.AsNoTracking()
            .Where(i => i.UserId == user.Id && i.UsedUtc == null && i.RevokedUtc == null && i.ExpiresUtc > now)
            .OrderByDescending(i => i.ExpiresUtc)
            .Select(i => (DateTime?)i.ExpiresUtc)
            .FirstOrDefaultAsync(ct);
        return new UserDetailResponse(user.Id, user.Email ?? "", user.DisplayName, roles, user.CommitteeCode, user.Active, user.LastSignInUtc,
            user.DeactivatedUtc, user.PasswordHash is not null, invitation);
    }

    private async Task<IReadOnlyList<string>> RolesOfAsync(string userId, CancellationToken ct) =>
        Canonical(await (from link in db.UserRoles
                         join role in db.Roles on link.RoleId equals role.Id
                         where link.UserId == userId
                         select role.Name!).ToListAsync(ct));

    private async Task<ILookup<string, string>> RolesOfAsync(List<string> userIds, CancellationToken ct)
    {
        var links = await (from link in db.UserRoles
                           join role in db.Roles on link.RoleId equals role.Id
                           where userIds.Contains(link.UserId)
                           select new { link.UserId, Role = role.Name! }).ToListAsync(ct);
        return links.OrderBy(l => RoleOrder(l.Role)).ToLookup(l => l.UserId, l => l.Role);
    }

    private async Task<string> RoleIdAsync(string role, CancellationToken ct) =>
        await db.Roles.Where(r => r.Name == role).Select(r => r.Id).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"The role {role} is missing from the database.");

    /// <summary>Roles in the order of <see cref="Roles.All"/>, each once.</summary>
    private static IReadOnlyList<string> Canonical(IEnumerable<string?> roles) =>
        roles.OfType<string>().Where(Roles.All.Contains).Distinct().OrderBy(RoleOrder).ToList();

    private static int RoleOrder(string role) => Roles.All.ToList().IndexOf(role);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static AccountOutcome NotFound(string id) => new(AccountStatus.NotFound, $"There is no account with id {id}.");

    private static AccountOutcome Taken(string email) =>
        new(AccountStatus.EmailTaken, $"An account with the address {email} exists already. Find it in the list (it may be deactivated) instead of creating another.");
}
