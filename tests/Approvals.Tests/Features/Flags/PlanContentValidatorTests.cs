using Approvals.Core.Flags;
using Approvals.Core.Plans;

namespace Approvals.Tests.Features.Flags;

public sealed class PlanContentValidatorTests
{
    private static ResultGoal Goal(string number, string text, params string[] indicators) =>
        new(number, text, indicators.Select(i => new Indicator(i)).ToList(), []);

    private static PlanContent Plan(params Objective[] objectives) => new(objectives);

    private static Objective Objective(params ResultGoal[] goals) => new("Målsætning", goals);

    private const string Measure = "Andelen skal stige med 5 procentpoint";

    [Fact]
    public void A_plan_without_goals_is_flagged_at_plan_level()
    {
        foreach (var content in new[] { PlanContent.Empty, Plan(Objective()) })
        {
            var flag = Assert.Single(PlanFlagger.Evaluate(content));

            Assert.Equal(FlagCodes.PlanWithoutGoals, flag.Code);
            Assert.Equal(FlagSeverity.Error, flag.Severity);
            Assert.Equal(new FlagPath(), flag.Path);
            Assert.Null(flag.GoalNumber);
            Assert.Contains("ingen resultatmål", flag.MessageDa);
            Assert.Contains("no result goals", flag.MessageEn);
        }
    }

    [Fact]
    public void A_goal_without_text_is_flagged()
    {
        var flag = Assert.Single(PlanFlagger.Evaluate(Plan(Objective(Goal("1", "A", Measure), Goal("2", "  ", Measure)))));

        Assert.Equal(FlagCodes.GoalTextMissing, flag.Code);
        Assert.Equal(FlagSeverity.Error, flag.Severity);
        Assert.Equal(new FlagPath(1, 2), flag.Path);
        Assert.Equal("2", flag.GoalNumber);
        Assert.Equal("Resultatmål 2 har ingen tekst. Skriv, hvad målet er.", flag.MessageDa);
        Assert.Equal("Result goal 2 has no text. Write what the goal is.", flag.MessageEn);
    }

    [Fact]
    public void A_goal_number_used_twice_in_one_objective_is_flagged_on_the_second()
    {
        var content = Plan(
            Objective(Goal("1", "A", Measure), Goal("2", "B", Measure), Goal("1", "C", Measure)),
            Objective(Goal("1", "Same number in another objective is fine", Measure)));

        var flag = Assert.Single(PlanFlagger.Evaluate(content));

        Assert.Equal(FlagCodes.GoalNumberDuplicate, flag.Code);
        Assert.Equal(FlagSeverity.Error, flag.Severity);
        Assert.Equal(new FlagPath(1, 3), flag.Path);
        Assert.Equal("1", flag.GoalNumber);
        Assert.Contains("Nummer 1 bruges af flere resultatmål i målsætning 1", flag.MessageDa);
        Assert.Contains("Number 1 is used by more than one result goal in objective 1", flag.MessageEn);
    }

    [Fact]
    public void A_goal_without_a_number_is_flagged_and_named_by_its_position()
    {
        var flag = Assert.Single(PlanFlagger.Evaluate(Plan(Objective(Goal("1", "A", Measure), Goal(" ", "B", Measure)))));

        Assert.Equal(FlagCodes.GoalNumberMissing, flag.Code);
        Assert.Equal(new FlagPath(1, 2), flag.Path);
        Assert.Null(flag.GoalNumber);
    }

    [Fact]
    public void A_goal_without_indicators_is_flagged_indicator_missing()
    {
        var flag = Assert.Single(PlanFlagger.Evaluate(Plan(Objective(Goal("1", "A", Measure)), Objective(Goal("4", "B")))));

        Assert.Equal(FlagCodes.IndicatorMissing, flag.Code);
        Assert.Equal(FlagSeverity.Error, flag.Severity);
        Assert.Equal(new FlagPath(2, 1), flag.Path);
        Assert.Equal("4", flag.GoalNumber);
        Assert.StartsWith("Resultatmål 4 har ingen indikator. Tilføj mindst én indikator", flag.MessageDa);
        Assert.StartsWith("Result goal 4 has no indicator. Add at least one indicator", flag.MessageEn);
        Assert.True(flag.IsIndicatorGap);
    }

