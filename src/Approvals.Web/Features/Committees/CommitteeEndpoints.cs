using Approvals.Core.Plans;

namespace Approvals.Web.Features.Committees;

public sealed record CommitteeResponse(string Code, string Slug, string Name);

public static class CommitteeEndpoints
{
    public static void MapCommittees(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/committees", List).WithTags("Committees")
            .WithName("listCommittees")
            .WithSummary("List the committees")
            .WithDescription("The seven standing committees in council order, each with its code (ØU), slug (oeu, for addresses) and name. Plans, filters and reports name a committee by code or slug.");

    private static IReadOnlyList<CommitteeResponse> List() =>
        Committee.All.Select(c => new CommitteeResponse(c.Code, c.Slug, c.Name)).ToList();
}
