using System.Runtime.CompilerServices;
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
    public static PlanContent Content(string json)
    {
        var read = JsonSerializer.Deserialize<PlanContent>(json, Json)!;
        var content = ContentIds.WithPositionalIds(read);
        if (ReferenceEquals(content, read))
        {
            // Stored as it reads: a write of this very document (a submit freezing it as a revision) can copy the text.
            StoredTexts.AddOrUpdate(content, json);
        }

        return content;
    }

    /// <summary>
    /// The text to store for <paramref name="content"/>: the text it was read from, when it is a document read by
    /// <see cref="Content"/> that needed no ids, and otherwise its serialisation. Documents are immutable values,
    /// replaced whole and never changed in place (the mapping's comparer relies on this too), so the text read is still
    /// the document's; copying it spares a submit serialising the plan it freezes.
    /// </summary>
    public static string ContentText(PlanContent content) =>
        StoredTexts.TryGetValue(content, out var json) ? json : JsonSerializer.Serialize(content, Json);

    // Each document read, with the text it was read from, for as long as the document lives.
    private static readonly ConditionalWeakTable<PlanContent, string> StoredTexts = [];

    /// <summary>The plan's stored flagged goals.</summary>
    public static List<FlaggedGoal> FlaggedGoals(string json) => JsonSerializer.Deserialize<List<FlaggedGoal>>(json, Json)!;
}
