using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Approvals.Web.Features.Administration;

public static class UsersExtensions
{
    public static void AddUsers(this WebApplicationBuilder builder)
    {
        var baseUrl = builder.Configuration["App:BaseUrl"] is { Length: > 0 } url ? url : Notifications.MessagingExtensions.DefaultBaseUrl;
        builder.Services.AddSingleton(new AccountLinks(baseUrl));
        builder.Services.AddScoped<AccountAdministration>();
    }
}

/// <summary>Account administration, for administrators only: the same service as the pages under /admin/brugere.</summary>
public static class UserEndpoints
{
    public static void MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users")
            .WithTags("Users")
            .RequireAuthorization(Policies.AdministerAccounts)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        users.MapGet("/", List)
            .WithName("listUsers")
            .WithSummary("List accounts")
            .WithDescription("Accounts sorted by name, filtered by `search` (part of the name or e-mail address), `role`, `committee` (code or slug) and `active` (true/false). " +
                $"A page at a time, as every list: `page` counts from 1, `pageSize` is 1 to {PageRequest.MaxPageSize} (default {PageRequest.DefaultPageSize}); " +
                "the answer is `{items, total, page, pageSize}`, `total` the number of matching accounts.")
            .ProducesValidationProblem();
        users.MapGet("/{id}", Get)
            .WithName("getUser")
            .WithSummary("Read one account")
            .WithDescription("The account with whether it has a password and when its open invitation expires, if it has one.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/", Create)
            .Validate<NewUserInput>()
            .WithName("createUser")
            .WithSummary("Create an account")
            .WithDescription("Creates an active account and answers with a one-time `invitationUrl` where the person chooses a password " +
                "(valid for `Accounts:InvitationLifetime`, 72 hours by default). With SMTP configured the link is also e-mailed, in Danish. " +
                "The administrator never sets or sees a password. Secretary and CommitteeApprover need a committee; other roles take none.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPut("/{id}", Update)
            .Validate<UserUpdateInput>()
            .WithName("updateUser")
            .WithSummary("Change an account's name, roles and committee")
            .WithDescription("Takes effect at once: the account's next request, with an existing token or cookie too, is judged by the new roles. " +
                "The last active administrator cannot lose the Administrator role (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id}/deactivate", Deactivate)
            .WithName("deactivateUser")
            .WithSummary("Deactivate an account")
            .WithDescription("The account can no longer sign in, and its tokens and cookies are refused from its next request on. " +
                "The last active administrator cannot be deactivated (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id}/activate", Activate)
            .WithName("activateUser")
            .WithSummary("Activate a deactivated account")
            .WithDescription("The person can sign in again; sessions from before the deactivation stay ended.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id}/invitation", Invite)
            .WithName("inviteUser")
            .WithSummary("Issue a new one-time link to choose a password")
            .WithDescription("For a forgotten password or a lost invitation: answers with a new `invitationUrl` (and e-mails it with SMTP configured); " +
                "earlier links stop working. The password stays until the person chooses a new one.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapGet("/{id}/history", History)
            .WithName("getUserHistory")
            .WithSummary("An account's history")
            .WithDescription("Every change to the account, oldest first: when, by whom, what, and the changed fields before and after.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<UserPageResponse>, ValidationProblem>> List(
        string? search, string? role, string? committee, string? active, int? page, int? pageSize,
        AccountAdministration accounts, CancellationToken ct)
    {
        if (PageRequest.TryCreate(page, pageSize, out var request) is { } invalid)
        {
            return invalid;
        }

        if (search?.Length > UserLimits.Search)
        {
            return Problems.Validation("search", $"Search with at most {UserLimits.Search} characters.");
        }

        if (!string.IsNullOrEmpty(role) && !Roles.All.Contains(role))
        {
            return Problems.Validation("role", $"'{role}' is not a role. Use one of {string.Join(", ", Roles.All)}.");
        }

        if (!string.IsNullOrEmpty(committee) && Committee.Find(committee) is null)
        {
            return Problems.Validation("committee", $"'{committee}' is not a committee. Use one of {Committee.ValidCodes}.");
        }

        bool? activeFilter = null;
        if (!string.IsNullOrEmpty(active))
        {
            if (!bool.TryParse(active, out var value))
            {
                return Problems.Validation("active", $"'{active}' is neither true nor false.");
            }

            activeFilter = value;
        }

        var found = await accounts.ListAsync(
            new UserQuery(search, NullIfEmpty(role), NullIfEmpty(committee), activeFilter, (int)Math.Min(request.Skip, int.MaxValue), request.PageSize), ct);
        return TypedResults.Ok(new UserPageResponse(found.Users, found.Total, request.Page, request.PageSize));
    }

    private static async Task<Results<Ok<UserDetailResponse>, ProblemHttpResult>> Get(string id, AccountAdministration accounts, CancellationToken ct) =>
        await accounts.GetAsync(id, ct) is { } user ? TypedResults.Ok(user) : Problems.NotFound($"There is no account with id {id}.");

    private static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> Create(
        NewUserInput input, HttpContext http, AccountAdministration accounts, CancellationToken ct)
    {
        var outcome = await accounts.CreateAsync(input, http.User, ct);
        if (outcome.Status != AccountStatus.Done)
        {
            return Refused(outcome);
        }

        return TypedResults.Created($"/api/users/{outcome.User!.Id}", WithInvitation(outcome));
    }

    private static async Task<Results<Ok<UserDetailResponse>, ProblemHttpResult>> Update(
        string id, UserUpdateInput input, HttpContext http, AccountAdministration accounts, CancellationToken ct) =>
        Answer(await accounts.UpdateAsync(id, input, http.User, ct));

    private static async Task<Results<Ok<UserDetailResponse>, ProblemHttpResult>> Deactivate(
        string id, HttpContext http, AccountAdministration accounts, CancellationToken ct) =>
        Answer(await accounts.DeactivateAsync(id, http.User, ct));

    private static async Task<Results<Ok<UserDetailResponse>, ProblemHttpResult>> Activate(
        string id, HttpContext http, AccountAdministration accounts, CancellationToken ct) =>
        Answer(await accounts.ActivateAsync(id, http.User, ct));

    private static async Task<Results<Ok<InvitationResponse>, ProblemHttpResult>> Invite(
        string id, HttpContext http, AccountAdministration accounts, CancellationToken ct)
    {
        var outcome = await accounts.InviteAsync(id, http.User, ct);
        return outcome.Status == AccountStatus.Done ? TypedResults.Ok(WithInvitation(outcome)) : Refused(outcome);
    }

    private static async Task<Results<Ok<IReadOnlyList<UserChangeResponse>>, ProblemHttpResult>> History(
        string id, AccountAdministration accounts, CancellationToken ct) =>
        await accounts.HistoryAsync(id, ct) is { } history ? TypedResults.Ok(history) : Problems.NotFound($"There is no account with id {id}.");

    private static Results<Ok<UserDetailResponse>, ProblemHttpResult> Answer(AccountOutcome outcome) =>
        outcome.Status == AccountStatus.Done ? TypedResults.Ok(outcome.User!) : Refused(outcome);

    private static ProblemHttpResult Refused(AccountOutcome outcome) => outcome.Status switch
    {
        AccountStatus.NotFound => Problems.NotFound(outcome.Message!),
        _ => Problems.Conflict(outcome.Message!),
    };

    private static InvitationResponse WithInvitation(AccountOutcome outcome)
    {
        var user = outcome.User!;
        return new InvitationResponse(user.Id, user.Email, user.Name, user.Roles, user.Committee, user.Active, user.LastSignInUtc,
            outcome.Invitation?.Url, outcome.Invitation?.ExpiresUtc, outcome.Emailed);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
