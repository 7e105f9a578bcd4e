using Approvals.Core.Plans;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// The edit page's form: the plan's tree as posted by the browser, with the same property names as
/// <see cref="PlanInput"/> so the API's validator reports on the same field paths. Structural edits
/// (add, remove, move) change the form only; nothing is stored until the user saves. Every item carries its id
/// through each post (a hidden field), so a goal moved or renumbered is still the same goal when saved, and keeps
/// its comments; new items have no id until the save gives them one.
/// </summary>
public sealed class PlanForm
{
    public string? Title { get; set; }

    public List<ObjectiveForm> Objectives { get; set; } = [];

    public static PlanForm From(Plan plan) => new()
    {
        Title = plan.Title,
        Objectives = plan.Content.Objectives.Select(o => new ObjectiveForm
        {
            Id = o.Id,
            Title = o.Title,
            Goals = o.Goals.Select(g => new GoalForm
            {
                Id = g.Id,
                Number = g.Number,
                Text = g.Text,
                Indicators = g.Indicators.Select(i => new TextForm { Id = i.Id, Text = i.Text }).ToList(),
                Activities = g.Activities.Select(a => new TextForm { Id = a.Id, Text = a.Text }).ToList(),
            }).ToList(),
        }).ToList(),
    };

    public PlanInput ToInput(string committee) => new(
        committee,
        Title,
        Objectives.Select(o => new ObjectiveInput(
            o.Title,
            o.Goals.Select(g => new GoalInput(
                g.Number,
                g.Text,
                g.Indicators.Select(i => new TextInput(i.Text, i.Id)).ToList(),
                g.Activities.Select(a => new TextInput(a.Text, a.Id)).ToList(),
                g.Id)).ToList(),
            o.Id)).ToList());

    public bool AddObjective()
    {
        Objectives.Add(new ObjectiveForm { Goals = [new GoalForm { Number = "1" }] });
        return true;
    }

    public bool RemoveObjective(int o) => RemoveAt(Objectives, o);

    public bool MoveObjective(int o, int by) => Move(Objectives, o, by);

    public bool AddGoal(int o)
    {
        if (!InRange(Objectives, o))
        {
            return false;
        }

        var goals = Objectives[o].Goals;
        goals.Add(new GoalForm { Number = NextNumber(goals) });
        return true;
    }

    public bool RemoveGoal(int o, int g) => InRange(Objectives, o) && RemoveAt(Objectives[o].Goals, g);

    public bool MoveGoal(int o, int g, int by) => InRange(Objectives, o) && Move(Objectives[o].Goals, g, by);

    public bool AddItem(int o, int g, string? list)
    {
        if (Items(o, g, list) is not { } items)
        {
            return false;
        }

        items.Add(new TextForm());
        return true;
    }

    public bool RemoveItem(int o, int g, string? list, int i) => Items(o, g, list) is { } items && RemoveAt(items, i);

    public bool MoveItem(int o, int g, string? list, int i, int by) => Items(o, g, list) is { } items && Move(items, i, by);

    /// <summary>The goal's indicators or activities (<paramref name="list"/> is "indicators" or "activities").</summary>
    public List<TextForm>? Items(int o, int g, string? list)
    {
        if (!InRange(Objectives, o) || !InRange(Objectives[o].Goals, g))
        {
            return null;
        }

        var goal = Objectives[o].Goals[g];
        return list switch
        {
            ItemLists.Indicators => goal.Indicators,
            ItemLists.Activities => goal.Activities,
            _ => null,
        };
    }

    // Numbers are the secretary's ("1", "4a"); a new goal suggests one past the highest plain number.
    private static string NextNumber(List<GoalForm> goals) =>
        (goals.Select(g => int.TryParse(g.Number, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1)
            .ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool InRange<T>(List<T> list, int index) => index >= 0 && index < list.Count;

    private static bool RemoveAt<T>(List<T> list, int index)
    {
        if (!InRange(list, index))
        {
            return false;
        }

        list.RemoveAt(index);
        return true;
    }

    private static bool Move<T>(List<T> list, int index, int by)
    {
        var target = index + Math.Sign(by);
        if (by == 0 || !InRange(list, index) || !InRange(list, target))
        {
            return false;
        }

        (list[index], list[target]) = (list[target], list[index]);
        return true;
    }
}

public sealed class ObjectiveForm
{
    public string? Id { get; set; }

    public string? Title { get; set; }

    public List<GoalForm> Goals { get; set; } = [];
}

public sealed class GoalForm
{
    public string? Id { get; set; }

    public string? Number { get; set; }

    public string? Text { get; set; }

    public List<TextForm> Indicators { get; set; } = [];

    public List<TextForm> Activities { get; set; } = [];
}

public sealed class TextForm
{
    public string? Id { get; set; }

    public string? Text { get; set; }
}

public static class ItemLists
{
    public const string Indicators = "indicators";
    public const string Activities = "activities";
}
