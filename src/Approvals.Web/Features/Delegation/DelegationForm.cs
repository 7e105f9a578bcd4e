using System.Globalization;
using Approvals.Core.Accounts;
using Approvals.Persistence;
using Approvals.Web.Features.Ui;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Delegation;

/// <summary>
/// The delegation form of <c>/konto</c> and <c>/admin/brugere/{id}</c>: the delegate by e-mail address, and the period
/// in Copenhagen time as a person reads a calendar. Posts through the same service as the API.
/// </summary>
public sealed class DelegationForm
{
    public const string Prefix = "Delegation";

    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    public string? Email { get; set; }

    /// <summary>Local (Copenhagen) time, as a <c>datetime-local</c> field sends it.</summary>
    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    /// <summary>How a <c>datetime-local</c> field shows a UTC time.</summary>
    public static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Copenhagen).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static DateTime ToUtc(DateTime local) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Copenhagen);

    /// <summary>
    /// Gives the delegation of <paramref name="delegatorId"/>; on a refusal the page's fields carry the Danish (or English)
    /// message and nothing is stored. True when it was stored.
    /// </summary>
    public async Task<bool> SubmitAsync(PageModel page, Delegations delegations, ApprovalsDbContext db, string delegatorId, IStringLocalizer<UiText> t, CancellationToken ct)
    {
        var state = page.ModelState;
        foreach (var key in state.Keys.Where(k => !k.StartsWith(Prefix + ".", StringComparison.Ordinal)).ToList())
        {
            state.Remove(key);
        }

        var email = Email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            state.AddModelError($"{Prefix}.{nameof(Email)}", t["Validation.Required"]);
        }
        else if (email.Length > AppUser.MaxUserNameLength)
        {
            state.AddModelError($"{Prefix}.{nameof(Email)}", t["Validation.MaxLength", AppUser.MaxUserNameLength, email.Length]);
        }

        foreach (var (name, value) in new[] { (nameof(From), From), (nameof(To), To) })
        {
            if (value is null && state.GetFieldValidationState($"{Prefix}.{name}") != Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
            {
                state.AddModelError($"{Prefix}.{name}", t["Validation.Required"]);
            }
        }

        if (!state.IsValid)
        {
            return false;
        }

        var normalized = email!.ToUpperInvariant();
        var delegateId = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
        if (delegateId is null)
        {
            state.AddModelError($"{Prefix}.{nameof(Email)}", t["Delegation.Fault." + DelegationRules.DelegateUnknown]);
            return false;
        }

        var outcome = await delegations.GiveAsync(delegatorId, new DelegationRequest(delegateId, ToUtc(From!.Value), ToUtc(To!.Value)), page.User, ct);
        switch (outcome.Status)
        {
            case DelegationStatus.Done:
                return true;
            case DelegationStatus.Invalid:
                foreach (var fault in outcome.Faults!)
                {
                    var field = fault.Field switch
                    {
                        "toUserId" => nameof(Email),
                        "fromUtc" => nameof(From),
                        _ => nameof(To),
                    };
                    state.AddModelError($"{Prefix}.{field}", t["Delegation.Fault." + fault.Code]);
                }

                return false;
            case DelegationStatus.NotReviewer:
                state.AddModelError("", t["Delegation.NotReviewer"]);
                return false;
            default:
                state.AddModelError("", t["Admin.Conflict"]);
                return false;
        }
    }
}

/// <summary>What the delegation section of a page shows: the delegations, and whether the account may give one.</summary>
public sealed record DelegationSection(DelegationsResponse Overview, bool CanDelegate, bool Own);
