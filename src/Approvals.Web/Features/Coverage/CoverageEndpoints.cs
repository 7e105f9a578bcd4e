using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Features.Coverage;

public static class CoverageEndpoints
{
    public static void MapCoverage(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").RequireAuthorization(Policies.ReadReports);
        reports.MapGet("/missing-indicators", MissingIndicators).Validate<CoverageQuery>()
            .WithName("getMissingIndicatorsReport")
            .WithSummary("Goals without a real indicator, across committees")
            .WithDescription(
                "One row per goal flagged indicator-missing or indicator-placeholder, and a summary per committee. " +
                "With ?format=csv or Accept: text/csv the rows come as a CSV file for Danish Excel (UTF-8 with BOM, " +
                "semicolons, CRLF, a header row) instead of JSON. For coordinators, administrators and reviewers; secretaries get 403.");
    }

    /// <summary>JSON by default; CSV with <c>?format=csv</c>, or when Accept ranks text/csv at least as high as application/json (an explicit format wins).</summary>
    private static Results<CoverageJson, CoverageCsv> MissingIndicators([AsParameters] CoverageQuery query, HttpContext http, ApprovalsDbContext db)
    {
        var committee = Committee.Find(query.Committee);
        return WantsCsv(query.Format, http.Request)
            ? CoverageCsv.For(db, committee, query.Stage)
            : new CoverageJson(db, committee, query.Stage);
    }

    private static bool WantsCsv(string? format, HttpRequest request)
    {
        if (format is not null)
        {
            return format.Equals(CoverageQuery.Csv, StringComparison.OrdinalIgnoreCase);
        }

        var accept = request.GetTypedHeaders().Accept;
        double Quality(string mediaType) => accept
            .Where(a => a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1)
            .DefaultIfEmpty(0)
            .Max();

        var csv = Quality(CoverageCsv.ContentType);
        return csv > 0 && csv >= Quality("application/json");
    }
}
