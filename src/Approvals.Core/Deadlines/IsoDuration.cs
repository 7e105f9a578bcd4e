using System.Globalization;
using System.Text.RegularExpressions;

namespace Approvals.Core.Deadlines;

/// <summary>
/// ISO 8601 durations as a workflow definition writes them: <c>P10D</c>, <c>P2W</c>, <c>PT30S</c>, <c>P1DT12H</c>.
/// Years and months are refused: their length depends on the date, and a due time must be exact.
/// </summary>
public static partial class IsoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = Pattern().Match(text.Trim());
        if (!match.Success || match.Groups.Cast<Group>().Skip(1).All(g => !g.Success) || text.Trim().EndsWith('T'))
        {
            return false;
        }

        try
        {
            duration = TimeSpan.FromDays(7 * Number(match, "w"))
                + TimeSpan.FromDays(Number(match, "d"))
                + TimeSpan.FromHours(Number(match, "h"))
                + TimeSpan.FromMinutes(Number(match, "m"))
                + TimeSpan.FromSeconds(Number(match, "s"));
        }
        catch (OverflowException)
        {
            return false;
        }

        return true;
    }

    /// <summary>The duration as ISO 8601, the way the definition's author would write it (<c>P3D</c>, <c>PT2S</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "PT0S";
        }

        var text = "P";
        if (duration.Days > 0)
        {
            text += $"{duration.Days}D";
        }

        if (duration.Hours > 0 || duration.Minutes > 0 || duration.Seconds > 0)
        {
            text += "T";
            text += duration.Hours > 0 ? $"{duration.Hours}H" : "";
            text += duration.Minutes > 0 ? $"{duration.Minutes}M" : "";
            text += duration.Seconds > 0 ? $"{duration.Seconds}S" : "";
        }

        return text;
    }

    private static long Number(Match match, string group) =>
        match.Groups[group].Success ? long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"^P(?:(?<w>\d{1,5})W)?(?:(?<d>\d{1,5})D)?(?:T(?:(?<h>\d{1,6})H)?(?:(?<m>\d{1,7})M)?(?:(?<s>\d{1,9})S)?)?$")]
    private static partial Regex Pattern();
}
