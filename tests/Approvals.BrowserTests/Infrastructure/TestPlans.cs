using Approvals.Core.Plans;

namespace Approvals.BrowserTests.Infrastructure;

/// <summary>Plan content for tests that need a plan of their own.</summary>
public static class TestPlans
{
    public static PlanContent TwoGoals(string firstGoal = "Flere borgere skal have en god hverdag") => new(
    [
        new Objective("Sundhed for alle",
        [
            new ResultGoal("1", firstGoal, [new Indicator("??????")], [new Activity("Opsøgende indsats")]),
            new ResultGoal("2", "Færre genindlæggelser", [new Indicator("Andelen af genindlæggelser skal falde med 5 procent")], []),
        ]),
    ]);
}