    [Fact]
    public void A_goal_whose_indicators_are_all_placeholders_is_flagged_indicator_placeholder()
    {
        var flag = Assert.Single(PlanFlagger.Evaluate(Plan(Objective(Goal("3", "A", "??????", " Ingen ")))));

        Assert.Equal(FlagCodes.IndicatorPlaceholder, flag.Code);
        Assert.Equal(FlagSeverity.Error, flag.Severity);
        Assert.Equal(new FlagPath(1, 1), flag.Path);
        Assert.Equal("3", flag.GoalNumber);
        Assert.Equal("Resultatmål 3 har kun pladsholdere som indikatorer (\"??????\", \"Ingen\"). Erstat dem med en rigtig måling.", flag.MessageDa);
        Assert.Equal("Result goal 3 has only placeholders as indicators (\"??????\", \"Ingen\"). Replace them with a real measure.", flag.MessageEn);
    }

    [Fact]
    public void One_real_indicator_beside_a_placeholder_measures_the_goal()
    {
        Assert.Empty(PlanFlagger.Evaluate(Plan(Objective(Goal("1", "A", "TBD", Measure)))));
    }

    [Fact]
    public void An_unmeasurable_indicator_is_a_warning_pointing_at_the_indicator()
    {
        var flag = Assert.Single(PlanFlagger.Evaluate(Plan(Objective(Goal("1", "A", Measure, "Fastholdelse af nuværende indikatorer")))));

        Assert.Equal(FlagCodes.IndicatorUnmeasurable, flag.Code);
        Assert.Equal(FlagSeverity.Warning, flag.Severity);
        Assert.Equal(new FlagPath(1, 1, 2), flag.Path);
        Assert.Equal("1", flag.GoalNumber);
        Assert.StartsWith("Indikatoren \"Fastholdelse af nuværende indikatorer\" til resultatmål 1 nævner hverken tal, andel", flag.MessageDa);
        Assert.StartsWith("The indicator \"Fastholdelse af nuværende indikatorer\" of result goal 1 names no number, share", flag.MessageEn);
        Assert.False(flag.IsIndicatorGap);
    }

    [Fact]
    public void Flags_come_in_plan_order_and_a_goal_can_carry_several()
    {
        var content = Plan(
            Objective(Goal("1", "", "-"), Goal("1", "B", "Fokus på området")),
            Objective(Goal("1", "C")));

        var flags = PlanFlagger.Evaluate(content);

        Assert.Equal(
            [
                (FlagCodes.GoalTextMissing, "objective[1]/goal[1]"),
                (FlagCodes.IndicatorPlaceholder, "objective[1]/goal[1]"),
                (FlagCodes.GoalNumberDuplicate, "objective[1]/goal[2]"),
                (FlagCodes.IndicatorUnmeasurable, "objective[1]/goal[2]/indicator[1]"),
                (FlagCodes.IndicatorMissing, "objective[2]/goal[1]"),
            ],
            flags.Select(f => (f.Code, f.Path.ToString())));
    }

    [Fact]
    public void The_validator_reports_flags_as_fluentvalidation_failures_with_code_and_severity()
    {
        var result = new PlanContentValidator().Validate(Plan(Objective(Goal("1", "A"), Goal("2", "B", "Fokus på området"))));

        Assert.False(result.IsValid);
        Assert.Equal(
            [(FlagCodes.IndicatorMissing, FluentValidation.Severity.Error), (FlagCodes.IndicatorUnmeasurable, FluentValidation.Severity.Warning)],
            result.Errors.Select(e => (e.ErrorCode, e.Severity)));
        Assert.All(result.Errors, e => Assert.Equal(((Flag)e.CustomState).MessageDa, e.ErrorMessage));
    }

    [Fact]
    public void Saving_content_stores_the_flag_counts_and_the_flagged_goals_on_the_plan()
    {
        var content = Plan(
            new Objective("Første", [Goal("1", "A", Measure), Goal("2", "B")]),
            new Objective("Anden", [Goal("1", "C", "Ingen", "?"), Goal("2", "D", "Fokus på området")]));

        var plan = Approvals.Core.Plans.Plan.Start(Committee.Sou, "Titel", "owner", content, "committee-plan", 1, Stages.Draft, DateTime.UtcNow);

        Assert.Equal(4, plan.GoalCount);
        Assert.Equal(2, plan.ErrorCount);
        Assert.Equal(1, plan.WarningCount);
        Assert.Equal(2, plan.FlaggedGoalCount);
        Assert.Equal(
            [
                new FlaggedGoal(1, "Første", 2, "2", "B", FlagCodes.IndicatorMissing, ""),
                new FlaggedGoal(2, "Anden", 1, "1", "C", FlagCodes.IndicatorPlaceholder, "Ingen | ?"),
            ],
            plan.FlaggedGoals);
    }
}
