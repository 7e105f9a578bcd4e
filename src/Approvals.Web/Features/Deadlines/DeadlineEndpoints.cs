using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Coverage;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Features.Deadlines;

public static class DeadlineEndpoints
{
    public static void MapDeadlines(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Deadlines").RequireAuthorization(Policies.ReadReports);
        reports.MapGet("/deadlines", Deadlines).Validate<DeadlineQuery>()
            .WithName("getDeadlineReport")
            .WithSummary("Plans waiting in a reviewer stage, with their due times")
            .WithDescription(
                "Every plan waiting in a reviewer stage: committee, stage, since when, due when and how long overdue, earliest due " +
                "time first (the most overdue first). Filters: committee (code or slug), stage (id), overdue=true for the plans past " +
                "their due time only. With ?format=csv the rows come as a CSV file for Danish Excel, as the coverage report's.")
            .Produces<DeadlineReportResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<Results<Ok<DeadlineReportResponse>, DeadlineCsv>> Deadlines(
        [AsParameters] DeadlineQuery query, ApprovalsDbContext db, WorkflowCatalog catalog, TimeProvider clock, CancellationToken ct)
    {
        var committee = Committee.Find(query.Committee);
        var report = await DeadlineReport.Build(db, catalog, committee, query.Stage, query.OverdueOnly, clock.GetUtcNow().UtcDateTime, ct);
        return string.Equals(query.Format, CoverageQuery.Csv, StringComparison.OrdinalIgnoreCase)
            ? DeadlineCsv.For(report, committee, query.Stage, query.OverdueOnly)
            : TypedResults.Ok(report);
    }
}
