using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Approvals.Web.Features.Administration;

/// <summary>The accounts, filtered as <c>GET /api/users</c> filters them.</summary>
[Authorize(Policy = Policies.AdministerAccounts)]
public sealed class UserListModel(AccountAdministration accounts) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true, Name = "soeg")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "rolle")]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true, Name = "udvalg")]
    public string? Committee { get; set; }

    /// <summary><c>aktive</c>, <c>deaktiverede</c> or empty for all.</summary>
    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "side")]
    public int PageNumber { get; set; } = 1;

    public UserPage Result { get; private set; } = new([], 0);

    public int Pages => Math.Max(1, (Result.Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken ct)
    {
        // Values the filters could not have sent are ignored rather than refused: the page shows everyone.
        Search = Search?.Trim() is { Length: > 0 and <= UserLimits.Search } search ? search : null;
        Role = Roles.All.Contains(Role ?? "") ? Role : null;
        Committee = Core.Plans.Committee.Find(Committee)?.Slug;
        bool? active = Status switch { "aktive" => true, "deaktiverede" => false, _ => null };
        PageNumber = Math.Max(1, PageNumber);
        Result = await accounts.ListAsync(new UserQuery(Search, Role, Committee, active, (PageNumber - 1) * PageSize, PageSize), ct);
    }
}
