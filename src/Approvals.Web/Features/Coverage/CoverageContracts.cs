using Approvals.Core.Plans;
using Approvals.Core.Workflow;
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
    public CoverageQueryValidator(WorkflowCatalog workflows)
    {
        RuleFor(q => q.Committee)
            .Must(c => Committee.Find(c) is not null).When(q => q.Committee is not null)
            .WithMessage(q => $"'{q.Committee}' is not a committee. Use one of {Committee.ValidCodes} (or its slug, e.g. oeu).");

        // The stages the loaded workflow definitions know, as for the plan list's filter.
        RuleFor(q => q.Stage)
            .Must(s => workflows.StageId(s) is not null).When(q => q.Stage is not null)
            .WithMessage(q => $"'{q.Stage}' is not a stage. Use one of {string.Join(", ", workflows.StageIdsInOrder)} (case matters).");

        RuleFor(q => q.Format)
            .Must(f => f!.Equals(CoverageQuery.Csv, StringComparison.OrdinalIgnoreCase) || f.Equals(CoverageQuery.Json, StringComparison.OrdinalIgnoreCase))
            .When(q => q.Format is not null)
            .WithMessage(q => $"'{q.Format}' is not a report format. Use json (the default) or csv.");
    }
}

/// <summary>
/// One goal that lacks a real indicator. <see cref="Objective"/> and <see cref="Goal"/> are 1-based positions, as in
/// a flag's path; <see cref="GoalNumber"/> is the number as written.
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

/// <summary>A page of the report's rows (<see cref="TotalRows"/> in all) and the summary of every committee in scope.</summary>
public sealed record CoveragePage(IReadOnlyList<MissingIndicatorRow> Rows, IReadOnlyList<CommitteeCoverage> Summary, int TotalRows, int Page, int PageSize);

/// <summary>The JSON report: rows in council committee order, then plan title; the summary has every committee in scope.</summary>
public sealed record CoverageReportResponse(IReadOnlyList<MissingIndicatorRow> Rows, IReadOnlyList<CommitteeCoverage> Summary);
