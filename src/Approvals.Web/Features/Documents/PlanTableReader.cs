using System.Globalization;
using System.Text;
using Approvals.Web.Features.Plans;
using DocumentFormat.OpenXml.Wordprocessing;
using TextInput = Approvals.Web.Features.Plans.TextInput;

namespace Approvals.Web.Features.Documents;

/// <summary>
/// Reads one plan table: a header row naming Nr., Resultatmål and Indikator (and Aktiviteter), then a row per goal.
/// Each paragraph of an indicator cell is an indicator and each paragraph (or bullet) of an activity cell an
/// activity; list numbers, typed or Word's own, stay part of the text. A cell merged down over several goals
/// (w:vMerge) belongs to the first of them, with a warning naming them all; a row whose number and goal text are
/// merged with the row above, or empty, adds its indicators and activities to the goal above.
/// </summary>
internal sealed class PlanTableReader(WordStyles styles, WordNumbering numbering)
{
    private enum Column
    {
        Number,
        Goal,
        Indicators,
        Activities,
    }

    private static readonly string[] ColumnNames = ["Nr.", "Resultatmål", "Indikator", "Aktiviteter"];

    /// <summary>The goals of <paramref name="table"/>, or null when it is not a plan table.</summary>
    public PlanTable? TryRead(Table table, int tableNumber)
    {
        var rows = WordText.Rows(table).ToList();
        var warnings = new List<ImportWarning>();
        Header? header = null;
        var first = 0;
        // The header is the first row, or the second when a caption row comes first.
        for (var i = 0; i < Math.Min(2, rows.Count) && header is null; i++)
        {
            header = TryHeader(rows[i]);
            first = i + 1;
        }

        if (header is null)
        {
            return null;
        }

        if (header.UnnamedActivities)
        {
            warnings.Add(ImportWarning.ColumnUnnamed(tableNumber));
        }

        warnings.AddRange(header.Ignored.Select(h => ImportWarning.ColumnIgnored(tableNumber, h)));

        var goals = new List<GoalInput>();
        var merges = new Dictionary<Column, List<int>>();
        var acrossWarned = false;
        foreach (var row in rows.Skip(first))
        {
            if (TryHeader(row) is not null)
            {
                continue; // a header repeated by hand where the table breaks across pages
            }

            var (cells, across) = Assign(header, row);
            var number = cells[Column.Number];
            var text = cells[Column.Goal];
            var indicators = cells[Column.Indicators];
            var activities = cells.GetValueOrDefault(Column.Activities, Content.Empty);
            var numberText = number.Continues ? "" : string.Join(" ", number.Lines(this, number: true).Select(l => l.Trim()).Where(l => l.Length > 0));
            var goalText = text.Continues ? "" : string.Join("\n", text.Lines(this).Select(l => l.Trim()).Where(l => l.Length > 0));
            var newIndicators = indicators.Continues ? [] : Items(indicators);
            var newActivities = activities.Continues ? [] : Items(activities);

            var marked = cells.Values.Any(c => c.HasMark(this));
            var continuesGoal = goals.Count > 0 && !marked &&
                (text.Continues || (numberText.Length == 0 && goalText.Length == 0 && !number.Continues));
            if (continuesGoal)
            {
                var goal = goals[^1];
                goal.Indicators!.AddRange(newIndicators);
                goal.Activities!.AddRange(newActivities);
                if (!text.Continues && (newIndicators.Count > 0 || newActivities.Count > 0))
                {
                    warnings.Add(ImportWarning.RowContinuesGoal(tableNumber, AsStored(goal.Number)));
                }
            }
            else
            {
                if (numberText.Length == 0 && goalText.Length == 0 && newIndicators.Count == 0 && newActivities.Count == 0 &&
                    !indicators.Continues && !activities.Continues && !marked)
                {
                    continue; // an empty row
                }

                goals.Add(new GoalInput(numberText, goalText, newIndicators, newActivities));
                if (across is var (firstColumn, secondColumn) && !acrossWarned)
                {
                    warnings.Add(ImportWarning.CellAcrossColumns(tableNumber, AsStored(numberText), ColumnNames[(int)firstColumn], ColumnNames[(int)secondColumn]));
                    acrossWarned = true;
                }
            }

            Track(merges, Column.Indicators, indicators, goals.Count - 1, warnings, goals, tableNumber);
            Track(merges, Column.Activities, activities, goals.Count - 1, warnings, goals, tableNumber);
        }

        foreach (var column in merges.Keys.ToList())
        {
            Close(merges, column, warnings, goals, tableNumber);
        }

        return new PlanTable(goals, warnings);
    }

