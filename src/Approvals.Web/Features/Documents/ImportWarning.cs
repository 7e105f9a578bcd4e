namespace Approvals.Web.Features.Documents;

/// <summary>
/// Something the import read in a way the secretary should check, in Danish and English like a flag's message.
/// <see cref="Table"/> is the table's number in the document (1-based, in reading order); <see cref="Goals"/> the
/// numbers of the goals concerned, as written.
/// </summary>
public sealed record ImportWarning(string Code, int Table, IReadOnlyList<string> Goals, string MessageDa, string MessageEn)
{
    public string Message(bool english) => english ? MessageEn : MessageDa;

    /// <summary>A merged cell spans several goals; what it holds is attached to the first of them.</summary>
    public static ImportWarning MergedCell(int table, string column, bool indicators, IReadOnlyList<string> goals) => new(
        ImportWarningCodes.MergedCell, table, goals,
        $"Tabel {table}: cellen i kolonnen {column} er flettet hen over resultatmål {List(goals, "og")}. " +
        $"Dens {(indicators ? "indikatorer" : "aktiviteter")} er knyttet til resultatmål {Name(goals[0], true)}; de øvrige får ingen fra cellen. Fordel dem, hvis de hører til flere mål.",
        $"Table {table}: the {column} cell is merged across goals {List(goals, "and")}. " +
        $"Its {(indicators ? "indicators are" : "activities are")} attached to goal {Name(goals[0], false)}; the others get none from it. Share them out if they belong to several goals.");

    /// <summary>A row with neither number nor goal text: its indicators and activities are read as more of the goal above.</summary>
    public static ImportWarning RowContinuesGoal(int table, string goal) => new(
        ImportWarningCodes.RowContinuesGoal, table, [goal],
        $"Tabel {table}: en række uden nummer og resultatmål er læst som en fortsættelse af resultatmål {Name(goal, true)}; dens indikatorer og aktiviteter er lagt til det mål.",
        $"Table {table}: a row without number and goal text was read as part of goal {Name(goal, false)}; its indicators and activities were added to that goal.");

    public static ImportWarning ColumnUnnamed(int table) => new(
        ImportWarningCodes.ColumnUnnamed, table, [],
        $"Tabel {table}: kolonnen efter Indikator har ingen overskrift; den er læst som Aktiviteter.",
        $"Table {table}: the column after Indikator has no heading; it was read as Aktiviteter.");

    public static ImportWarning ColumnIgnored(int table, string heading) => new(
        ImportWarningCodes.ColumnIgnored, table, [],
        $"Tabel {table}: kolonnen »{heading}« er ikke læst; kun Nr., Resultatmål, Indikator og Aktiviteter læses.",
        $"Table {table}: the column \"{heading}\" was not read; only Nr., Resultatmål, Indikator and Aktiviteter are.");

    public static ImportWarning CellAcrossColumns(int table, string goal, string first, string second) => new(
        ImportWarningCodes.CellAcrossColumns, table, [goal],
        $"Tabel {table}: ved resultatmål {Name(goal, true)} går en celle hen over kolonnerne {first} og {second}; teksten er læst som {first}.",
        $"Table {table}: at goal {Name(goal, false)} a cell spans the columns {first} and {second}; its text was read as {first}.");

    public static ImportWarning TableSkipped(int table) => new(
        ImportWarningCodes.TableSkipped, table, [],
        $"Tabel {table} er ikke læst: dens første række nævner ikke kolonnerne Nr., Resultatmål og Indikator.",
        $"Table {table} was not read: its first row does not name the columns Nr., Resultatmål and Indikator.");

    private static string Name(string goal, bool danish) => goal.Length > 0 ? goal : danish ? "(uden nummer)" : "(no number)";

    private static string List(IReadOnlyList<string> goals, string and)
    {
        var names = goals.Select(g => Name(g, and == "og")).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} {and} {names[^1]}";
    }
}

public static class ImportWarningCodes
{
    public const string MergedCell = "merged-cell";
    public const string RowContinuesGoal = "row-continues-goal";
    public const string ColumnUnnamed = "column-unnamed";
    public const string ColumnIgnored = "column-ignored";
    public const string CellAcrossColumns = "cell-across-columns";
    public const string TableSkipped = "table-skipped";
}
