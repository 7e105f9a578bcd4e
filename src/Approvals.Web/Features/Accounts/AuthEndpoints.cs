using Approvals.Persistence;
using Approvals.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using FluentValidation;

namespace Approvals.Web.Features.Accounts;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record MeResponse(string Id, string Email, string DisplayName, string? Committee, IReadOnlyList<string> Roles);

internal sealed class LoginRequestValidator : AbstractValidator<LoginRequest>
{
    public LoginRequestValidator()
    {
        RuleFor(r => r.Email).NotBlank().WithMessage("Enter the e-mail address of your account.");
        RuleFor(r => r.Password).NotEmpty().WithMessage("Enter your password.");
    }
}

public static class AuthEndpoints
{
    // There is deliberately no registration endpoint: accounts are made by an administrator.
    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Accounts");
        group.MapPost("/login", Login).AllowAnonymous().Validate<LoginRequest>();
        group.MapGet("/me", Me);
    }

    /// <summary>Returns <c>{ tokenType, accessToken, expiresIn, refreshToken }</c>; send the token as <c>Authorization: Bearer</c>.</summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Login(LoginRequest request, SignInManager<AppUser> signIn)
    {
        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(request.Email!.Trim(), request.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            // The bearer handler has written the token response.
            return TypedResults.Empty;
        }

        var detail = result.IsLockedOut
            ? "The account is locked after too many failed attempts. Try again in a few minutes."
            : "The e-mail address or password is wrong.";
        return TypedResults.Problem(title: "Sign-in failed", detail: detail, statusCode: StatusCodes.Status401Unauthorized);
    }

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