    /// <summary>Keeps track of a merged cell running down a column, and warns when it spanned several goals.</summary>
    private static void Track(Dictionary<Column, List<int>> merges, Column column, Content cell, int goal, List<ImportWarning> warnings, List<GoalInput> goals, int table)
    {
        if (goal < 0)
        {
            return;
        }

        if (cell.Continues)
        {
            if (merges.TryGetValue(column, out var spanned) && spanned[^1] != goal)
            {
                spanned.Add(goal);
            }

            return;
        }

        Close(merges, column, warnings, goals, table);
        if (cell.Restarts)
        {
            merges[column] = [goal];
        }
    }

    private static void Close(Dictionary<Column, List<int>> merges, Column column, List<ImportWarning> warnings, List<GoalInput> goals, int table)
    {
        if (merges.Remove(column, out var spanned) && spanned.Count > 1)
        {
            warnings.Add(ImportWarning.MergedCell(table, ColumnNames[(int)column], column == Column.Indicators,
                spanned.Select(g => AsStored(goals[g].Number)).ToList()));
        }
    }

    /// <summary>A goal number as the plan stores it ("2." is "2"; see <see cref="PlanInput.ToContent"/>), for warnings.</summary>
    private static string AsStored(string? number) => (number ?? "").Trim().TrimEnd('.');

