using Approvals.Core.Workflow;
using Microsoft.AspNetCore.Mvc;

namespace Approvals.Web.Features.ApiReference;

/// <summary>The endpoint's successful answers carry the plan's <c>ETag</c>, to send back in <c>If-Match</c>.</summary>
public sealed class ReturnsETagMetadata;

/// <summary>
/// The endpoint needs the plan's <c>ETag</c> in <c>If-Match</c>: without it the answer is 428, and with a stale one
/// <see cref="StaleStatus"/> (412 for an edit, 409 for a transition).
/// </summary>
public sealed record RequiresIfMatchMetadata(int StaleStatus);

/// <summary>The body of a 422 from a transition: the guards the plan does not meet, each with what to fix.</summary>
public sealed class UnmetGuardsProblemDetails : ProblemDetails
{
    public IReadOnlyList<UnmetGuard> UnmetGuards { get; init; } = [];
}

public static class ApiMetadataExtensions
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>Declares the <c>ETag</c> response header on the endpoint's 2xx answers.</summary>
    public static RouteHandlerBuilder ReturnsETag(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new ReturnsETagMetadata());

    /// <summary>Declares <c>If-Match</c> required, with the 428 for a missing one and <paramref name="staleStatus"/> for a stale one.</summary>
    public static RouteHandlerBuilder RequiresIfMatch(this RouteHandlerBuilder builder, int staleStatus) =>
        builder.WithMetadata(new RequiresIfMatchMetadata(staleStatus))
            .ProducesProblem(staleStatus)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    /// <summary>Declares the 422 a transition answers when the plan does not meet a guard, with its <c>unmetGuards</c>.</summary>
    public static RouteHandlerBuilder ProducesUnmetGuards(this RouteHandlerBuilder builder) =>
        builder.Produces<UnmetGuardsProblemDetails>(StatusCodes.Status422UnprocessableEntity, ProblemJson);
}
