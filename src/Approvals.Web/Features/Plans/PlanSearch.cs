using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Plans;

/// <summary>
/// A search in plan titles and goal texts, case-insensitive also for æ, ø and å, done by the database: goal texts live
/// in the stored content document (PlanContents."Content", JSON text), which the database scans and answers with ids,
/// so no plan's content is loaded into memory. The text is taken literally (no wildcards).
/// <para>
/// SQLite's <c>lower()</c> and <c>LIKE</c> fold only ASCII letters, so "økonomi" would not find "Økonomi" there: on
/// SQLite the search is a GLOB with a class for each letter (<c>[Øø]</c>). PostgreSQL's <c>lower()</c> folds every
/// letter. In the content the text is looked for as it is stored, escaped the way the document is (<c>&amp;</c> as
/// <c>\u0026</c>).
/// </para>
/// </summary>
public static class PlanSearch
{
    public const int MaxLength = 200;

    // The escaping of the stored content document (ApprovalsDbContext): letters as they are, HTML characters escaped.
    private static readonly JavaScriptEncoder DocumentEncoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>The plans whose title or some text of whose content holds <paramref name="search"/>.</summary>
    public static IQueryable<Plan> Matching(this IQueryable<Plan> plans, ApprovalsDbContext db, string search)
    {
        var text = search.Trim();
        var inDocument = JsonEncodedText.Encode(text, DocumentEncoder).Value;
        if (db.OnSqlite)
        {
            var title = "*" + CaseInsensitiveGlob(text) + "*";
            var content = "*" + CaseInsensitiveGlob(inDocument) + "*";
            var inContent = db.Database.SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM "PlanContents" WHERE "Content" GLOB {content}""");
            return plans.Where(p => EF.Functions.Glob(p.Title, title) || inContent.Contains(p.Id));
        }

        var titlePattern = "%" + EscapeLike(text.ToLowerInvariant()) + "%";
        var contentPattern = "%" + EscapeLike(inDocument.ToLowerInvariant()) + "%";
        var matches = db.Database.SqlQuery<Guid>(
            $"""SELECT "Id" AS "Value" FROM "PlanContents" WHERE lower("Content") LIKE {contentPattern} ESCAPE '\'""");
        return plans.Where(p => EF.Functions.Like(p.Title.ToLower(), titlePattern, "\\") || matches.Contains(p.Id));
    }

    /// <summary>A GLOB pattern matching <paramref name="text"/> whatever the case of its letters, wildcards taken literally.</summary>
    internal static string CaseInsensitiveGlob(string text)
    {
        var pattern = new StringBuilder(text.Length * 4);
        foreach (var c in text)
        {
            var (lower, upper) = (char.ToLowerInvariant(c), char.ToUpperInvariant(c));
            if (lower != upper)
            {
                pattern.Append('[').Append(upper).Append(lower).Append(']');
            }
            else if (c is '*' or '?' or '[')
            {
                pattern.Append('[').Append(c).Append(']');
            }
            else
            {
                pattern.Append(c);
            }
        }

        return pattern.ToString();
    }

    /// <summary>The text with LIKE's wildcards and its escape character taken literally.</summary>
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
