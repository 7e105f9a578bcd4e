using System.Text.Json.Serialization;
using Approvals.Core.Plans;

namespace Approvals.Core.Review;

/// <summary>What happened to an item between two versions of a plan. Serialised as a string.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    /// <summary>Only in the newer version.</summary>
    Added,

    /// <summary>Only in the older version.</summary>
    Removed,

    /// <summary>In both, in another place: reordered among the items that stayed, or moved to another objective.</summary>
    Moved,

    /// <summary>In both, with different content.</summary>
    Changed,
}

/// <summary>Where a goal stands in one version: its objective (id and 1-based position), its 1-based position there, number and text.</summary>
public sealed record GoalPlace(string ObjectiveId, int Objective, int Position, string Number, string Text);

/// <summary>
/// One field of a goal that differs: <c>number</c> or <c>text</c>, or one <c>indicator</c> or <c>activity</c> (by id,
/// with its 1-based positions in the goal). <see cref="Diff"/> is the word-level diff of before and after; for an added
/// item everything is inserted, for a removed one everything deleted.
/// </summary>
public sealed record FieldChange(
    string Field,
    string? ItemId,
    IReadOnlyList<ChangeKind> Changes,
    int? PositionBefore,
    int? PositionAfter,
    string? Before,
    string? After,
    IReadOnlyList<DiffPiece> Diff);

/// <summary>A goal that was added, removed, moved or changed, matched between the versions by its id.</summary>
public sealed record GoalChange(string GoalId, IReadOnlyList<ChangeKind> Changes, GoalPlace? Before, GoalPlace? After, IReadOnlyList<FieldChange> Fields);

/// <summary>An objective that was added, removed, moved or retitled.</summary>
public sealed record ObjectiveChange(
    string ObjectiveId,
    IReadOnlyList<ChangeKind> Changes,
    int? PositionBefore,
    int? PositionAfter,
    string? TitleBefore,
    string? TitleAfter,
    IReadOnlyList<DiffPiece> Diff);

/// <summary>The differences between two versions of a plan's content; empty lists when they are the same.</summary>
public sealed record PlanChanges(IReadOnlyList<ObjectiveChange> Objectives, IReadOnlyList<GoalChange> Goals)
{
    public bool IsEmpty => Objectives.Count == 0 && Goals.Count == 0;

    /// <summary>The change of the goal with this id, if it changed.</summary>
    public GoalChange? ForGoal(string goalId) => Goals.FirstOrDefault(g => g.GoalId == goalId);
}

/// <summary>
/// Compares two versions of a plan's content item by item, matching objectives, goals, indicators and activities by
/// their ids (<see cref="ContentIds"/>), never by position. A move is reported only for what actually moved: of the
/// items that stayed in a list, the largest set still in the same order counts as in place, so moving goal 5 above
/// goal 2 moves goal 5, not goals 2, 3 and 4 that made room. A goal put under another objective has moved too.
/// </summary>
public static class PlanComparison
{
    public static PlanChanges Compare(PlanContent before, PlanContent after)
    {
        var objectives = CompareObjectives(before, after);

        var old = Places(before);
        var now = Places(after);
        var goals = new List<GoalChange>();

        // Goals that stayed in their objective keep their place unless the order among them changed.
        var inPlace = new HashSet<string>(StringComparer.Ordinal);
        foreach (var objective in after.Objectives)
        {
            var stayed = objective.Goals
                .Where(g => old.TryGetValue(g.Id, out var o) && o.Place.ObjectiveId == objective.Id)
                .Select(g => g.Id)
                .ToList();
            inPlace.UnionWith(InOrder(stayed, id => old[id].Place.Position));
        }

        foreach (var (id, (goalAfter, placeAfter)) in now)
        {
            if (!old.TryGetValue(id, out var was))
            {
                goals.Add(new GoalChange(id, [ChangeKind.Added], null, placeAfter, AllFields(goalAfter, DiffKind.Inserted)));
                continue;
            }

            var fields = CompareGoal(was.Goal, goalAfter);
            var changes = new List<ChangeKind>();
            if (!inPlace.Contains(id))
            {
                changes.Add(ChangeKind.Moved);
            }

            if (fields.Count > 0)
            {
                changes.Add(ChangeKind.Changed);
            }

            if (changes.Count > 0)
            {
                goals.Add(new GoalChange(id, changes, was.Place, placeAfter, fields));
            }
        }

        foreach (var (id, (goalBefore, placeBefore)) in old.Where(g => !now.ContainsKey(g.Key)))
        {
            goals.Add(new GoalChange(id, [ChangeKind.Removed], placeBefore, null, AllFields(goalBefore, DiffKind.Deleted)));
        }

        return new PlanChanges(objectives, goals);
    }

    private static List<ObjectiveChange> CompareObjectives(PlanContent before, PlanContent after)
    {
        var old = FirstById(before.Objectives.Select((o, i) => (o.Id, (Objective: o, Position: i + 1))));
        var kept = after.Objectives.Where(o => old.ContainsKey(o.Id)).Select(o => o.Id).ToList();
        var inPlace = InOrder(kept, id => old[id].Position);
        var changes = new List<ObjectiveChange>();
        for (var i = 0; i < after.Objectives.Count; i++)
        {
            var objective = after.Objectives[i];
            if (!old.TryGetValue(objective.Id, out var was))
            {
                changes.Add(new ObjectiveChange(objective.Id, [ChangeKind.Added], null, i + 1, null, objective.Title, TextDiff.Words("", objective.Title)));
                continue;
            }

            var kinds = new List<ChangeKind>();
            if (!inPlace.Contains(objective.Id))
            {
                kinds.Add(ChangeKind.Moved);
            }

            if (was.Objective.Title != objective.Title)
            {
                kinds.Add(ChangeKind.Changed);
            }

            if (kinds.Count > 0)
            {
                changes.Add(new ObjectiveChange(objective.Id, kinds, was.Position, i + 1, was.Objective.Title, objective.Title,
                    TextDiff.Words(was.Objective.Title, objective.Title)));
            }
        }

        var now = after.Objectives.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(before.Objectives
            .Select((o, i) => (o, i))
            .Where(x => !now.Contains(x.o.Id))
            .Select(x => new ObjectiveChange(x.o.Id, [ChangeKind.Removed], x.i + 1, null, x.o.Title, null, TextDiff.Words(x.o.Title, ""))));
        return changes;
    }