    private List<TextInput> Items(Content cell) =>
        cell.Lines(this).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => new TextInput(l)).ToList();

    /// <summary>The export's marks ("Mangler indikator") are not content.</summary>
    private bool IsMark(Paragraph paragraph) => styles.IsMark(paragraph);

    /// <summary>A paragraph as written, with the number Word puts in front of it.</summary>
    private string Line(Paragraph paragraph)
    {
        var text = WordText.Of(paragraph);
        return text.Trim().Length == 0 ? "" : numbering.LabelOf(paragraph) + text;
    }

    /// <summary>For the Nr. column: a number made by Word's list numbering is the whole content.</summary>
    private string NumberLine(Paragraph paragraph) => numbering.LabelOf(paragraph) + WordText.Of(paragraph);

    private Header? TryHeader(TableRow row)
    {
        var cells = GridCells(row);
        var found = new List<(Column Column, GridCell Cell)>();
        var unnamed = new List<GridCell>();
        var ignored = new List<string>();
        foreach (var cell in cells)
        {
            // "N" and "r." in two paragraphs still say "Nr.".
            var heading = string.Concat(WordText.ParagraphsOf(cell.Cell).Select(WordText.Of)).Trim();
            if (Recognise(heading) is { } column && found.All(f => f.Column != column))
            {
                found.Add((column, cell));
            }
            else if (Normalise(heading).Length == 0)
            {
                unnamed.Add(cell);
            }
            else
            {
                ignored.Add(string.Join(" ", heading.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        if (!new[] { Column.Number, Column.Goal, Column.Indicators }.All(c => found.Any(f => f.Column == c)))
        {
            return null;
        }

        var unnamedActivities = false;
        if (found.All(f => f.Column != Column.Activities))
        {
            var indicators = found.First(f => f.Column == Column.Indicators).Cell;
            if (unnamed.FirstOrDefault(u => u.Start == indicators.End) is { } next)
            {
                found.Add((Column.Activities, next));
                unnamedActivities = true;
            }
        }

        return new Header(found.ToDictionary(f => f.Column, f => (f.Cell.Start, f.Cell.End)), unnamedActivities, ignored);
    }

    /// <summary>The cells of a row by column; a cell spanning two columns counts for the first.</summary>
    private static (Dictionary<Column, Content> Cells, (Column, Column)? Across) Assign(Header header, TableRow row)
    {
        var owned = header.Columns.Keys.ToDictionary(c => c, _ => new List<GridCell>());
        (Column, Column)? across = null;
        foreach (var cell in GridCells(row))
        {
            var covered = header.Columns
                .Where(c => cell.Start < c.Value.End && cell.End > c.Value.Start)
                .OrderBy(c => c.Value.Start)
                .Select(c => c.Key)
                .ToList();
            if (covered.Count == 0)
            {
                continue;
            }

            owned[covered[0]].Add(cell);
            if (covered.Count > 1 && WordText.ParagraphsOf(cell.Cell).Any(p => WordText.Of(p).Trim().Length > 0))
            {
                across ??= (covered[0], covered[1]);
            }
        }

        return (owned.ToDictionary(o => o.Key, o => new Content(o.Value)), across);
    }

    private static List<GridCell> GridCells(TableRow row)
    {
        var cells = new List<GridCell>();
        var column = row.TableRowProperties?.GetFirstChild<GridBefore>()?.Val?.Value ?? 0;
        foreach (var cell in WordText.Cells(row))
        {
            var span = Math.Max(1, cell.TableCellProperties?.GridSpan?.Val?.Value ?? 1);
            var merge = cell.TableCellProperties?.VerticalMerge;
            var restarts = merge?.Val?.Value == MergedCellValues.Restart;
            cells.Add(new GridCell(cell, column, column + span, merge is not null && !restarts, restarts));
            column += span;
        }

        return cells;
    }

    private static Column? Recognise(string heading)
    {
        var word = Normalise(heading);
        if (word.Length == 0)
        {
            return null;
        }

        if (word is "nr" or "no" or "nummer" or "number" or "num")
        {
            return Column.Number;
        }

        if (word.StartsWith("resultatm", StringComparison.Ordinal) || Near(word, "resultatmaal") || Near(word, "resultatmal"))
        {
            return Column.Goal;
        }

        if (word.StartsWith("indikator", StringComparison.Ordinal) || word.StartsWith("indicator", StringComparison.Ordinal) ||
            Near(word, "indikator") || Near(word, "indikatorer"))
        {
            return Column.Indicators;
        }

        if (word.StartsWith("aktivitet", StringComparison.Ordinal) || word.StartsWith("activit", StringComparison.Ordinal) ||
            Near(word, "aktivitet") || Near(word, "aktiviteter"))
        {
            return Column.Activities;
        }

        return null;
    }

    /// <summary>Lower case ASCII letters only: "Resultat-mål " is "resultatmaal", "N r." is "nr".</summary>
    private static string Normalise(string heading)
    {
        var word = new StringBuilder();
        foreach (var c in heading.ToLower(CultureInfo.GetCultureInfo("da-DK")))
        {
            switch (c)
            {
                case 'æ':
                    word.Append("ae");
                    break;
                case 'ø':
                    word.Append("oe");
                    break;
                case 'å':
                    word.Append("aa");
                    break;
                case >= 'a' and <= 'z':
                    word.Append(c);
                    break;
            }
        }

        return word.ToString();
    }

    /// <summary>At most two edits (insert, delete, replace) apart: a misspelt heading is still the heading.</summary>
    private static bool Near(string word, string target)
    {
        if (Math.Abs(word.Length - target.Length) > 2)
        {
            return false;
        }

        var previous = new int[target.Length + 1];
        var current = new int[target.Length + 1];
        for (var j = 0; j <= target.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= word.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= target.Length; j++)
            {
                var cost = word[i - 1] == target[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[target.Length] <= 2;
    }

    private sealed record Header(Dictionary<Column, (int Start, int End)> Columns, bool UnnamedActivities, IReadOnlyList<string> Ignored);

    private sealed record GridCell(TableCell Cell, int Start, int End, bool Continues, bool Restarts);

    /// <summary>What a row holds in one column: its cells, or the continuation of a cell merged from above.</summary>
    private sealed record Content(IReadOnlyList<GridCell> Cells)
    {
        public static readonly Content Empty = new([]);

        public bool Continues => Cells.Count > 0 && Cells.All(c => c.Continues);

        public bool Restarts => Cells.Any(c => c.Restarts);

        public bool HasMark(PlanTableReader reader) =>
            Cells.Where(c => !c.Continues).SelectMany(c => WordText.ParagraphsOf(c.Cell)).Any(reader.IsMark);

        public IEnumerable<string> Lines(PlanTableReader reader, bool number = false) => Cells
            .Where(c => !c.Continues)
            .SelectMany(c => WordText.ParagraphsOf(c.Cell))
            .Where(p => !reader.IsMark(p))
            .Select(p => number ? reader.NumberLine(p) : reader.Line(p));
    }
}

/// <summary>The goals read from one plan table, and what the reader warns about.</summary>
internal sealed record PlanTable(IReadOnlyList<GoalInput> Goals, IReadOnlyList<ImportWarning> Warnings);
