using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Approvals.Core.Plans;

/// <summary>Which list of a plan's content an id belongs to.</summary>
public enum ContentItemKind
{
    Objective,
    Goal,
    Indicator,
    Activity,
}

/// <summary>
/// An id in a content document that cannot be accepted, with where it stands as a path in the document's own
/// shape, 0-based: <c>objectives[0].goals[1].indicators[2].id</c>.
/// </summary>
public sealed record ContentIdProblem(ContentItemKind Kind, string Id, int Objective, int? Goal = null, int? Item = null)
{
    public string Path => Kind switch
    {
        ContentItemKind.Objective => $"objectives[{Objective}].id",
        ContentItemKind.Goal => $"objectives[{Objective}].goals[{Goal}].id",
        ContentItemKind.Indicator => $"objectives[{Objective}].goals[{Goal}].indicators[{Item}].id",
        _ => $"objectives[{Objective}].goals[{Goal}].activities[{Item}].id",
    };

    public string KindName => Kind.ToString().ToLowerInvariant();
}

/// <summary>
/// The ids of a plan's objectives, goals, indicators and activities: what they look like, how missing ones are
/// given, and which ids a new version of the content may carry.
/// <list type="bullet">
/// <item>New items get a random id of <see cref="GeneratedLength"/> characters (<see cref="WithNewIds"/>): never an
/// id derived from position, which could give a new goal the id of a removed one and hand it that goal's comments.</item>
/// <item>Documents stored before items had ids get ids derived from position when they are read
/// (<see cref="WithPositionalIds"/>): <c>o1</c>, <c>o1-g2</c>, <c>o1-g2-i1</c>, <c>o1-g2-a3</c>. The same document
/// always gets the same ids, so a frozen revision and the unchanged draft opened from it agree; the next save keeps them.</item>
/// </list>
/// </summary>
public static partial class ContentIds
{
    public const int MaxLength = 32;

    public const int GeneratedLength = 8;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>1 to 32 characters: lower-case letters, digits and dashes, starting with a letter or digit.</summary>
    public static bool IsWellFormed(string? id) => id is not null && WellFormed().IsMatch(id);

    public static bool IsMissing(string? id) => string.IsNullOrEmpty(id);

    /// <summary>Gives every item without an id a new random one. Returns the same instance when none is missing.</summary>
    public static PlanContent WithNewIds(PlanContent content) =>
        Fill(content, (_, used) =>
        {
            string id;
            do
            {
                id = RandomNumberGenerator.GetString(Alphabet, GeneratedLength);
            }
            while (!used.Add(id));

            return id;
        });

    /// <summary>
    /// Gives every item without an id one derived from its position (a document stored before ids existed).
    /// Deterministic; should an item elsewhere already hold the positional id, a suffix (<c>-2</c>, <c>-3</c>, …) is
    /// added. Returns the same instance when none is missing.
    /// </summary>
    public static PlanContent WithPositionalIds(PlanContent content) =>
        Fill(content, (positional, used) =>
        {
            var id = positional;
            for (var n = 2; !used.Add(id); n++)
            {
                id = $"{positional}-{n.ToString(CultureInfo.InvariantCulture)}";
            }

            return id;
        });

    /// <summary>Ids that occur more than once in the document (each repeat after the first), in document order.</summary>
    public static IReadOnlyList<ContentIdProblem> Duplicates(PlanContent content)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Items(content).Where(i => !IsMissing(i.Id) && !seen.Add(i.Id)).ToList();
    }

    /// <summary>
    /// The ids in <paramref name="proposed"/> that <paramref name="current"/> has no item of the same kind with: a new
    /// version of a plan may keep, move and drop its items, and add items without an id, but not invent ids.
    /// </summary>
    public static IReadOnlyList<ContentIdProblem> Unknown(PlanContent current, PlanContent proposed)
    {
        var known = Items(current).Where(i => !IsMissing(i.Id)).Select(i => (i.Kind, i.Id)).ToHashSet();
        return Items(proposed).Where(i => !IsMissing(i.Id) && !known.Contains((i.Kind, i.Id))).ToList();
    }

    /// <summary>Every item of the document with its kind and place, in document order.</summary>
    public static IEnumerable<ContentIdProblem> Items(PlanContent content)
    {
        for (var o = 0; o < content.Objectives.Count; o++)
        {
            var objective = content.Objectives[o];
            yield return new(ContentItemKind.Objective, objective.Id, o);
            for (var g = 0; g < objective.Goals.Count; g++)
            {
                var goal = objective.Goals[g];
                yield return new(ContentItemKind.Goal, goal.Id, o, g);
                for (var i = 0; i < goal.Indicators.Count; i++)
                {
                    yield return new(ContentItemKind.Indicator, goal.Indicators[i].Id, o, g, i);
                }

                for (var a = 0; a < goal.Activities.Count; a++)
                {
                    yield return new(ContentItemKind.Activity, goal.Activities[a].Id, o, g, a);
                }
            }
        }
    }

    private static PlanContent Fill(PlanContent content, Func<string, HashSet<string>, string> idFor)
    {
        // Read on every load of a plan: the common case, nothing missing, allocates nothing new.
        if (!Items(content).Any(i => IsMissing(i.Id)))
        {
            return content;
        }

        var used = Items(content).Where(i => !IsMissing(i.Id)).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        string Keep(string id, string positional) => IsMissing(id) ? idFor(positional, used) : id;
        static string N(int position) => (position + 1).ToString(CultureInfo.InvariantCulture);

        return new PlanContent(content.Objectives.Select((objective, o) =>
        {
            var oid = $"o{N(o)}";
            return objective with
            {
                Id = Keep(objective.Id, oid),
                Goals = objective.Goals.Select((goal, g) =>
                {
                    var gid = $"{oid}-g{N(g)}";
                    return goal with
                    {
                        Id = Keep(goal.Id, gid),
                        Indicators = goal.Indicators.Select((indicator, i) => indicator with { Id = Keep(indicator.Id, $"{gid}-i{N(i)}") }).ToList(),
                        Activities = goal.Activities.Select((activity, a) => activity with { Id = Keep(activity.Id, $"{gid}-a{N(a)}") }).ToList(),
                    };
                }).ToList(),
            };
        }).ToList());
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex WellFormed();
}