    private static List<FieldChange> CompareGoal(ResultGoal before, ResultGoal after)
    {
        var fields = new List<FieldChange>();
        if (before.Number != after.Number)
        {
            fields.Add(Text("number", before.Number, after.Number));
        }

        if (before.Text != after.Text)
        {
            fields.Add(Text("text", before.Text, after.Text));
        }

        fields.AddRange(CompareItems("indicator", before.Indicators.Select(i => (i.Id, i.Text)).ToList(), after.Indicators.Select(i => (i.Id, i.Text)).ToList()));
        fields.AddRange(CompareItems("activity", before.Activities.Select(a => (a.Id, a.Text)).ToList(), after.Activities.Select(a => (a.Id, a.Text)).ToList()));
        return fields;
    }

    private static IEnumerable<FieldChange> CompareItems(string field, List<(string Id, string Text)> before, List<(string Id, string Text)> after)
    {
        var old = FirstById(before.Select((item, i) => (item.Id, (item.Text, Position: i + 1))));
        var inPlace = InOrder(after.Where(i => old.ContainsKey(i.Id)).Select(i => i.Id).ToList(), id => old[id].Position);
        for (var i = 0; i < after.Count; i++)
        {
            var (id, text) = after[i];
            if (!old.TryGetValue(id, out var was))
            {
                yield return new FieldChange(field, id, [ChangeKind.Added], null, i + 1, null, text, TextDiff.Words("", text));
                continue;
            }

            var kinds = new List<ChangeKind>();
            if (!inPlace.Contains(id))
            {
                kinds.Add(ChangeKind.Moved);
            }

            if (was.Text != text)
            {
                kinds.Add(ChangeKind.Changed);
            }

            if (kinds.Count > 0)
            {
                yield return new FieldChange(field, id, kinds, was.Position, i + 1, was.Text, text, TextDiff.Words(was.Text, text));
            }
        }

        var now = after.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (item, index) in before.Select((item, i) => (item, i)).Where(x => !now.Contains(x.item.Id)))
        {
            yield return new FieldChange(field, item.Id, [ChangeKind.Removed], index + 1, null, item.Text, null, TextDiff.Words(item.Text, ""));
        }
    }

    private static FieldChange Text(string field, string before, string after) =>
        new(field, null, [ChangeKind.Changed], null, null, before, after, TextDiff.Words(before, after));

    /// <summary>An added or removed goal shown whole: every field inserted or deleted.</summary>
    private static List<FieldChange> AllFields(ResultGoal goal, DiffKind kind)
    {
        var added = kind == DiffKind.Inserted;
        FieldChange Field(string field, string? id, int? position, string text) => new(
            field, id, [added ? ChangeKind.Added : ChangeKind.Removed],
            added ? null : position, added ? position : null, added ? null : text, added ? text : null,
            text.Length == 0 ? [] : [new DiffPiece(kind, text)]);

        return
        [
            Field("number", null, null, goal.Number),
            Field("text", null, null, goal.Text),
            .. goal.Indicators.Select((i, n) => Field("indicator", i.Id, n + 1, i.Text)),
            .. goal.Activities.Select((a, n) => Field("activity", a.Id, n + 1, a.Text)),
        ];
    }

    // Ids are unique in every stored document; should one repeat anyway, its first occurrence is the one compared.
    private static Dictionary<string, T> FirstById<T>(IEnumerable<(string Id, T Value)> items)
    {
        var byId = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (id, value) in items)
        {
            byId.TryAdd(id, value);
        }

        return byId;
    }

    private static Dictionary<string, (ResultGoal Goal, GoalPlace Place)> Places(PlanContent content)
    {
        var places = new Dictionary<string, (ResultGoal, GoalPlace)>(StringComparer.Ordinal);
        for (var o = 0; o < content.Objectives.Count; o++)
        {
            var objective = content.Objectives[o];
            for (var g = 0; g < objective.Goals.Count; g++)
            {
                var goal = objective.Goals[g];
                places.TryAdd(goal.Id, (goal, new GoalPlace(objective.Id, o + 1, g + 1, goal.Number, goal.Text)));
            }
        }

        return places;
    }

    /// <summary>
    /// Of <paramref name="ids"/> (in their new order), the largest set whose old positions still rise: the items that
    /// kept their place while others moved around them. A longest increasing subsequence, O(n log n).
    /// </summary>
    private static HashSet<string> InOrder(IReadOnlyList<string> ids, Func<string, int> oldPosition)
    {
        var tails = new List<int>();          // tails[k]: index in ids of the smallest tail of a rising run of length k+1
        var previous = new int[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            var position = oldPosition(ids[i]);
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (oldPosition(ids[tails[mid]]) < position)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            previous[i] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(i);
            }
            else
            {
                tails[lo] = i;
            }
        }

        var kept = new HashSet<string>(StringComparer.Ordinal);
        for (var i = tails.Count > 0 ? tails[^1] : -1; i >= 0; i = previous[i])
        {
            kept.Add(ids[i]);
        }

        return kept;
    }
}
