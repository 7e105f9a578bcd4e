using Approvals.Core.Plans;
using Approvals.Core.Review;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Changes;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class PlanComparisonTests
{
    /// <summary>Five goals numbered 1–5 in one objective, each with one indicator, ids from positions.</summary>
    private static PlanContent FiveGoals() => ContentIds.WithPositionalIds(new PlanContent(
    [
        new Objective("Trivsel", Enumerable.Range(1, 5).Select(n => new ResultGoal(
            $"{n}", $"Mål nummer {n}", [new Indicator($"Andelen skal stige med {n} procent")], [new Activity($"Aktivitet {n}")])).ToList()),
        new Objective("Sundhed", [new ResultGoal("6", "Færre indlæggelser", [new Indicator("Antallet skal falde")], [])]),
    ]));

    private static PlanContent WithGoals(PlanContent content, int objective, Func<IReadOnlyList<ResultGoal>, IReadOnlyList<ResultGoal>> change) =>
        new(content.Objectives.Select((o, i) => i == objective ? o with { Goals = change(o.Goals) } : o).ToList());

    [Fact]
    public void Moving_goal_5_above_goal_2_and_editing_an_indicator_shows_exactly_the_move_and_the_indicator()
    {
        var before = FiveGoals();
        var after = WithGoals(before, 0, g =>
        [
            g[0],
            g[4],
            g[1] with { Indicators = [g[1].Indicators[0] with { Text = "Andelen skal stige med 2 procentpoint inden 2027" }] },
            g[2],
            g[3],
        ]);

        var changes = PlanComparison.Compare(before, after);

        Assert.Empty(changes.Objectives);
        Assert.Equal(["o1-g5", "o1-g2"], changes.Goals.Select(g => g.GoalId).Order().Reverse());
        var moved = changes.ForGoal("o1-g5")!;
        Assert.Equal([ChangeKind.Moved], moved.Changes);
        Assert.Equal((5, 2), (moved.Before!.Position, moved.After!.Position));
        Assert.Empty(moved.Fields);
        var edited = changes.ForGoal("o1-g2")!;
        Assert.Equal([ChangeKind.Changed], edited.Changes);
        var field = Assert.Single(edited.Fields);
        Assert.Equal(("indicator", "o1-g2-i1", 1), (field.Field, field.ItemId, field.PositionAfter));
        Assert.Equal("Andelen skal stige med 2 procent", field.Before);
        Assert.Equal(
            [(DiffKind.Unchanged, "Andelen skal stige med 2 "), (DiffKind.Deleted, "procent"), (DiffKind.Inserted, "procentpoint inden 2027")],
            field.Diff.Select(p => (p.Kind, p.Text)));
    }

    [Fact]
    public void Word_diff_pieces_rebuild_both_texts()
    {
        const string old = "Flere unge i uddannelse, færre i ledighed.";
        const string now = "Flere unge i job eller uddannelse, og færre i langvarig ledighed.";

        var pieces = TextDiff.Words(old, now);

        Assert.Equal(old, string.Concat(pieces.Where(p => p.Kind != DiffKind.Inserted).Select(p => p.Text)));
        Assert.Equal(now, string.Concat(pieces.Where(p => p.Kind != DiffKind.Deleted).Select(p => p.Text)));
        Assert.Contains(pieces, p => p.Kind == DiffKind.Inserted && p.Text.Contains("job", StringComparison.Ordinal));
        Assert.DoesNotContain(pieces, p => p.Kind != DiffKind.Unchanged && p.Text.Contains("uddannelse", StringComparison.Ordinal));
    }

    [Fact]
    public void Added_removed_renumbered_and_moved_to_another_objective_are_each_named()
    {
        var before = FiveGoals();
        var goals = before.Objectives[0].Goals;
        var after = new PlanContent(
        [
            before.Objectives[0] with { Goals = [goals[0] with { Number = "1a" }, goals[1], goals[2], goals[4]] },
            before.Objectives[1] with { Goals = [goals[3], before.Objectives[1].Goals[0], new ResultGoal("7", "Nyt mål", [new Indicator("Flere skal deltage")], []) { Id = "nyt" }] },
        ]);

        var changes = PlanComparison.Compare(before, after);

        Assert.Equal(ChangeKind.Changed, Assert.Single(changes.ForGoal("o1-g1")!.Changes));
        Assert.Equal(("number", "1", "1a"), (changes.ForGoal("o1-g1")!.Fields.Single().Field, changes.ForGoal("o1-g1")!.Fields.Single().Before, changes.ForGoal("o1-g1")!.Fields.Single().After));
        var crossed = changes.ForGoal("o1-g4")!;
        Assert.Equal([ChangeKind.Moved], crossed.Changes);
        Assert.Equal(("o1", "o2"), (crossed.Before!.ObjectiveId, crossed.After!.ObjectiveId));
        Assert.Equal([ChangeKind.Added], changes.ForGoal("nyt")!.Changes);
        Assert.Null(changes.ForGoal("o1-g5"));
        Assert.Null(changes.ForGoal("o2-g1"));
        Assert.Equal(3, changes.Goals.Count);
    }

    [Fact]
    public void Swapping_objectives_moves_an_objective_not_its_goals_and_a_removed_goal_is_listed()
    {
        var before = FiveGoals();
        var after = new PlanContent([before.Objectives[1], WithGoals(before, 0, g => g.Take(4).ToList()).Objectives[0]]);

        var changes = PlanComparison.Compare(before, after);

        Assert.Equal([ChangeKind.Moved], Assert.Single(changes.Objectives).Changes);
        var removed = Assert.Single(changes.Goals);
        Assert.Equal(("o1-g5", ChangeKind.Removed), (removed.GoalId, removed.Changes.Single()));
        Assert.Null(removed.After);
        Assert.True(PlanComparison.Compare(before, before).IsEmpty);
    }
}
