using Approvals.Core.Flags;
using Approvals.Persistence;
using Approvals.Web.Features.Accounts;
using Approvals.Web.Features.Delegation;
using Approvals.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Flags;

public sealed record PlanValidationRequest(Guid Id, string? Lang);

public sealed record PlanValidationResponse(
    Guid PlanId,
    string Language,
    int ErrorCount,
    int WarningCount,
    IReadOnlyList<FlagResponse> Flags);

/// <summary>A flag as the API shows it: <see cref="Message"/> in the language asked for, and both texts.</summary>
public sealed record FlagResponse(
    string Code,
    FlagSeverity Severity,
    FlagPath Path,
    string? GoalNumber,
    string Message,
    string MessageDa,
    string MessageEn)
{
    public static FlagResponse From(Flag flag, bool english) =>
        new(flag.Code, flag.Severity, flag.Path, flag.GoalNumber, flag.Message(english), flag.MessageDa, flag.MessageEn);
}

internal sealed class PlanValidationRequestValidator : AbstractValidator<PlanValidationRequest>
{
    public PlanValidationRequestValidator() =>
        RuleFor(r => r.Lang)
            .Must(lang => FlagLanguage.IsKnown(lang!)).When(r => r.Lang is not null)
            .WithMessage(r => $"'{r.Lang}' is not a language of the flag messages. Use da (Danish, the default) or en (English).");
}

public static class FlagEndpoints
{
    public static void MapFlags(this IEndpointRouteBuilder app)
    {
        var plans = app.MapGroup("/api/plans").WithTags("Flags");
        plans.MapGet("/{id:guid}/validation", Validation).Validate<PlanValidationRequest>()
            .WithName("getPlanValidation")
            .WithSummary("The flags of a plan's current content")
            .WithDescription("Every flag of the plan as it is now (errors such as a goal without an indicator, warnings such as an indicator " +
                "that names no measure), each with its code, severity, 1-based path, the goal's number and a message that says what to do: " +
                "in Danish, or in English with `lang=en` or an Accept-Language that prefers English. Read access as GET /api/plans/{id}.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Validates the plan's current content on each request: one plan is cheap, and this way the answer
    /// also holds the warnings and structural flags that are not stored on the plan row.
    /// </summary>
    private static async Task<Results<Ok<PlanValidationResponse>, ProblemHttpResult>> Validation(
        [AsParameters] PlanValidationRequest request, HttpContext http, ApprovalsDbContext db, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.Id, ct);
        if (plan is null)
        {
            return Problems.NotFound($"There is no plan with id {request.Id}.");
        }

        if (!await http.CanReadAsync(plan.CommitteeCode, ct))
        {
            return Problems.Forbidden($"You can read only your own committee's plans; this plan belongs to {plan.Committee.Name}.");
        }

        var english = FlagLanguage.PrefersEnglish(http.Request, request.Lang);
        var flags = PlanFlagger.Evaluate(plan);
        http.Response.Headers.ContentLanguage = english ? FlagLanguage.English : FlagLanguage.Danish;
        return TypedResults.Ok(new PlanValidationResponse(
            plan.Id,
            english ? FlagLanguage.English : FlagLanguage.Danish,
            flags.Count(f => f.Severity == FlagSeverity.Error),
            flags.Count(f => f.Severity == FlagSeverity.Warning),
            flags.Select(f => FlagResponse.From(f, english)).ToList()));
    }
}
