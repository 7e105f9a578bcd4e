using Approvals.Web.Features.Plans;

namespace Approvals.Tests.Features.Plans;

public sealed class PlanFormTests
{
    private static PlanForm Form() => new()
    {
        Title = "Plan",
        Objectives =
        [
            new ObjectiveForm
            {
                Title = "A",
                Goals =
                [
                    new GoalForm { Number = "1", Text = "Første", Indicators = [new TextForm { Text = "i1" }, new TextForm { Text = "i2" }] },
                    new GoalForm { Number = "4", Text = "Andet" },
                ],
            },
            new ObjectiveForm { Title = "B" },
        ],
    };

    [Fact]
    public void Moving_a_goal_swaps_it_with_its_neighbour_and_keeps_its_number()
    {
        var form = Form();

        Assert.True(form.MoveGoal(0, 1, -1));

        Assert.Equal(["Andet", "Første"], form.Objectives[0].Goals.Select(g => g.Text));
        Assert.Equal(["4", "1"], form.Objectives[0].Goals.Select(g => g.Number));
    }

    [Fact]
    public void A_move_past_either_end_or_to_a_missing_position_is_refused_and_changes_nothing()
    {
        var form = Form();

        Assert.False(form.MoveGoal(0, 0, -1));
        Assert.False(form.MoveGoal(0, 1, 1));
        Assert.False(form.MoveObjective(5, 1));
        Assert.False(form.RemoveItem(0, 0, "indicators", 2));
        Assert.False(form.AddItem(0, 0, "comments"));

        Assert.Equal(["Første", "Andet"], form.Objectives[0].Goals.Select(g => g.Text));
        Assert.Equal(2, form.Objectives[0].Goals[0].Indicators.Count);
    }

    [Fact]
    public void A_new_goal_suggests_the_number_after_the_highest()
    {
        var form = Form();

        form.AddGoal(0);
        form.AddGoal(1);

        Assert.Equal("5", form.Objectives[0].Goals[^1].Number);
        Assert.Equal("1", form.Objectives[1].Goals[0].Number);
    }

    [Fact]
    public void Indicators_are_added_moved_and_removed_in_their_own_list()
    {
        var form = Form();

        form.AddItem(0, 0, ItemLists.Indicators);
        form.Objectives[0].Goals[0].Indicators[2].Text = "i3";
        form.MoveItem(0, 0, ItemLists.Indicators, 2, -1);
        form.RemoveItem(0, 0, ItemLists.Indicators, 0);

        Assert.Equal(["i3", "i2"], form.Objectives[0].Goals[0].Indicators.Select(i => i.Text));
        Assert.Empty(form.Objectives[0].Goals[0].Activities);
    }

    [Fact]
    public void The_form_becomes_the_same_input_the_api_takes()
    {
        var input = Form().ToInput("SOU");

        Assert.Equal("SOU", input.Committee);
        var content = input.ToContent();
        Assert.Equal(["1", "4"], content.Objectives[0].Goals.Select(g => g.Number));
        Assert.Equal(["i1", "i2"], content.Objectives[0].Goals[0].Indicators.Select(i => i.Text));
        Assert.Empty(content.Objectives[1].Goals);
    }
}
