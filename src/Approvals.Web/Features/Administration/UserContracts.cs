using Approvals.Core;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Approvals.Web.Features.Administration;

/// <summary>An account as the administration API shows it.</summary>
public sealed record UserResponse(
    string Id, string Email, string Name, IReadOnlyList<string> Roles, string? Committee, bool Active, DateTime? LastSignInUtc);

/// <summary>One account with what only its own page needs: the open invitation, if any.</summary>
public sealed record UserDetailResponse(
    string Id, string Email, string Name, IReadOnlyList<string> Roles, string? Committee, bool Active, DateTime? LastSignInUtc,
    DateTime? DeactivatedUtc, bool HasPassword, DateTime? InvitationExpiresUtc);

/// <summary>
/// A new account, or a new invitation: the one-time link where the person chooses a password. The link is shown
/// once (only its hash is stored); <see cref="InvitationEmailed"/> says whether it was also e-mailed.
/// </summary>
public sealed record InvitationResponse(
    string Id, string Email, string Name, IReadOnlyList<string> Roles, string? Committee, bool Active, DateTime? LastSignInUtc,
    string? InvitationUrl, DateTime? InvitationExpiresUtc, bool InvitationEmailed);

/// <summary>One page of accounts, and how many match in all.</summary>
public sealed record UserPageResponse(IReadOnlyList<UserResponse> Items, int Total, int Page, int PageSize);

public sealed record UserChangeResponse(
    DateTime AtUtc, string? ActorId, string Actor, string Action,
    IReadOnlyDictionary<string, object?>? Before, IReadOnlyDictionary<string, object?>? After);

public sealed record NewUserInput(string Email, string Name, IReadOnlyList<string> Roles, string? Committee);

public sealed record UserUpdateInput(string Name, IReadOnlyList<string> Roles, string? Committee);

public static class UserLimits
{
    public const int Email = 256;
    public const int Name = 200;
    public const int Search = 200;
}

internal sealed class NewUserInputValidator : AbstractValidator<NewUserInput>
{
    public NewUserInputValidator(IOptions<IdentityOptions> identity)
    {
        var allowed = identity.Value.User.AllowedUserNameCharacters;
        RuleFor(i => i.Email)
            .NotBlank().WithMessage("Enter the person's work e-mail address.")
            .MaximumLength(UserLimits.Email).WithMessage($"An e-mail address is at most {UserLimits.Email} characters.")
            .EmailAddress().WithMessage("'{PropertyValue}' is not an e-mail address: write it as name@example.dk.")
            .Must(e => e!.Trim().All(c => allowed.Contains(c)))
            .When(i => !string.IsNullOrEmpty(i.Email))
            .WithMessage($"An e-mail address may hold only the letters a–z, digits and {string.Concat(allowed.Where(c => !char.IsLetterOrDigit(c)))}.");
        RuleFor(i => i.Name).PersonName();
        Include(new RolesValidator<NewUserInput>(i => i.Roles, i => i.Committee));
    }
}

internal sealed class UserUpdateInputValidator : AbstractValidator<UserUpdateInput>
{
    public UserUpdateInputValidator()
    {
        RuleFor(i => i.Name).PersonName();
        Include(new RolesValidator<UserUpdateInput>(i => i.Roles, i => i.Committee));
    }
}

internal static class NameRules
{
    public static IRuleBuilderOptions<T, string> PersonName<T>(this IRuleBuilder<T, string> rule) => rule
        .Must(name => !TextRules.IsBlank(name)).WithErrorCode(TextValidation.NotBlankCode)
        .WithMessage("Enter the person's name as colleagues know it (visible text: white space and invisible characters alone do not count).")
        .MaximumLength(UserLimits.Name).WithMessage($"A name is at most {UserLimits.Name} characters.");
}

/// <summary>The roles and committee rules of <see cref="AccountRules.Check"/>, each fault on the field it names.</summary>
internal sealed class RolesValidator<T> : AbstractValidator<T>
{
    public RolesValidator(Func<T, IReadOnlyList<string?>?> roles, Func<T, string?> committee)
    {
        RuleFor(i => roles(i)).NotNull().WithMessage("Give the roles as a list, e.g. [\"Secretary\"], or [] for none.").OverridePropertyName("roles");
        RuleFor(i => roles(i)!).Must(r => r.Count <= Roles.All.Count)
            .When(i => roles(i) is not null)
            .WithMessage($"An account holds at most the {Roles.All.Count} roles there are.").OverridePropertyName("roles");
        RuleFor(i => roles(i)!).Must(r => r.Distinct().Count() == r.Count)
            .When(i => roles(i) is not null)
            .WithMessage("A role is listed twice: name each role once.").OverridePropertyName("roles");
        RuleFor(i => committee(i)).MaximumLength(8).WithMessage($"'{{PropertyValue}}' is not a committee. Use one of {Committee.ValidCodes}.").OverridePropertyName("committee");
        RuleFor(i => i).Custom((input, context) =>
        {
            if (roles(input) is not { } list || list.Count > Roles.All.Count || (committee(input)?.Length ?? 0) > 8)
            {
                return;
            }

            foreach (var (field, code, message) in AccountRules.Check(list, committee(input)))
            {
                context.AddFailure(new FluentValidation.Results.ValidationFailure(field, message) { ErrorCode = code });
            }
        });
    }
}
