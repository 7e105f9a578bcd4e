using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using Approvals.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Coverage;

/// <summary>
/// The coverage report for people: the same query (<see cref="CoverageReport"/>), filters (<see cref="CoverageQueryValidator"/>)
/// and CSV file (<see cref="CoverageCsv"/>) as <c>GET /api/reports/missing-indicators</c>, reachable with the sign-in cookie.
/// </summary>
[Authorize(Policy = Policies.ReadReports)]
public sealed class CoordinatorModel(ApprovalsDbContext db, IValidator<CoverageQuery> validator, WorkflowCatalog catalog, IStringLocalizer<UiText> t)
    : PageModel
{
    /// <summary>Rows of the goals lacking an indicator on one page; the summary always covers every committee in scope.</summary>
    public const int RowsPerPage = 100;

    [BindProperty(SupportsGet = true)]
    public string? Committee { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    /// <summary>The page of the goals lacking an indicator, from 1 (a number past the last page shows the last).</summary>
    [BindProperty(SupportsGet = true)]
    public int? RowPage { get; set; }

    /// <summary>Null when a filter is invalid; the errors are then beside the filter.</summary>
    public CoveragePage? Report { get; private set; }

    /// <summary>The stages to filter by: those of the workflow new plans start on, in its order.</summary>
    public IReadOnlyList<StageDefinition> Stages => catalog.Latest(WorkflowIds.CommitteePlan).Stages;

    public int TotalGoals => Report?.Summary.Sum(c => c.Goals) ?? 0;

    public int TotalFlagged => Report?.Summary.Sum(c => c.GoalsFlagged) ?? 0;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await Valid(ct))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var committee = Core.Plans.Committee.Find(Committee);
        Report = await CoverageReport.PageAsync(db, committee, Stage, new PageRequest(Math.Max(1, RowPage ?? 1), RowsPerPage), ct);
        if (Report.Rows.Count == 0 && Report.TotalRows > 0)
        {
            // Past the last page (a link from before plans were closed): show the last page.
            Report = await CoverageReport.PageAsync(db, committee, Stage, PageRequest.Clamped(RowPage, RowsPerPage, Report.TotalRows), ct);
        }

        return Page();
    }

    /// <summary>The report's rows as the API's CSV file, for the download link.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!await Valid(ct))
        {
            return BadRequest();
        }

        var committee = Core.Plans.Committee.Find(Committee);
        return new HttpResultAction(CoverageCsv.For(db, committee, Stage));
    }

    public PagerModel Pager(string label) =>
        new(Report!.Page, Report.PageSize, Report.TotalRows, Report.Rows.Count, label,
            page => Url.Page("/Coverage/Coordinator", new { committee = Committee, stage = Stage, rowPage = page })! + "#missing-heading");

    public IEnumerable<string> ErrorsFor(string field) =>
        ModelState.TryGetValue(field, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    private async Task<bool> Valid(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(new CoverageQuery(Committee, Stage, null), ct);
        ModelState.Clear();
        foreach (var failure in validation.Errors)
        {
            ModelState.AddModelError(failure.PropertyName, failure.PropertyName == nameof(CoverageQuery.Stage) ? t["Coverage.UnknownStage"] : t["Coverage.UnknownCommittee"]);
        }

        return validation.IsValid;
    }

    /// <summary>Runs a minimal-API result, such as the CSV file, from a page handler.</summary>
    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
