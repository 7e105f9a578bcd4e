using Approvals.Core.Plans;

namespace Approvals.Persistence;

/// <summary>
/// The coverage report's order: council committee order (<see cref="Committee.All"/>), then title, then id, and the
/// index that holds the plans in that order, so the whole report reads its rows in order instead of sorting them with
/// their stored flagged goals (16 MB at 10,000 plans; the sort was most of the report's database time).
/// </summary>
public static class CoverageOrder
{
    public const string IndexName = "IX_Plans_CoverageOrder";

    /// <summary>A plan's committee's place in council order, as SQL over the <c>Plans</c> row; built from constants, never from input.</summary>
    public static string CommitteeOrderSql { get; } =
        "CASE \"CommitteeCode\" " +
        string.Concat(Committee.All.Select((c, i) => $"WHEN '{c.Code}' THEN {i} ")) +
        $"ELSE {Committee.All.Count} END";

    /// <summary>The report's order as SQL over the <c>Plans</c> row, exactly as the index holds it on SQLite, which uses an index on an expression only for that same expression.</summary>
    public static string OrderBySql { get; } = $"{CommitteeOrderSql}, \"Title\", \"Id\"";

    /// <summary>
    /// The index as the current committees need it. The migration CoverageOrderIndex created it with the committees of
    /// its day; a test compares the migrated index with this one, so a change of committees comes with a migration.
    /// A database created from the model (the tests') gets it from <see cref="EnsureIndexSql"/>.
    /// </summary>
    public static string CreateIndexSql(bool sqlite) =>
        $"CREATE INDEX \"{IndexName}\" ON \"Plans\" ({(sqlite ? OrderBySql : $"({CommitteeOrderSql}), \"Title\", \"Id\"")})";

    /// <summary>The index, unless it is there already: for a schema created from the model, which cannot describe an index on an expression.</summary>
    public static string EnsureIndexSql(bool sqlite) => CreateIndexSql(sqlite).Replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS");
}
