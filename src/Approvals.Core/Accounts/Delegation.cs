namespace Approvals.Core.Accounts;

/// <summary>
/// A reviewer's authority handed to another account for a period, while they are away. Ending it keeps the row
/// (<see cref="EndedUtc"/>), so the account's history shows who held whose authority when.
/// </summary>
public sealed class Delegation
{
    /// <summary>The longest period one delegation may cover.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    private Delegation()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The reviewer who is away and hands over their authority.</summary>
    public string DelegatorId { get; private set; } = "";

    /// <summary>The account that holds the authority while the delegation runs.</summary>
    public string DelegateId { get; private set; } = "";

    public DateTime FromUtc { get; private set; }

    public DateTime ToUtc { get; private set; }

    public DateTime CreatedUtc { get; private set; }

    /// <summary>The account that set it up: the delegator, or an administrator for someone who is ill.</summary>
    public string CreatedBy { get; private set; } = "";

    /// <summary>When it was ended before its time; null while it runs (or waits) as set up.</summary>
    public DateTime? EndedUtc { get; private set; }

    public string? EndedBy { get; private set; }

    public static Delegation Give(string delegatorId, string delegateId, DateTime fromUtc, DateTime toUtc, string createdBy, DateTime nowUtc) => new()
    {
        Id = Guid.CreateVersion7(),
        DelegatorId = delegatorId,
        DelegateId = delegateId,
        FromUtc = fromUtc,
        ToUtc = toUtc,
        CreatedBy = createdBy,
        CreatedUtc = nowUtc,
    };

    /// <summary>Whether the delegation still runs or waits to start at <paramref name="nowUtc"/>: not ended, and its end not passed.</summary>
    public bool IsOpenAt(DateTime nowUtc) => EndedUtc is null && ToUtc > nowUtc;

    public bool IsActiveAt(DateTime nowUtc) => EndedUtc is null && FromUtc <= nowUtc && ToUtc > nowUtc;

    /// <summary>The time the delegation stops counting: its end, or when it was ended.</summary>
    public DateTime Until => EndedUtc is { } ended && ended < ToUtc ? ended : ToUtc;

    /// <summary>Whether the delegation covers any moment of [<paramref name="fromUtc"/>, <paramref name="toUtc"/>).</summary>
    public bool Overlaps(DateTime fromUtc, DateTime toUtc) => FromUtc < toUtc && fromUtc < Until && FromUtc < Until;

    /// <summary>Ends the delegation now: from this moment the delegate no longer holds the authority.</summary>
    public void End(string endedBy, DateTime nowUtc)
    {
        if (!IsOpenAt(nowUtc))
        {
            throw new InvalidOperationException($"The delegation {Id} has ended already.");
        }

        EndedUtc = nowUtc;
        EndedBy = endedBy;
    }
}

/// <summary>A fault in a new delegation: the request field it is about and what to do.</summary>
public sealed record DelegationFault(string Field, string Code, string Message);

/// <summary>The rules a new delegation must keep, from what the caller loaded about the two accounts.</summary>
public static class DelegationRules
{
    public const string Self = "delegation-self";
    public const string DelegateUnknown = "delegation-delegate-unknown";
    public const string DelegateInactive = "delegation-delegate-inactive";
    public const string EndNotAfterStart = "delegation-end-not-after-start";
    public const string EndPassed = "delegation-end-passed";
    public const string TooLong = "delegation-too-long";
    public const string Overlaps = "delegation-overlaps";
    public const string DelegateAway = "delegation-delegate-away";

    /// <param name="delegateActive">Whether the delegate's account exists (null: it does not) and is active.</param>
    /// <param name="delegatorsOwn">The delegator's delegations (any state; ended ones count until they ended).</param>
    /// <param name="delegatesOwn">Delegations the delegate gave themselves, for "no chains".</param>
    public static IReadOnlyList<DelegationFault> Check(
        string delegatorId, string delegateId, bool? delegateActive, DateTime fromUtc, DateTime toUtc, DateTime nowUtc,
        IEnumerable<Delegation> delegatorsOwn, IEnumerable<Delegation> delegatesOwn)
    {
        var faults = new List<DelegationFault>();
        if (delegateId == delegatorId)
        {
            faults.Add(new("toUserId", Self, "You cannot hand your authority to yourself: choose another active account."));
        }
        else if (delegateActive is null)
        {
            faults.Add(new("toUserId", DelegateUnknown, $"There is no account with id {delegateId}: choose an active account."));
        }
        else if (delegateActive == false)
        {
            faults.Add(new("toUserId", DelegateInactive, "That account is deactivated: choose an active account."));
        }

        if (toUtc <= fromUtc)
        {
            faults.Add(new("toUtc", EndNotAfterStart, "The end must come after the start."));
        }
        else if (toUtc <= nowUtc)
        {
            faults.Add(new("toUtc", EndPassed, "The end has passed already: choose an end in the future."));
        }
        else if (toUtc - fromUtc > Delegation.MaxPeriod)
        {
            faults.Add(new("toUtc", TooLong, "A delegation covers at most one year: choose an earlier end, and give a new one later if needed."));
        }

        if (faults.Count > 0)
        {
            return faults;
        }

        if (delegatorsOwn.FirstOrDefault(d => d.Overlaps(fromUtc, toUtc)) is { } overlapping)
        {
            faults.Add(new("fromUtc", Overlaps,
                $"The period overlaps the delegation from {overlapping.FromUtc:yyyy-MM-dd HH:mm} to {overlapping.Until:yyyy-MM-dd HH:mm} UTC: end that one first, or choose a period after it."));
        }

        if (delegatesOwn.Any(d => d.Overlaps(fromUtc, toUtc)))
        {
            faults.Add(new("toUserId", DelegateAway,
                "That person has handed their own authority on for part of the period (they are away): authority is never passed on twice, so choose someone else."));
        }

        return faults;
    }
}
