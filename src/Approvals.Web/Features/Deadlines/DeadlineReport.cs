using System.Globalization;
using System.Text;
using Approvals.Core.Deadlines;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Coverage;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Approvals.Web.Features.Deadlines;

/// <summary>The deadline report's filters, all optional: committee (code or slug), stage id, overdue only, and the format.</summary>
public sealed record DeadlineQuery(string? Committee, string? Stage, string? Overdue, string? Format)
{
    public bool OverdueOnly => string.Equals(Overdue, "true", StringComparison.OrdinalIgnoreCase);
}

internal sealed class DeadlineQueryValidator : AbstractValidator<DeadlineQuery>
{
    public DeadlineQueryValidator(WorkflowCatalog workflows)
    {
        RuleFor(q => q.Committee)
            .Must(c => Committee.Find(c) is not null).When(q => q.Committee is not null)
            .WithMessage(q => $"'{q.Committee}' is not a committee. Use one of {Committee.ValidCodes} (or its slug, e.g. oeu).");
        RuleFor(q => q.Stage)
            .Must(s => DeadlineReport.ReviewStages(workflows).Contains(s!)).When(q => q.Stage is not null)
            .WithMessage(q => $"'{q.Stage}' is not a stage where plans wait for a reviewer. Use one of {string.Join(", ", DeadlineReport.ReviewStages(workflows))}.");
        RuleFor(q => q.Overdue)
            .Must(o => o!.Equals("true", StringComparison.OrdinalIgnoreCase) || o.Equals("false", StringComparison.OrdinalIgnoreCase))
            .When(q => q.Overdue is not null)
            .WithMessage(q => $"'{q.Overdue}' is not true or false. Use overdue=true for the plans past their due time only.");
        RuleFor(q => q.Format)
            .Must(f => f!.Equals(CoverageQuery.Csv, StringComparison.OrdinalIgnoreCase) || f.Equals(CoverageQuery.Json, StringComparison.OrdinalIgnoreCase))
            .When(q => q.Format is not null)
            .WithMessage(q => $"'{q.Format}' is not a report format. Use json (the default) or csv.");
    }
}

/// <summary>
/// A plan waiting in a reviewer stage: since when, due when (fixed as it entered), and whether and by how much it is
/// overdue (<see cref="OverdueBy"/> as an ISO 8601 duration, to the second).
/// </summary>
public sealed record DeadlineRow(
    Guid PlanId,
    string Committee,
    string CommitteeName,
    string PlanTitle,
    string Stage,
    LocalizedText StageName,
    DateTime SinceUtc,
    DateTime? DueUtc,
    bool Overdue,
    string? OverdueBy);

public sealed record DeadlineReportResponse(DateTime AsOfUtc, IReadOnlyList<DeadlineRow> Rows);

/// <summary>
/// Every plan waiting in a reviewer stage (neither its workflow's initial stage nor its final one), earliest due time
/// first: so the most overdue come first, then those nearly due, and plans without a due time last. One query over the
/// plan rows (their stage, entry and due columns; never the content), filtered in the database.
/// </summary>
public static class DeadlineReport
{
    /// <summary>The stages where plans wait for a reviewer, in any loaded definition, in definition order.</summary>
    public static IReadOnlyList<string> ReviewStages(WorkflowCatalog catalog) =>
        catalog.All.SelectMany(d => d.Stages.Where(s => s.Id != d.InitialStage && s.Id != d.FinalStage).Select(s => s.Id))
            .Distinct(StringComparer.Ordinal).ToList();

    public static async Task<DeadlineReportResponse> Build(
        ApprovalsDbContext db, WorkflowCatalog catalog, Committee? committee, string? stage, bool overdueOnly, DateTime nowUtc, CancellationToken ct)
    {
        var stages = stage is null ? ReviewStages(catalog).ToList() : [stage];
        var query = db.Plans.AsNoTracking().Where(p => stages.Contains(p.Stage));
        if (committee is not null)
        {
            query = query.Where(p => p.CommitteeCode == committee.Code);
        }

        if (overdueOnly)
        {
            query = query.Where(p => p.DueUtc != null && p.DueUtc < nowUtc);
        }

        var plans = await query
            .OrderBy(p => p.DueUtc == null).ThenBy(p => p.DueUtc).ThenBy(p => p.StageEnteredUtc)
            .Select(p => new { p.Id, p.CommitteeCode, p.Title, p.Stage, p.StageEnteredUtc, p.DueUtc, p.WorkflowId, p.WorkflowVersion })
            .ToListAsync(ct);

        var rows = plans
            // A stage that is initial or final in the plan's own version does not wait for a reviewer there.
            .Where(p => catalog.Find(p.WorkflowId, p.WorkflowVersion) is not { } d || (p.Stage != d.InitialStage && p.Stage != d.FinalStage))
            .Select(p =>
            {
                var name = catalog.Find(p.WorkflowId, p.WorkflowVersion)?.FindStage(p.Stage)?.Name ?? new LocalizedText(p.Stage, p.Stage);
                var overdue = p.DueUtc is { } due && nowUtc > due;
                var by = overdue ? TimeSpan.FromSeconds(Math.Floor((nowUtc - p.DueUtc!.Value).TotalSeconds)) : (TimeSpan?)null;
                return new DeadlineRow(p.Id, p.CommitteeCode, Committee.Find(p.CommitteeCode)?.Name ?? p.CommitteeCode, p.Title, p.Stage, name,
                    p.StageEnteredUtc, p.DueUtc, overdue, by is { } b ? IsoDuration.Format(b) : null);
            })
            .ToList();
        return new DeadlineReportResponse(nowUtc, rows);
    }
}

/// <summary>The deadline report as a CSV file for Danish Excel, in the coverage report's form (<see cref="CoverageCsv"/>).</summary>
public sealed class DeadlineCsv(DeadlineReportResponse report, string fileName) : IResult
{
    public static readonly string[] Header =
        ["Udvalg", "Plan-id", "Plan", "Fase", "I fasen siden", "Frist", "Overskredet", "Overskredet med (dage)"];

    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private static readonly CultureInfo Danish = CultureInfo.GetCultureInfo("da-DK");

    /// <summary>The file named for its filters, e.g. <c>frister-sou-administrative-review-overskredet.csv</c>.</summary>
    public static DeadlineCsv For(DeadlineReportResponse report, Committee? committee, string? stage, bool overdueOnly) =>
        new(report, string.Join('-', new[] { "frister", committee?.Slug, stage, overdueOnly ? "overskredet" : null }.Where(s => s is not null)) + ".csv");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = $"{CoverageCsv.ContentType}; charset=utf-8";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        var text = new StringBuilder();
        text.Append('\uFEFF');
        CoverageCsv.AppendLine(text, Header);
        foreach (var row in report.Rows)
        {
            CoverageCsv.AppendLine(text,
            [
                row.Committee, row.PlanId.ToString(), row.PlanTitle, row.StageName.Da, Local(row.SinceUtc), row.DueUtc is { } due ? Local(due) : "",
                row.Overdue ? "ja" : "nej",
                row.Overdue ? (report.AsOfUtc - row.DueUtc!.Value).TotalDays.ToString("0.0", Danish) : "",
            ]);
        }

        await response.Body.WriteAsync(new UTF8Encoding(false).GetBytes(text.ToString()), httpContext.RequestAborted);
    }

    private static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Copenhagen).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
