using System.Text.Json;
using Approvals.Core.Flags;
using Approvals.Core.Plans;

namespace Approvals.Persistence;

/// <summary>
/// How the JSON columns are written and read: the mapping in <see cref="ApprovalsDbContext"/> converts with these,
/// and so does a read written by hand, so both make the same values of the same text.
/// </summary>
public static class StoredColumns
{
    /// <summary>
    /// Letters are stored as they are: escaped, each æ, ø and å took six bytes instead of two. Characters that matter
    /// in HTML (&lt;, &gt;, &amp;, quotes) are still escaped, as the coverage report copies stored JSON into answers.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>A JSON array of user ids (the four-eyes columns). A column added to existing rows starts empty rather than as "[]".</summary>
    public static IReadOnlyList<string> UserIds(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json, Json) ?? [];

    /// <summary>
    /// A stored content document (a plan's, a revision's). One stored before items had ids gets them from their positions
    /// as it is read, the same ids on every read, so a frozen revision and the unchanged draft opened from it agree; the
    /// next save of the plan keeps them.
    /// </summary>
    public static PlanContent Content(string json) => ContentIds.WithPositionalIds(JsonSerializer.Deserialize<PlanContent>(json, Json)!);

    /// <summary>The plan's stored flagged goals.</summary>
    public static List<FlaggedGoal> FlaggedGoals(string json) => JsonSerializer.Deserialize<List<FlaggedGoal>>(json, Json)!;
}
