using Approvals.Core;
using FluentValidation;

namespace Approvals.Web.Infrastructure;

/// <summary>The validators' text rules: one meaning of "required" (<see cref="TextRules.IsBlank"/>) for every request.</summary>
public static class TextValidation
{
    /// <summary>The error code of <see cref="NotBlank{T}"/>; the pages word it as "required".</summary>
    public const string NotBlankCode = "NotBlankValidator";

    /// <summary>
    /// Fails for null, empty and text made only of invisible characters (white space, U+200B, U+2060, U+00AD,
    /// U+0000, other control and format characters), where FluentValidation's NotEmpty sees only white space.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> NotBlank<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !TextRules.IsBlank(text)).WithErrorCode(NotBlankCode);
}
