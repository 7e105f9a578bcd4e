using Approvals.Core.Accounts;
using Approvals.Web.Features.Ui;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Administration;

/// <summary>The account form of the administration pages: the same fields as the API's input.</summary>
public sealed class UserForm
{
    public string? Email { get; set; }

    public string? Name { get; set; }

    public List<string> Roles { get; set; } = [];

    public string? Committee { get; set; }

    public NewUserInput ToNew() => new(Email, Name, [.. Roles], Committee);

    public UserUpdateInput ToUpdate() => new(Name, [.. Roles], Committee);
}

public static class UserFormErrors
{
    /// <summary>
    /// The API validator's failures beside the form's fields, in the page's language: "roles[0]" is the role
    /// checkboxes, the account rules' codes get their own texts.
    /// </summary>
    public static void AddUserFailures(this ModelStateDictionary modelState, IEnumerable<ValidationFailure> failures, IStringLocalizer<UiText> t)
    {
        var placed = failures.Select(f =>
        {
            var field = f.PropertyName.Split('[', '.')[0];
            var name = field.Length == 0 ? "" : char.ToUpperInvariant(field[0]) + field[1..];
            var text = t[$"Admin.Error.{f.ErrorCode}"];
            return new ValidationFailure(name, text.ResourceNotFound ? f.ErrorMessage : text.Value)
            {
                ErrorCode = text.ResourceNotFound ? f.ErrorCode : "Translated",
                FormattedMessagePlaceholderValues = f.FormattedMessagePlaceholderValues,
            };
        });
        modelState.AddFailures("Input", placed, t);
    }

    /// <summary>The role names of <see cref="Roles.All"/> for checkboxes, in their order.</summary>
    public static IReadOnlyList<string> AllRoles => Roles.All;
}
