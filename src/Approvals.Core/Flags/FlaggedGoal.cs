using Approvals.Core.Plans;

namespace Approvals.Core.Flags;

/// <summary>
/// A goal that lacks a real indicator, kept on the plan when its content is saved so the coverage
/// report reads stored rows instead of validating every plan on every request. <see cref="Objective"/> and
/// <see cref="Goal"/> are 1-based positions, as in a flag's path. The stored JSON (camelCase) is copied as it is
/// into the coverage report's rows, so a property's name here is the name of a report field.
/// </summary>
public sealed record FlaggedGoal(
    int Objective,
    string ObjectiveTitle,
    int Goal,
    string GoalNumber,
    string GoalText,
    string Code,
    string IndicatorText)
{
    public static List<FlaggedGoal> From(PlanContent content, IEnumerable<Flag> flags) =>
        flags.Where(f => f.IsIndicatorGap && f.Path is { Objective: not null, Goal: not null })
            .Select(f =>
            {
                var objective = content.Objectives[f.Path.Objective!.Value - 1];
                var goal = objective.Goals[f.Path.Goal!.Value - 1];
                return new FlaggedGoal(
                    f.Path.Objective.Value,
                    objective.Title,
                    f.Path.Goal.Value,
                    goal.Number,
                    goal.Text,
                    f.Code,
                    string.Join(" | ", goal.Indicators.Select(i => i.Text)));
            })
            .ToList();
}
