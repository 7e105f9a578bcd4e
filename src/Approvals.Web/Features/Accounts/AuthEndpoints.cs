using Approvals.Persistence;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using FluentValidation;

namespace Approvals.Web.Features.Accounts;

public sealed record LoginRequest(string Email, string Password);

public sealed record MeResponse(string Id, string Email, string DisplayName, string? Committee, IReadOnlyList<string> Roles);

internal sealed class LoginRequestValidator : AbstractValidator<LoginRequest>
{
    /// <summary>Identity's limit on user names and e-mail addresses.</summary>
    public const int MaxEmailLength = 256;

    public const int MaxPasswordLength = 512;

    public LoginRequestValidator()
    {
        RuleFor(r => r.Email).NotBlank().WithMessage("Enter the e-mail address of your account.")
            .MaximumLength(MaxEmailLength).WithMessage($"An e-mail address has at most {MaxEmailLength} characters.");
        RuleFor(r => r.Password).NotEmpty().WithMessage("Enter your password.")
            .MaximumLength(MaxPasswordLength).WithMessage($"A password has at most {MaxPasswordLength} characters.");
    }
}

public static class AuthEndpoints
{
    // There is deliberately no registration endpoint: accounts are made by an administrator.
    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Accounts");
        group.MapPost("/login", Login).AllowAnonymous().AddEndpointFilter<LocalPasswordsOnly>().Validate<LoginRequest>()
            .WithMetadata(new SignInAttemptsAttribute())
            .WithName("login")
            .WithSummary("Sign in with e-mail and password for a bearer token")
            .WithDescription(
                "Returns { tokenType, accessToken, expiresIn, refreshToken }; send the token as Authorization: Bearer. " +
                "Every failure (wrong password, unknown address, an account that may not sign in) is the same 401. " +
                "Attempts are limited per client address and per account: past the limit the answer is 429 with Retry-After.")
            .Produces<AccessTokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/me", Me)
            .WithName("getCurrentUser")
            .WithSummary("Who you are: your account, committee and roles")
            .WithDescription("The signed-in account: id, e-mail, display name, the committee a secretary or committee approver belongs to (null for the others) and its roles, in alphabetical order.");
    }

    /// <summary>Returns <c>{ tokenType, accessToken, expiresIn, refreshToken }</c>; send the token as <c>Authorization: Bearer</c>.</summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Login(LoginRequest request, HttpContext context, PasswordSignIn signIn)
    {
        if (await signIn.SignInAsync(context, request.Email, request.Password, IdentityConstants.BearerScheme))
        {
            // The bearer handler has written the token response.
            return TypedResults.Empty;
        }

        return TypedResults.Problem(title: "Sign-in failed", detail: FailedDetail, statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>One answer for every failure, so it does not tell whether the account exists or why it was refused.</summary>
    public const string FailedDetail =
        "The e-mail address or the password is wrong, or the account may not sign in. Check both and try again; if it keeps failing, ask an administrator.";

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> Me(HttpContext context, UserManager<AppUser> users)
    {
        var user = await users.GetUserAsync(context.User);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email ?? "", user.DisplayName, user.CommitteeCode, roles.Order().ToList()));
    }
}
