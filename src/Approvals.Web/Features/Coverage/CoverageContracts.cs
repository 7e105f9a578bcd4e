using Approvals.Core.Plans;
using FluentValidation;

namespace Approvals.Web.Features.Coverage;

/// <summary>The report's filters and output format, all optional.</summary>
public sealed record CoverageQuery(string? Committee, string? Stage, string? Format)
{
    public const string Csv = "csv";
    public const string Json = "json";
}

internal sealed class CoverageQueryValidator : AbstractValidator<CoverageQuery>
{
    public CoverageQueryValidator()
    {
        RuleFor(q => q.Committee)
            .Must(c => Committee.Find(c) is not null).When(q => q.Committee is not null)
            .WithMessage(q => $"'{q.Committee}' is not a committee. Use one of {Committee.ValidCodes} (or its slug, e.g. oeu).");

        // Stages.All names the stages of the committee-plan workflow.
        RuleFor(q => q.Stage)
            .Must(s => Stages.All.Contains(s!)).When(q => q.Stage is not null)
            .WithMessage(q => $"'{q.Stage}' is not a stage. Use one of {string.Join(", ", Stages.All)}.");

        RuleFor(q => q.Format)
            .Must(f => f is CoverageQuery.Csv or CoverageQuery.Json).When(q => q.Format is not null)
            .WithMessage(q => $"'{q.Format}' is not a report format. Use json (the default) or csv.");
    }
}

/// <summary>
/// One goal that lacks a real indicator. <see cref="Objective"/> is the 1-based position of its objective in the plan
/// and <see cref="Goal"/> the goal's 1-based position in that objective (the plan page's anchor <c>#maal-{objective}-{goal}</c>).
/// </summary>
public sealed record MissingIndicatorRow(
    string Committee,
    Guid PlanId,
    string PlanTitle,
    string Stage,
    int Objective,
    string ObjectiveTitle,
    int Goal,
    string GoalNumber,
    string GoalText,
    string Code,
    string IndicatorText);

/// <summary>How much of a committee's goals are measured. <see cref="ShareCovered"/> is null when it has no goals.</summary>
public sealed record CommitteeCoverage(string Committee, string CommitteeName, int Goals, int GoalsFlagged, double? ShareCovered);

public sealed record CoverageReportResponse(IReadOnlyList<CommitteeCoverage> Summary, IReadOnlyList<MissingIndicatorRow> Rows);
