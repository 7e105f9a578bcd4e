using Approvals.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Approvals.Web.Features.Accounts;

public sealed record SetPasswordRequest(string? Token, string? Password);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public static class PasswordLimits
{
    /// <summary>Longer passwords are refused before hashing: PBKDF2 over a megabyte would burn a core per request.</summary>
    public const int MaxLength = 256;
}

internal sealed class SetPasswordRequestValidator : AbstractValidator<SetPasswordRequest>
{
    public SetPasswordRequestValidator()
    {
        RuleFor(r => r.Token)
            .NotEmpty().WithMessage("Give the token from the link you were sent (the part after ?token=).")
            .MaximumLength(Invitations.MaxTokenLength).WithMessage("The token is not one this app issued: use the link exactly as you received it.");
        RuleFor(r => r.Password)
            .NotEmpty().WithMessage("Choose a password.")
            .MaximumLength(PasswordLimits.MaxLength).WithMessage($"A password is at most {PasswordLimits.MaxLength} characters.");
    }
}

internal sealed class ChangePasswordRequestValidator : AbstractValidator<ChangePasswordRequest>
{
    public ChangePasswordRequestValidator()
    {
        RuleFor(r => r.CurrentPassword)
            .NotEmpty().WithMessage("Enter your current password.")
            .MaximumLength(PasswordLimits.MaxLength).WithMessage($"A password is at most {PasswordLimits.MaxLength} characters.");
        RuleFor(r => r.NewPassword)
            .NotEmpty().WithMessage("Choose a new password.")
            .MaximumLength(PasswordLimits.MaxLength).WithMessage($"A password is at most {PasswordLimits.MaxLength} characters.");
    }
}

/// <summary>Signing out, and what a person does to their own password.</summary>
public static class AccountEndpoints
{
    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Accounts");
        auth.MapPost("/logout", Logout)
            .WithName("logout")
            .WithSummary("Sign out: end the session of this token or cookie")
            .WithDescription("The bearer token the request carries (or the cookie's session) is refused from the next request on, on every instance. " +
                "Other sessions of the account go on.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var account = app.MapGroup("/api/account").WithTags("Accounts");
        account.MapPost("/set-password", SetPassword)
            .AllowAnonymous()
            .Validate<SetPasswordRequest>()
            .WithName("setPassword")
            .WithSummary("Choose a password with a one-time link")
            .WithDescription("Redeems the token of an invitation or a new link an administrator issued, once. A used, replaced, expired or altered token gets 400 " +
                "and changes nothing; so does a password that breaks the password rules (the link then stays open). Every earlier session of the account ends.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        account.MapPost("/password", ChangePassword)
            .Validate<ChangePasswordRequest>()
            .WithName("changePassword")
            .WithSummary("Change your own password")
            .WithDescription("Needs the current password (a wrong one counts towards lock-out, as at sign-in). The session that makes the change goes on; " +
                "every other session and bearer token of the account is refused from its next request on.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<NoContent> Logout(HttpContext http, AppSignInManager signIn, CancellationToken ct)
    {
        await signIn.EndSessionAsync(http.User, ct);
        if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetPassword(
        SetPasswordRequest request, OwnAccount account, CancellationToken ct)
    {
        var outcome = await account.SetPasswordAsync(request.Token, request.Password!, ct);
        return outcome.Status switch
        {
            PasswordStatus.Done => TypedResults.NoContent(),
            PasswordStatus.WeakPassword => Problems.Validation("password", "The password is too weak: " + string.Join(" ", outcome.Errors!)),
            PasswordStatus.NoLocalPasswords => NoLocalPasswords(),
            _ => Problems.Validation("token",
                "The link cannot be used: it has been used already, replaced by a newer link, has expired or is incomplete. Ask an administrator for a new link."),
        };
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext http, OwnAccount account, CancellationToken ct)
    {
        var outcome = await account.ChangePasswordAsync(http.User, request.CurrentPassword!, request.NewPassword!, ct);
        return outcome.Status switch
        {
            PasswordStatus.Done => TypedResults.NoContent(),
            PasswordStatus.WrongPassword => Problems.Validation("currentPassword", "The current password is wrong. Nothing was changed."),
            PasswordStatus.WeakPassword => Problems.Validation("newPassword", "The new password is too weak: " + string.Join(" ", outcome.Errors!)),
            PasswordStatus.NoLocalPasswords => NoLocalPasswords(),
            _ => Problems.Conflict("The account was changed at the same moment. Nothing was changed: try again."),
        };
    }

    private static ProblemHttpResult NoLocalPasswords() =>
        Problems.Forbidden("Password sign-in is turned off on this installation (Authentication:LocalPasswords=false): sign in with your organisation's account.");
}
