using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Ui;

public static class ModelStateExtensions
{
    /// <summary>
    /// Puts a validator's failures beside the form fields they name (<paramref name="prefix"/>.Property).
    /// The validators are the API's and speak English to API clients; the UI words the common rules itself
    /// by their error code and keeps the validator's message for the rest.
    /// </summary>
    public static void AddFailures(this ModelStateDictionary modelState, string prefix, IEnumerable<ValidationFailure> failures, IStringLocalizer<UiText> t)
    {
        foreach (var failure in failures)
        {
            modelState.AddModelError($"{prefix}.{failure.PropertyName}", Message(failure, t));
        }
    }

    private static string Message(ValidationFailure failure, IStringLocalizer<UiText> t) => failure.ErrorCode switch
    {
        "NotEmptyValidator" or "NotNullValidator" or Infrastructure.TextValidation.NotBlankCode => t["Validation.Required"],
        _ when failure.CustomState is Plans.PlanSizeExceeded size => t[$"Input.PlanTooLarge.{size.What}", size.Count, size.Max],
        "MaximumLengthValidator" when failure.FormattedMessagePlaceholderValues?.TryGetValue("MaxLength", out var max) == true =>
            t["Validation.MaxLength", max, failure.FormattedMessagePlaceholderValues.TryGetValue("TotalLength", out var total) ? total : "?"],
        _ => failure.ErrorMessage,
    };
}
