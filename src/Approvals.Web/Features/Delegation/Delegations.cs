using System.Security.Claims;
using System.Text.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Review;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Delegation;

public enum DelegationStatus
{
    Done,

    /// <summary>No such account, or (ending) no delegation to end.</summary>
    NotFound,

    /// <summary>The delegator holds no reviewer role, so has no authority to hand over.</summary>
    NotReviewer,

    /// <summary>The request breaks a rule; <see cref="DelegationOutcome.Faults"/> say which.</summary>
    Invalid,

    /// <summary>One of the two accounts changed at the same moment (another delegation, on another instance too).</summary>
    Conflict,
}

/// <summary>What became of a change. Anything but <see cref="DelegationStatus.Done"/> changed nothing.</summary>
public sealed record DelegationOutcome(DelegationStatus Status, IReadOnlyList<DelegationFault>? Faults = null, string? Message = null);

/// <summary>
/// Delegation while away: the one code path of the API and the pages, and what the rest of the app asks of it (the
/// acting person with the authority handed to them now). "Now" is the injected clock, so a delegation stops at its end
/// without anything running: every read compares with the time.
/// </summary>
public sealed class Delegations(ApprovalsDbContext db, PreparedReads reads, TimeProvider clock)
{
    public static class Actions
    {
        public const string Given = "delegation-given";
        public const string Ended = "delegation-ended";
    }

    private WorkflowActor? _actor;
    private ClaimsPrincipal? _actorOf;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The active accounts whose delegation to <c>@delegateId</c> runs at <c>@now</c>, in the order they were given.</summary>
    private const string GiversSql = """
        SELECT u."Id", u."DisplayName", u."UserName", u."CommitteeCode"
        FROM "Delegations" d JOIN "AspNetUsers" u ON d."DelegatorId" = u."Id"
        WHERE d."DelegateId" = @delegateId AND d."EndedUtc" IS NULL AND d."FromUtc" <= @now AND d."ToUtc" > @now AND u."DeactivatedUtc" IS NULL
        ORDER BY d."FromUtc", d."Id"
        """;

    /// <summary>(delegator, delegate) for each of <c>@delegatorIds</c> whose delegation runs at <c>@now</c>, to an active delegate.</summary>
    private static readonly ProviderSql DelegatesOfSql = new(sqlite => $"""
        SELECT d."DelegatorId", d."DelegateId"
        FROM "Delegations" d JOIN "AspNetUsers" u ON d."DelegateId" = u."Id"
        WHERE {PreparedReads.OneOf(sqlite, "d.\"DelegatorId\"", "@delegatorIds")}
          AND d."EndedUtc" IS NULL AND d."FromUtc" <= @now AND d."ToUtc" > @now AND u."DeactivatedUtc" IS NULL
        """);

    /// <summary>
    /// The signed-in person as the workflow runtime sees them: their own roles, and the reviewer roles of every active
    /// account whose delegation to them runs now (read once per request).
    /// </summary>
    public async Task<WorkflowActor> ActorAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (_actor is not null && ReferenceEquals(_actorOf, user))
        {
            return _actor;
        }

