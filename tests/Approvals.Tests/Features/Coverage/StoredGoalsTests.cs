using System.Text.Encodings.Web;
using System.Text.Json;
using Approvals.Core.Flags;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Coverage;

namespace Approvals.Tests.Features.Coverage;

// The coverage report copies each stored goal as it is: where a goal begins and ends must be found exactly, whatever
// its texts hold, and text of another shape must go to the validating reader.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class StoredGoalsTests
{
    private static readonly FlaggedGoal[] Goals =
    [
        new(1, "Klima {og} [miljø]", 2, "1.2", "Mål med \"citat\", skråstreg \\ og } i teksten", "indicator-missing", ""),
        new(1, "", 3, "1.3", "{\"ikke\": [\"et objekt\"]}", "indicator-placeholder", "??????"),
        new(2, "Æblerne i Århus \u2013 øst", 1, "2.1", "Slut på \\", "indicator-placeholder", "Ingen | -"),
    ];

    public static TheoryData<string> Encoders => ["default", "relaxed"];

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Every_goal_is_found_where_the_reader_finds_it_whatever_its_texts_hold(string encoder)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        if (encoder == "relaxed")
        {
            options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(Goals, options);
        var found = new List<(int Start, int End)>();
        var byReader = new List<(int Start, int End)>();

        Assert.True(StoredGoals.TryFind(json, found));
        StoredGoals.FindWithReader(json, byReader);

        Assert.Equal(byReader, found);
        Assert.Equal(Goals, found.Select(g => JsonSerializer.Deserialize<FlaggedGoal>(json.AsSpan(g.Start, g.End - g.Start + 1), options)));
    }

    [Fact]
    public void An_escape_anywhere_in_a_short_or_long_string_ends_it_where_the_reader_does()
    {
        // The first bytes of a string are looked at one by one and the rest searched: an escaped quote or backslash
        // must be read alike on either side of that line and on it.
        foreach (var escape in new[] { "\\\"", "\\\\", "\\u00e6", "\\\\\\\"" })
        {
            for (var before = 0; before < 40; before++)
            {
                var text = new string('a', before) + escape + "}{";
                var json = System.Text.Encoding.UTF8.GetBytes($"[{{\"t\":\"{text}\",\"n\":1}},{{\"{text}\":\"{text}\"}}]");
                var found = new List<(int Start, int End)>();
                var byReader = new List<(int Start, int End)>();

                Assert.True(StoredGoals.TryFind(json, found), text);
                StoredGoals.FindWithReader(json, byReader);

                Assert.Equal(byReader, found);
            }
        }
    }

    [Theory]
    [InlineData("[]", 0)]
    [InlineData(" [ ] ", 0)]
    [InlineData("[{}]", 1)]
    [InlineData("[ {\"a\":1} ,\n {\"b\":\"}\"} ]", 2)]
    public void Empty_arrays_objects_and_white_space_are_read_as_the_reader_reads_them(string json, int count)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var found = new List<(int Start, int End)>();
        var byReader = new List<(int Start, int End)>();

        Assert.True(StoredGoals.TryFind(bytes, found));
        StoredGoals.FindWithReader(bytes, byReader);

        Assert.Equal(count, found.Count);
        Assert.Equal(byReader, found);
    }

    [Theory]
    [InlineData("""[{"a":{"b":1}}]""")] // a nested object
    [InlineData("""[{"a":[1,2]}]""")] // a nested array
    [InlineData("""[{"a":"no end}]""")] // an unfinished string
    [InlineData("""[{"a":1}""")] // an unfinished array
    [InlineData("""[{"a":1}] x""")] // text after the array
    [InlineData("""[{"a":1} {"b":2}]""")] // no comma
    [InlineData("""{"a":1}""")] // not an array
    [InlineData("")]
    public void Text_of_another_shape_is_left_to_the_reader(string json)
    {
        Assert.False(StoredGoals.TryFind(System.Text.Encoding.UTF8.GetBytes(json), []));
    }

    [Fact]
    public void The_reader_refuses_what_is_not_json()
    {
        Assert.ThrowsAny<JsonException>(() => StoredGoals.FindWithReader("""[{"a":"no end}]"""u8, []));
    }
}
