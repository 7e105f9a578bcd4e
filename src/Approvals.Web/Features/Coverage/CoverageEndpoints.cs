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
        reports.MapGet("/missing-indicators", MissingIndicators).Validate<CoverageQuery>();
    }

    /// <summary>JSON by default; CSV with <c>?format=csv</c> or <c>Accept: text/csv</c> (an explicit format wins).</summary>
    private static Results<CoverageJson, CoverageCsv> MissingIndicators([AsParameters] CoverageQuery query, HttpContext http, ApprovalsDbContext db)
    {
        var committee = Committee.Find(query.Committee);
        var plans = CoverageReport.Plans(db, committee, query.Stage);
        if (!WantsCsv(query.Format, http.Request))
        {
            return new CoverageJson(plans, new CoverageTotals(committee));
        }

        var name = string.Join('-', new[] { "manglende-indikatorer", committee?.Slug, query.Stage }.Where(s => s is not null));
        return new CoverageCsv(plans, name + ".csv");
    }

    private static bool WantsCsv(string? format, HttpRequest request) =>
        format is not null
            ? format == CoverageQuery.Csv
            : request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CoverageCsv.ContentType, StringComparison.OrdinalIgnoreCase) && a.Quality is null or > 0);
}
