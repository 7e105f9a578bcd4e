using Approvals.Web.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// <c>/api/operations</c>, for administrators: what did not go through, and retrying it now. The page
/// <c>/admin/drift</c> shows the same through <see cref="DeliveryOverview"/>.
/// </summary>
public static class OperationsEndpoints
{
    public static void AddDeliveryOverview(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryHeartbeat>();
        builder.Services.AddScoped<DeliveryOverview>();
    }

    public static void MapOperations(this IEndpointRouteBuilder app)
    {
        var operations = app.MapGroup("/api/operations").WithTags("Operations").RequireAuthorization(Policies.OperateDelivery);
        operations.MapGet("/", Read)
            .WithName("getOperations")
            .WithSummary("What did not go through: events, e-mails, the dispatcher and the bus")
            .WithDescription("Outbox events waiting and failing (the failed ones with their last error, oldest first, at most " +
                $"{DeliveryOverview.MaxListed}), notification e-mails being retried or given up, when this instance's dispatcher last " +
                $"read the outbox and published, the bus's health, and the last {DeliveryOverview.JournalShown} retries (who, when). For administrators.");
        operations.MapPost("/events/{messageId:guid}/retry", RetryEvent)
            .WithName("retryEvent")
            .WithSummary("Publish a failed event now")
            .WithDescription("Moves the failed outbox event's next attempt to now and wakes the dispatcher, which publishes it by its " +
                "usual claim (never twice at once). Journaled with who and when. 404 for an unknown event; 409 for one that was " +
                "published, has not failed, or is being published right now.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        operations.MapPost("/emails/{notificationId:guid}/retry", RetryEmail)
            .WithName("retryEmail")
            .WithSummary("Send a failed e-mail now")
            .WithDescription("Moves the failed or given-up notification e-mail's next attempt to now and wakes the mailer (one more " +
                "attempt for a given-up one). Journaled with who and when. 404 for an unknown notification; 409 when e-mail is not " +
                "configured, or the e-mail was sent, has not failed, or is being sent right now.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<OperationsResponse>> Read(DeliveryOverview overview, CancellationToken ct) =>
        TypedResults.Ok(await overview.ReadAsync(ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RetryEvent(
        Guid messageId, HttpContext http, DeliveryOverview overview, CancellationToken ct) =>
        Answer(await overview.RetryEventAsync(messageId, http.User, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RetryEmail(
        Guid notificationId, HttpContext http, DeliveryOverview overview, CancellationToken ct) =>
        Answer(await overview.RetryEmailAsync(notificationId, http.User, ct));

    private static Results<NoContent, ProblemHttpResult> Answer((RetryStatus Status, string? Detail) outcome) => outcome.Status switch
    {
        RetryStatus.Retried => TypedResults.NoContent(),
        RetryStatus.NotFound => TypedResults.Problem(outcome.Detail, statusCode: StatusCodes.Status404NotFound),
        _ => TypedResults.Problem(outcome.Detail, statusCode: StatusCodes.Status409Conflict),
    };
}