        var actor = user.ToActor();
        // Every transition and list of actions asks: a statement prepared once (PreparedReads).
        var givers = await reads.ReadAsync(db, GiversSql, reader =>
        {
            var rows = new List<Giver>();
            while (reader.Read())
            {
                rows.Add(new Giver(reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3)));
            }

            return rows;
        }, ct, ("@delegateId", actor.Id), ("@now", Now));

        if (givers.Count > 0)
        {
            var ids = givers.Select(g => g.Id).ToList();
            var reviewerRoles = Roles.Reviewers.ToList();
            var roles = (await (from link in db.UserRoles
                                join role in db.Roles on link.RoleId equals role.Id
                                where ids.Contains(link.UserId) && reviewerRoles.Contains(role.Name!)
                                select new { link.UserId, Role = role.Name! }).ToListAsync(ct))
                .ToLookup(r => r.UserId, r => r.Role);
            actor = actor with
            {
                Delegated = givers
                    .Where(g => roles[g.Id].Any())
                    .Select(g => new DelegatedAuthority(g.Id, NameOf(g.DisplayName, g.UserName), roles[g.Id].ToList(), g.CommitteeCode))
                    .ToList(),
            };
        }

        (_actor, _actorOf) = (actor, user);
        return actor;
    }

    /// <summary>The delegates of <paramref name="delegatorIds"/> while a delegation runs now, as (delegator, delegate); only active delegates.</summary>
    public async Task<IReadOnlyList<(string Delegator, string Delegate)>> DelegatesOfAsync(IReadOnlyCollection<string> delegatorIds, CancellationToken ct)
    {
        if (delegatorIds.Count == 0)
        {
            return [];
        }

        // Every delivery asks: a statement prepared once (PreparedReads), one whatever the number of ids.
        return await reads.ReadAsync<IReadOnlyList<(string Delegator, string Delegate)>>(db, DelegatesOfSql.For(db), reader =>
        {
            var rows = new List<(string Delegator, string Delegate)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1)));
            }

            return rows;
        }, ct, ("@delegatorIds", delegatorIds.ToArray()), ("@now", Now));
    }

    /// <summary>The delegations <paramref name="userId"/> gave that run now or start later, and those they hold now.</summary>
    public async Task<DelegationsResponse> OverviewAsync(string userId, CancellationToken ct)
    {
        var now = Now;
        var rows = await db.Delegations.AsNoTracking()
            .Where(d => d.EndedUtc == null && d.ToUtc > now && (d.DelegatorId == userId || (d.DelegateId == userId && d.FromUtc <= now)))
            .OrderBy(d => d.FromUtc)
            .ToListAsync(ct);
        var people = await PeopleAsync(rows.SelectMany(d => new[] { d.DelegatorId, d.DelegateId, d.CreatedBy }).Distinct().ToList(), ct);
        DelegationResponse Response(Core.Accounts.Delegation d) => new(
            d.Id, people[d.DelegatorId], people[d.DelegateId], Utc(d.FromUtc), Utc(d.ToUtc), d.IsActiveAt(now), Utc(d.CreatedUtc),
            people.TryGetValue(d.CreatedBy, out var by) ? by.Name : d.CreatedBy);
        return new DelegationsResponse(
            rows.Where(d => d.DelegatorId == userId).Select(Response).ToList(),
            rows.Where(d => d.DelegateId == userId).Select(Response).ToList());
    }

    /// <summary>Hands <paramref name="delegatorId"/>'s reviewer authority to the request's account, for its period; recorded in the delegator's account history.</summary>
    public async Task<DelegationOutcome> GiveAsync(string delegatorId, DelegationRequest request, ClaimsPrincipal by, CancellationToken ct)
    {
        var delegator = await db.Users.FirstOrDefaultAsync(u => u.Id == delegatorId, ct);
        if (delegator is null)
        {
            return new DelegationOutcome(DelegationStatus.NotFound, Message: $"There is no account with id {delegatorId}.");
        }

        var reviewerRoles = Roles.Reviewers.ToList();
        var isReviewer = await (from link in db.UserRoles
                                join role in db.Roles on link.RoleId equals role.Id
                                where link.UserId == delegatorId && reviewerRoles.Contains(role.Name!)
                                select link).AnyAsync(ct);
        if (!isReviewer)
        {
            return new DelegationOutcome(DelegationStatus.NotReviewer,
                Message: $"Only a reviewer ({string.Join(", ", Roles.Reviewers)}) has authority to hand over while away; this account holds none of those roles.");
        }

        var now = Now;
        var from = AsUtc(request.FromUtc!.Value);
        var to = AsUtc(request.ToUtc!.Value);
        var delegateId = request.ToUserId!.Trim();
        var @delegate = await db.Users.FirstOrDefaultAsync(u => u.Id == delegateId, ct);
        var delegatorsOwn = await db.Delegations.AsNoTracking().Where(d => d.DelegatorId == delegatorId && d.ToUtc > from).ToListAsync(ct);
        var delegatesOwn = await db.Delegations.AsNoTracking().Where(d => d.DelegatorId == delegateId && d.ToUtc > from).ToListAsync(ct);
        var faults = DelegationRules.Check(delegatorId, delegateId, @delegate?.Active, from, to, now, delegatorsOwn, delegatesOwn);
        if (faults.Count > 0)
        {
            return new DelegationOutcome(DelegationStatus.Invalid, faults);
        }

        db.Delegations.Add(Core.Accounts.Delegation.Give(delegatorId, delegateId, from, to, by.Id(), now));
        // Two requests at once (on two instances too) both passed the overlap and chain checks: the second save of
        // either account's stamp fails, so at most one of them is stored.
        delegator.Touch();
        @delegate!.Touch();
        Journal(delegatorId, Actions.Given, by, null, Fields(@delegate, from, to));
        return await SaveAsync(ct);
    }

    /// <summary>Ends every delegation of <paramref name="delegatorId"/> that runs now or starts later: its delegate holds nothing from the next request on.</summary>
    public async Task<DelegationOutcome> EndAsync(string delegatorId, ClaimsPrincipal by, CancellationToken ct)
    {
        var delegator = await db.Users.FirstOrDefaultAsync(u => u.Id == delegatorId, ct);
        if (delegator is null)
        {
            return new DelegationOutcome(DelegationStatus.NotFound, Message: $"There is no account with id {delegatorId}.");
        }

        var now = Now;
        var open = await db.Delegations.Where(d => d.DelegatorId == delegatorId && d.EndedUtc == null && d.ToUtc > now).ToListAsync(ct);
        if (open.Count == 0)
        {
            return new DelegationOutcome(DelegationStatus.NotFound, Message: "There is no current or future delegation to end.");
        }

        var delegates = await db.Users.AsNoTracking().Where(u => open.Select(d => d.DelegateId).Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        foreach (var delegation in open)
        {
            delegation.End(by.Id(), now);
            Journal(delegatorId, Actions.Ended, by, Fields(delegates.GetValueOrDefault(delegation.DelegateId), delegation.FromUtc, delegation.ToUtc), null);
        }

        delegator.Touch();
        return await SaveAsync(ct);
    }

    private async Task<DelegationOutcome> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new DelegationOutcome(DelegationStatus.Conflict,
                Message: "The account, or the other person's, was changed at the same moment. Nothing was changed: reload and try again.");
        }

        return new DelegationOutcome(DelegationStatus.Done);
    }

    private void Journal(string userId, string action, ClaimsPrincipal by, Dictionary<string, object?>? before, Dictionary<string, object?>? after) =>
        db.AccountChanges.Add(AccountChange.Record(userId, action, by.Id(), by.DisplayName(), Now, Serialize(before), Serialize(after)));

    private static Dictionary<string, object?> Fields(AppUser? @delegate, DateTime from, DateTime to) => new()
    {
        ["delegate"] = @delegate is null ? null : $"{NameOf(@delegate.DisplayName, @delegate.UserName)} ({@delegate.Email})",
        ["delegationFrom"] = Utc(from),
        ["delegationTo"] = Utc(to),
    };

    private static string? Serialize(Dictionary<string, object?>? fields) =>
        fields is null ? null : JsonSerializer.Serialize(fields, JsonSerializerOptions.Web);

    private async Task<Dictionary<string, DelegationPerson>> PeopleAsync(List<string> ids, CancellationToken ct) =>
        (await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.UserName, u.Email }).ToListAsync(ct))
            .ToDictionary(u => u.Id, u => new DelegationPerson(u.Id, NameOf(u.DisplayName, u.UserName), u.Email ?? ""));

    private static string NameOf(string displayName, string? userName) => displayName is { Length: > 0 } ? displayName : userName ?? "";

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);


    private sealed record Giver(string Id, string DisplayName, string? UserName, string? CommitteeCode);

    /// <summary>A time without an offset counts as UTC, as the field names say.</summary>
    public static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };
}
