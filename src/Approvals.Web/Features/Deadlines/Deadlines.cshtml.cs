using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Ui;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Deadlines;

/// <summary>
/// "Frister": the deadline report for people, with the same query (<see cref="DeadlineReport"/>), filters
/// (<see cref="DeadlineQueryValidator"/>) and CSV file as <c>GET /api/reports/deadlines</c>, reachable with the cookie.
/// </summary>
[Authorize(Policy = Policies.ReadReports)]
public sealed class DeadlinesModel(
    ApprovalsDbContext db, IValidator<DeadlineQuery> validator, WorkflowCatalog catalog, TimeProvider clock, IStringLocalizer<UiText> t)
    : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Committee { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    /// <summary>Null when a filter is invalid; the errors are then beside the filter.</summary>
    public DeadlineReportResponse? Report { get; private set; }

    /// <summary>The stages to filter by: where plans wait for a reviewer, in the newest workflow's order.</summary>
    public IReadOnlyList<StageDefinition> Stages =>
        [.. DeadlineReport.ReviewStages(catalog).Select(id => catalog.All.Reverse().Select(d => d.FindStage(id)).First(s => s is not null)!)];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await Valid(ct))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Report = await Build(ct);
        return Page();
    }

    /// <summary>The report as the API's CSV file, for the download link.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!await Valid(ct))
        {
            return BadRequest();
        }

        return new HttpResultAction(DeadlineCsv.For(await Build(ct), Core.Plans.Committee.Find(Committee), Stage, Overdue));
    }

    public IEnumerable<string> ErrorsFor(string field) =>
        ModelState.TryGetValue(field, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    /// <summary>How long a plan is overdue, in days and hours ("3 d. 4 t.").</summary>
    public string OverdueBy(DeadlineRow row)
    {
        var by = Report!.AsOfUtc - row.DueUtc!.Value;
        return by.TotalDays >= 1 ? t["Deadlines.DaysHours", (int)by.TotalDays, by.Hours] : t["Deadlines.HoursMinutes", (int)by.TotalHours, by.Minutes];
    }

    private Task<DeadlineReportResponse> Build(CancellationToken ct) =>
        DeadlineReport.Build(db, catalog, Core.Plans.Committee.Find(Committee), Stage, Overdue, clock.GetUtcNow().UtcDateTime, ct);

    private async Task<bool> Valid(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(new DeadlineQuery(Committee, Stage, null, null), ct);
        ModelState.Clear();
        foreach (var failure in validation.Errors)
        {
            ModelState.AddModelError(failure.PropertyName, failure.PropertyName == nameof(DeadlineQuery.Stage) ? t["Coverage.UnknownStage"] : t["Coverage.UnknownCommittee"]);
        }

        return validation.IsValid;
    }

    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
