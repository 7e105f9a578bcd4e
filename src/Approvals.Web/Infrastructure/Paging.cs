using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Infrastructure;

/// <summary>
/// One page of a list: <c>page</c> counts from 1, <c>pageSize</c> is at most <see cref="MaxPageSize"/>. Every list that
/// grows with the number of plans is read a page at a time, so an answer stays the same size with ten thousand plans.
/// </summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Rows to skip; past the end of any list (a page number beyond it gives an empty page, not an error).</summary>
    public long Skip => (long)(Page - 1) * PageSize;

    /// <summary>The request's page, or a 400 naming the field that is out of range.</summary>
    public static ValidationProblem? TryCreate(int? page, int? pageSize, out PageRequest request)
    {
        request = new PageRequest(page ?? 1, pageSize ?? DefaultPageSize);
        if (request.Page < 1)
        {
            return Problems.Validation("page", $"page counts from 1; it was {page}.");
        }

        if (request.PageSize is < 1 or > MaxPageSize)
        {
            return Problems.Validation("pageSize", $"pageSize must be between 1 and {MaxPageSize}; it was {pageSize}.");
        }

        return null;
    }

    /// <summary>The page to show for a page number from a link: from 1, and at most the last page (pages never fail).</summary>
    public static PageRequest Clamped(int? page, int pageSize, int total) =>
        new(Math.Clamp(page ?? 1, 1, Math.Max(1, (total + pageSize - 1) / pageSize)), pageSize);
}
