namespace Approvals.Web.Persistence;

/// <summary>
/// Reads the dates EF Core stores on SQLite, text as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, without the general parser
/// Microsoft.Data.Sqlite's <c>GetDateTime</c> uses (<see cref="DateTime.Parse(string, IFormatProvider)"/>): that parser,
/// which tries every format and culture rule, was about half a percent of the app's CPU per transition, with five dates
/// in every plan row read. Only that exact shape is read here (a <c>T</c> between date and time is accepted too); any other
/// text answers false and is left to the general parser, so what is read and what is refused are unchanged.
/// </summary>
public static class StoredDates
{
    /// <summary>
    /// Reads <paramref name="text"/> as <see cref="DateTime.Parse(string, IFormatProvider)"/> with the invariant culture
    /// reads it (kind unspecified); false when it is not exactly a stored date, and then <paramref name="date"/> is default.
    /// </summary>
    public static bool TryParse(string text, out DateTime date)
    {
        date = default;
        var length = text.Length;
        if (length is not (19 or (>= 21 and <= 27))
            || text[4] != '-' || text[7] != '-' || text[10] is not (' ' or 'T') || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long fraction = 0;
        if (length > 19)
        {
            var digits = length - 20;
            if (text[19] != '.' || !TryDigits(text, 20, digits, out var value))
            {
                return false;
            }

            fraction = value;
            for (var i = digits; i < 7; i++)
            {
                fraction *= 10;
            }
        }

        date = new DateTime(year, month, day, hour, minute, second).AddTicks(fraction);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = value * 10 + digit;
        }

        return true;
    }
}
