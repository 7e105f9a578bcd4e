using Approvals.Web.Features.Accounts;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Features.Delegation;

public static class DelegationExtensions
{
    public static void AddDelegation(this WebApplicationBuilder builder) => builder.Services.AddScoped<Delegations>();
}

/// <summary>Delegation while away: a reviewer's own (<c>/api/account/delegation</c>) and, for administrators, anyone's (<c>/api/users/{id}/delegation</c>).</summary>
public static class DelegationEndpoints
{
    private const string Rules =
        "The delegate must be another active account that has not handed its own authority on for part of the period (authority is never passed on twice). " +
        "The period ends after it starts, in the future, at most a year later, and overlaps no other delegation of the same person. " +
        "While it runs, the delegate may act on the plans the delegator may act on (recorded as \"on behalf of\" in the plan's journal; the four-eyes rule holds for both), " +
        "sees them among their tasks and receives the delegator's notifications. A time without an offset counts as UTC.";

    public static void MapDelegation(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/api/account/delegation")
            .WithTags("Accounts")
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        own.MapGet("/", GetOwn)
            .WithName("getOwnDelegations")
            .WithSummary("Your delegations while away")
            .WithDescription("The delegations you gave that run now or start later (`given`), and those handed to you that run now (`received`).");
        own.MapPut("/", SetOwn)
            .Validate<DelegationRequest>()
            .WithName("setOwnDelegation")
            .WithSummary("Hand your reviewer authority to someone while you are away")
            .WithDescription("For reviewers (AdministrativeReviewer, CommitteeApprover, CouncilApprover); anyone else gets 403. " + Rules +
                " A request that breaks a rule gets 400 naming the field, and stores nothing. Answers with your delegations.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        own.MapDelete("/", EndOwn)
            .WithName("endOwnDelegation")
            .WithSummary("End your delegation")
            .WithDescription("Ends your delegation that runs now, and cancels any that would start later: the delegate holds nothing of yours from their next request on. " +
                "404 when there is none. The delegation stays in your account history.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var users = app.MapGroup("/api/users/{id}/delegation")
            .WithTags("Users")
            .RequireAuthorization(Policies.AdministerAccounts)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        users.MapGet("/", GetForUser)
            .WithName("getUserDelegations")
            .WithSummary("An account's delegations while away")
            .WithDescription("Administrators: what `GET /api/account/delegation` answers the account itself.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("/", SetForUser)
            .Validate<DelegationRequest>()
            .WithName("setUserDelegation")
            .WithSummary("Hand someone's reviewer authority to another account (for someone who is ill)")
            .WithDescription("Administrators: as `PUT /api/account/delegation`, for the account `id`, which must hold a reviewer role (else 400 naming `id`). " + Rules +
                " Recorded in the account's history as given by the administrator.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapDelete("/", EndForUser)
            .WithName("endUserDelegation")
            .WithSummary("End someone's delegation")
            .WithDescription("Administrators: as `DELETE /api/account/delegation`, for the account `id`. 404 when the account or a current or future delegation is missing.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<DelegationsResponse>> GetOwn(HttpContext http, Delegations delegations, CancellationToken ct) =>
        TypedResults.Ok(await delegations.OverviewAsync(http.User.Id(), ct));

    private static async Task<Results<Ok<DelegationsResponse>, ValidationProblem, ProblemHttpResult>> SetOwn(
        DelegationRequest request, HttpContext http, Delegations delegations, CancellationToken ct)
    {
        var outcome = await delegations.GiveAsync(http.User.Id(), request, http.User, ct);
        return outcome.Status switch
        {
            DelegationStatus.Done => TypedResults.Ok(await delegations.OverviewAsync(http.User.Id(), ct)),
            DelegationStatus.NotReviewer => Problems.Forbidden(outcome.Message!),
            _ => Refused(outcome),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndOwn(HttpContext http, Delegations delegations, CancellationToken ct) =>
        Ended(await delegations.EndAsync(http.User.Id(), http.User, ct));

    private static async Task<Results<Ok<DelegationsResponse>, ProblemHttpResult>> GetForUser(
        string id, Delegations delegations, Approvals.Persistence.ApprovalsDbContext db, CancellationToken ct) =>
        await db.Users.FindAsync([id], ct) is null
            ? Problems.NotFound($"There is no account with id {id}.")
            : TypedResults.Ok(await delegations.OverviewAsync(id, ct));

    private static async Task<Results<Ok<DelegationsResponse>, ValidationProblem, ProblemHttpResult>> SetForUser(
        string id, DelegationRequest request, HttpContext http, Delegations delegations, CancellationToken ct)
    {
        var outcome = await delegations.GiveAsync(id, request, http.User, ct);
        return outcome.Status switch
        {
            DelegationStatus.Done => TypedResults.Ok(await delegations.OverviewAsync(id, ct)),
            DelegationStatus.NotReviewer => Problems.Validation("id", outcome.Message! + " Give the delegation for a reviewer's account."),
            _ => Refused(outcome),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndForUser(string id, HttpContext http, Delegations delegations, CancellationToken ct) =>
        Ended(await delegations.EndAsync(id, http.User, ct));

    private static Results<Ok<DelegationsResponse>, ValidationProblem, ProblemHttpResult> Refused(DelegationOutcome outcome) => outcome.Status switch
    {
        DelegationStatus.Invalid => TypedResults.ValidationProblem(
            outcome.Faults!.GroupBy(f => f.Field).ToDictionary(g => g.Key, g => g.Select(f => f.Message).ToArray()),
            title: "The request is not valid.",
            detail: string.Join(" ", outcome.Faults!.Select(f => f.Message)) + " Nothing was stored."),
        DelegationStatus.NotFound => Problems.NotFound(outcome.Message!),
        _ => Problems.Conflict(outcome.Message!),
    };

    private static Results<NoContent, ProblemHttpResult> Ended(DelegationOutcome outcome) => outcome.Status switch
    {
        DelegationStatus.Done => TypedResults.NoContent(),
        DelegationStatus.NotFound => Problems.NotFound(outcome.Message!),
        _ => Problems.Conflict(outcome.Message!),
    };
}
