using Approvals.Web.Features.Delegation;
using System.Globalization;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Administration;

/// <summary>One account: change it, deactivate or activate it, send a new link, and read its history.</summary>
[Authorize(Policy = Policies.AdministerAccounts)]
public sealed class EditUserModel(
    AccountAdministration accounts, IValidator<UserUpdateInput> validator, Delegations delegations, Approvals.Persistence.ApprovalsDbContext db, IStringLocalizer<UiText> t)
    : PageModel
{
    [BindProperty]
    public UserForm Input { get; set; } = new();

    [BindProperty]
    public DelegationForm Delegation { get; set; } = new();

    /// <summary>The account's delegations while away, and whether it may give one (reviewers).</summary>
    public DelegationSection DelegationState { get; private set; } = null!;

    public UserDetailResponse Account { get; private set; } = null!;

    public IReadOnlyList<UserChangeResponse> History { get; private set; } = [];

    [TempData]
    public string? Status { get; set; }

    [TempData]
    public string? InvitationUrl { get; set; }

    [TempData]
    public string? InvitationExpires { get; set; }

    [TempData]
    public bool InvitationEmailed { get; set; }

    /// <summary>A refusal (the last administrator, a conflict) to show above the form.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Hands the link of a new invitation to the page it redirects to, which shows it once.</summary>
    public static void ShowInvitation(ITempDataDictionary tempData, AccountOutcome outcome)
    {
        if (outcome.Invitation is { } invitation)
        {
            tempData[nameof(InvitationUrl)] = invitation.Url;
            // Not an ISO date alone: TempData would read that back as a DateTime, not the string this property is.
            tempData[nameof(InvitationExpires)] = "utc:" + invitation.ExpiresUtc.ToString("O", CultureInfo.InvariantCulture);
            tempData[nameof(InvitationEmailed)] = outcome.Emailed;
        }
    }

    public DateTime? InvitationExpiresUtc =>
        DateTime.TryParse(InvitationExpires?.Replace("utc:", "", StringComparison.Ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Input = new UserForm { Name = Account.Name, Roles = [.. Account.Roles], Committee = Account.Committee };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var input = Input.ToUpdate();
        var validation = await validator.ValidateAsync(input, ct);
        if (!validation.IsValid)
        {
            ModelState.Clear();
            ModelState.AddUserFailures(validation.Errors, t);
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }

        return await Done(id, await accounts.UpdateAsync(id, input, User, ct), "Admin.Saved", ct);
    }

    public async Task<IActionResult> OnPostDeactivateAsync(string id, CancellationToken ct) =>
        await Done(id, await accounts.DeactivateAsync(id, User, ct), "Admin.DeactivatedStatus", ct);

    public async Task<IActionResult> OnPostActivateAsync(string id, CancellationToken ct) =>
        await Done(id, await accounts.ActivateAsync(id, User, ct), "Admin.ActivatedStatus", ct);

    public async Task<IActionResult> OnPostInviteAsync(string id, CancellationToken ct)
    {
        var outcome = await accounts.InviteAsync(id, User, ct);
        if (outcome.Status == AccountStatus.Done)
        {
            ShowInvitation(TempData, outcome);
        }

        return await Done(id, outcome, "Admin.Invited", ct);
    }

    public async Task<IActionResult> OnPostDelegateAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (!await Delegation.SubmitAsync(this, delegations, db, id, t, ct))
        {
            Input = new UserForm { Name = Account.Name, Roles = [.. Account.Roles], Committee = Account.Committee };
            return Page();
        }

        Status = t["Delegation.GivenStatus"].Value;
        return RedirectToPage(null, null, new { id }, "delegation");
    }

    public async Task<IActionResult> OnPostEndDelegationAsync(string id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var outcome = await delegations.EndAsync(id, User, ct);
        if (outcome.Status != DelegationStatus.Done)
        {
            ModelState.AddModelError("", outcome.Status == DelegationStatus.NotFound ? t["Delegation.NothingToEnd"] : t["Admin.Conflict"]);
            Input = new UserForm { Name = Account.Name, Roles = [.. Account.Roles], Committee = Account.Committee };
            return Page();
        }

        Status = t["Delegation.EndedStatus"].Value;
        return RedirectToPage(null, null, new { id }, "delegation");
    }

    /// <summary>A change field by field: "Roller: Udvalgssekretær, Koordinator".</summary>
    public IEnumerable<string> Describe(IReadOnlyDictionary<string, object?>? fields)
    {
        foreach (var (key, value) in fields ?? new Dictionary<string, object?>())
        {
            var label = t[$"Admin.Field.{key}"];
            if (label.ResourceNotFound)
            {
                label = t[$"Delegation.Field.{key}"];
            }

            yield return $"{(label.ResourceNotFound ? key : label.Value)}: {Format(key, value)}";
        }
    }

    private string Format(string key, object? value)
    {
        if (value is not JsonElement json)
        {
            return value?.ToString() ?? "–";
        }

        return json.ValueKind switch
        {
            JsonValueKind.Null => "–",
            JsonValueKind.True => t["Admin.Yes"],
            JsonValueKind.False => t["Admin.No"],
            JsonValueKind.Array when json.GetArrayLength() == 0 => t["Admin.NoRoles"],
            JsonValueKind.Array => string.Join(", ", json.EnumerateArray().Select(r => t.Role(r.GetString() ?? ""))),
            JsonValueKind.String when key == "committee" => Committee.Find(json.GetString())?.Name ?? json.GetString()!,
            JsonValueKind.String when json.TryGetDateTime(out var at) => t.Time(at.ToUniversalTime()),
            _ => json.ToString(),
        };
    }

    private async Task<IActionResult> Done(string id, AccountOutcome outcome, string doneKey, CancellationToken ct)
    {
        switch (outcome.Status)
        {
            case AccountStatus.Done:
                Status = t[doneKey].Value;
                return RedirectToPage(new { id });
            case AccountStatus.NotFound:
                return NotFound();
            default:
                Refusal = outcome.Status switch
                {
                    AccountStatus.LastAdministrator => t["Admin.LastAdministrator"],
                    AccountStatus.NoLocalPasswords => t["Admin.NoLocalPasswords"],
                    AccountStatus.Unchanged => t["Admin.Unchanged"],
                    _ => t["Admin.Conflict"],
                };
                Response.StatusCode = StatusCodes.Status409Conflict;
                if (!await LoadAsync(id, ct))
                {
                    return NotFound();
                }

                Input = new UserForm { Name = Account.Name, Roles = [.. Account.Roles], Committee = Account.Committee };
                return Page();
        }
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        if (await accounts.GetAsync(id, ct) is not { } account)
        {
            return false;
        }

        Account = account;
        History = await accounts.HistoryAsync(id, ct) ?? [];
        DelegationState = new DelegationSection(await delegations.OverviewAsync(id, ct), account.Roles.Any(Approvals.Core.Accounts.Roles.Reviewers.Contains), Own: false);
        return true;
    }
}
