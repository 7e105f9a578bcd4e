using Approvals.Core.Plans;

namespace Approvals.Core.Flags;

/// <summary>Runs <see cref="PlanContentValidator"/> and returns its findings as flags, in plan order.</summary>
public static class PlanFlagger
{
    private static readonly PlanContentValidator Validator = new();

    public static IReadOnlyList<Flag> Evaluate(PlanContent content) =>
        Validator.Validate(content).Errors
            .Select(e => e.CustomState as Flag ?? throw new InvalidOperationException(
                $"The flag rule on '{e.PropertyName}' ({e.ErrorCode}) raised no flag: give the rule a .Raises(...)."))
            .ToList();

    public static IReadOnlyList<Flag> Evaluate(Plan plan) => Evaluate(plan.Content);
}
