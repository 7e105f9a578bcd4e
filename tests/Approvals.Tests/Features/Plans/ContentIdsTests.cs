using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Plans;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class ContentIdsTests
{
    private static PlanContent Legacy() => new(
    [
        new Objective("A",
        [
            new ResultGoal("1", "Første", [new Indicator("i1"), new Indicator("i2")], [new Activity("a1")]),
            new ResultGoal("2", "Andet", [], []),
        ]),
        new Objective("B", [new ResultGoal("1", "Tredje", [new Indicator("i3")], [])]),
    ]);

    [Fact]
    public void A_document_without_ids_gets_ids_from_positions_the_same_on_every_read()
    {
        var first = ContentIds.WithPositionalIds(Legacy());
        var second = ContentIds.WithPositionalIds(Legacy());

        Assert.Equal(["o1", "o2"], first.Objectives.Select(o => o.Id));
        Assert.Equal(["o1-g1", "o1-g2", "o2-g1"], first.Goals.Select(g => g.Id));
        Assert.Equal(["o1-g1-i1", "o1-g1-i2"], first.Objectives[0].Goals[0].Indicators.Select(i => i.Id));
        Assert.Equal("o1-g1-a1", first.Objectives[0].Goals[0].Activities[0].Id);
        Assert.Equal(ContentIds.Items(first).Select(i => i.Id), ContentIds.Items(second).Select(i => i.Id));
    }

    [Fact]
    public void A_positional_id_already_held_by_another_item_gets_a_suffix_so_ids_stay_unique()
    {
        var content = Legacy() with { };
        var objective = content.Objectives[0];
        var mixed = new PlanContent([objective with { Goals = [objective.Goals[0], objective.Goals[1] with { Id = "o1-g1" }] }, content.Objectives[1]]);

        var filled = ContentIds.WithPositionalIds(mixed);

        Assert.Equal(["o1-g1-2", "o1-g1", "o2-g1"], filled.Goals.Select(g => g.Id));
        Assert.Empty(ContentIds.Duplicates(filled));
    }

    [Fact]
    public void New_items_get_random_ids_and_items_with_ids_keep_them()
    {
        var content = ContentIds.WithPositionalIds(Legacy());
        var goal = content.Objectives[0].Goals[0];
        var added = new PlanContent([content.Objectives[0] with { Goals = [goal with { Indicators = [.. goal.Indicators, new Indicator("ny")] }, new ResultGoal("3", "Nyt", [], [])] }]);

        var filled = ContentIds.WithNewIds(added);

        Assert.Equal("o1-g1", filled.Goals.First().Id);
        var newIds = new[] { filled.Goals.Last().Id, filled.Goals.First().Indicators[^1].Id };
        Assert.All(newIds, id => Assert.Matches("^[a-z0-9]{8}$", id));
        Assert.DoesNotContain("o1-g2", newIds);
        Assert.Same(filled, ContentIds.WithNewIds(filled));
    }

    [Fact]
    public void Ids_the_current_content_has_not_and_ids_used_twice_are_found_with_their_paths()
    {
        var current = ContentIds.WithPositionalIds(Legacy());
        var objective = current.Objectives[0];
        var proposed = new PlanContent([objective with { Goals = [objective.Goals[0], objective.Goals[1] with { Id = "zzz" }, objective.Goals[1] with { Id = "o1-g1" }] }]);

        var unknown = Assert.Single(ContentIds.Unknown(current, proposed));
        var duplicate = Assert.Single(ContentIds.Duplicates(proposed));

        Assert.Equal(("objectives[0].goals[1].id", "zzz"), (unknown.Path, unknown.Id));
        Assert.Equal("objectives[0].goals[2].id", duplicate.Path);
        Assert.True(ContentIds.IsWellFormed("o1-g2-i1"));
        Assert.False(ContentIds.IsWellFormed("O1"));
        Assert.False(ContentIds.IsWellFormed("-a"));
        Assert.False(ContentIds.IsWellFormed(new string('a', 33)));
    }
}
