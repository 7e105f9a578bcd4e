using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Approvals.Web.Features.Coverage;

public static class CoverageEndpoints
{
    public static void MapCoverage(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.ReadReports);
        reports.MapGet("/missing-indicators", MissingIndicators).Validate<CoverageQuery>();
    }

    /// <summary>JSON by default; CSV with <c>?format=csv</c> or <c>Accept: text/csv</c> (an explicit format wins).</summary>
    private static async Task<Results<Ok<CoverageReportResponse>, CoverageCsv>> MissingIndicators(
        [AsParameters] CoverageQuery query, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        var committee = Committee.Find(query.Committee);
        var report = await CoverageReport.Build(db, committee, query.Stage, ct);
        if (!WantsCsv(query.Format, http.Request))
        {
            return TypedResults.Ok(report);
        }

        return CoverageCsv.For(report, committee, query.Stage);
    }

    private static bool WantsCsv(string? format, HttpRequest request) =>
        format is not null
            ? format == CoverageQuery.Csv
            : request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CoverageCsv.ContentType, StringComparison.OrdinalIgnoreCase) && a.Quality is null or > 0);
}
