using System.Globalization;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Deadlines;

/// <summary>
/// "Planer": every plan the user may read (<see cref="PlanOverview"/>), with committee, stage, due time, flags and
/// last change; filters by committee and stage, a search in titles and goal texts, 25 plans a page.
/// </summary>
[Authorize]
public sealed class PlansModel(ApprovalsDbContext db, WorkflowCatalog catalog, TimeProvider clock, IStringLocalizer<UiText> t) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Committee { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    /// <summary>The page number, 1-based (query <c>side</c>: Razor Pages keeps <c>page</c> for itself).</summary>
    [BindProperty(SupportsGet = true, Name = "side")]
    public string? PageNumber { get; set; }

    /// <summary>Null when a filter is invalid; the errors are then beside the filter.</summary>
    public PlanOverviewPage? Result { get; private set; }

    /// <summary>Every stage of every workflow version, newest definition's order first.</summary>
    public IReadOnlyList<StageDefinition> Stages =>
        [.. catalog.StageIdsInOrder.Select(id => catalog.All.Reverse().Select(d => d.FindStage(id)).First(s => s is not null)!)];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var committee = Core.Plans.Committee.Find(Committee);
        if (!string.IsNullOrEmpty(Committee) && committee is null)
        {
            ModelState.AddModelError(nameof(Committee), t["Coverage.UnknownCommittee"]);
        }

        if (!string.IsNullOrEmpty(Stage) && !catalog.StageIds.Contains(Stage))
        {
            ModelState.AddModelError(nameof(Stage), t["Coverage.UnknownStage"]);
        }

        if (Search is { Length: > PlanOverview.MaxSearchLength })
        {
            ModelState.AddModelError(nameof(Search), t["Plans.SearchTooLong", PlanOverview.MaxSearchLength]);
        }

        var page = 1;
        if (!string.IsNullOrEmpty(PageNumber)
            && (!int.TryParse(PageNumber, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1 || page > PlanOverview.MaxPage))
        {
            ModelState.AddModelError(nameof(PageNumber), t["Plans.BadPage", PlanOverview.MaxPage]);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Result = await PlanOverview.Build(db, catalog, User, committee, Stage, Search, page, clock.GetUtcNow().UtcDateTime, ct);
        return Page();
    }

    public IEnumerable<string> ErrorsFor(string field) =>
        ModelState.TryGetValue(field, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    /// <summary>The link to another page of the same filters.</summary>
    public string LinkTo(int page)
    {
        var query = new List<string>();
        Add("committee", Committee);
        Add("stage", Stage);
        Add("q", Search);
        Add("side", page == 1 ? null : page.ToString(CultureInfo.InvariantCulture));
        return "/planer" + (query.Count == 0 ? "" : "?" + string.Join("&", query));

        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }
    }
}
