using System.Globalization;
using Approvals.Web.Persistence;
using Microsoft.Data.Sqlite;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The short reader of the dates EF Core stores on SQLite (<see cref="StoredDates"/>) reads them exactly as the general
/// parser did, and leaves every other text to it: what <see cref="DataReaderExtensions.GetUtcDateTime"/> answers, and
/// what it refuses, is unchanged.
/// </summary>
public sealed class StoredDatesTests
{
    // EF Core's SQLite format for DateTime (SqliteDateTimeTypeMapping).
    private const string StoredFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    public static TheoryData<string> StoredTexts => new()
    {
        "2026-12-03 13:34:35.2528828",
        "2026-12-03 13:34:35",
        "2026-12-03 13:34:35.5",
        "2026-12-03 13:34:35.25",
        "2026-12-03 13:34:35.000001",
        "2026-12-03T13:34:35.2528828",
        "0001-01-01 00:00:00",
        "9999-12-31 23:59:59.9999999",
        "2024-02-29 12:00:00",
        "2026-01-31 23:59:59.1",
    };

    [Theory]
    [MemberData(nameof(StoredTexts))]
    public void A_stored_date_is_read_as_the_general_parser_reads_it(string text)
    {
        Assert.True(StoredDates.TryParse(text, out var date));

        var general = DateTime.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(general.Ticks, date.Ticks);
        Assert.Equal(general.Kind, date.Kind);
    }

    [Fact]
    public void Every_date_written_as_EF_Core_writes_it_is_read_back_to_the_tick()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 20_000; i++)
        {
            var written = new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks + 1), DateTimeKind.Utc);
            var text = written.ToString(StoredFormat, CultureInfo.InvariantCulture);

            Assert.True(StoredDates.TryParse(text, out var read), text);
            Assert.Equal(written.Ticks, read.Ticks);
            Assert.Equal(DateTime.Parse(text, CultureInfo.InvariantCulture), read);
        }
    }

    public static TheoryData<string> OtherTexts => new()
    {
        "",
        "2026-12-03",
        "2026-12-03 13:34",
        "2026-12-03 13:34:35.",
        "2026-12-03 13:34:35Z",
        "2026-12-03 13:34:35.2528828Z",
        "2026-12-03T13:34:35+01:00",
        "2026-12-03 13:34:35.25288281",
        " 2026-12-03 13:34:35",
        "2026-12-03 13:34:35 ",
        "2026-1-03 13:34:35.252",
        "2026/12/03 13:34:35",
        "2026-12-03_13:34:35",
        "2026-02-30 12:00:00",
        "2025-02-29 12:00:00",
        "2026-13-01 12:00:00",
        "2026-00-10 12:00:00",
        "2026-12-00 12:00:00",
        "0000-01-01 00:00:00",
        "2026-12-03 24:00:00",
        "2026-12-03 23:60:00",
        "2026-12-03 23:59:60",
        "2026-12-03 13:34:3x",
        "2026-12-03 13:34:35,25",
        "２０２６-12-03 13:34:35",
        "2460000.5",
        "1764768875",
    };

    [Theory]
    [MemberData(nameof(OtherTexts))]
    public void Any_other_text_is_left_to_the_general_parser(string text)
    {
        Assert.False(StoredDates.TryParse(text, out var date));
        Assert.Equal(default, date);
    }

    [Fact]
    public void Reading_through_SQLite_answers_what_the_provider_answered_and_refuses_what_it_refused()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT '2026-12-03 13:34:35.2528828', '2026-12-03T08:00:00', '2026-12-03 13:34:35Z', '2026-12-03 13:34:35+02:00',
                   2460000.5, 2460001, '2026-02-30 12:00:00', 'i går'
            """;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());

        for (var ordinal = 0; ordinal < 6; ordinal++)
        {
            var before = DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
            var now = reader.GetUtcDateTime(ordinal);
            Assert.Equal(before.Ticks, now.Ticks);
            Assert.Equal(DateTimeKind.Utc, now.Kind);
        }

        Assert.Equal(new DateTime(2026, 12, 3, 13, 34, 35, DateTimeKind.Utc).AddTicks(2528828), reader.GetUtcDateTime(0));
        Assert.Throws<FormatException>(() => reader.GetUtcDateTime(6));
        Assert.Throws<FormatException>(() => reader.GetUtcDateTime(7));
    }
}
