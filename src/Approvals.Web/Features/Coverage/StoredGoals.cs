using System.Buffers;
using System.Text.Json;

namespace Approvals.Web.Features.Coverage;

/// <summary>
/// Finds the goal objects in a plan's stored <c>FlaggedGoals</c> array, where each begins and ends, so the report can
/// copy them as they are. The array is the app's own serialisation of <see cref="Approvals.Core.Flags.FlaggedGoal"/>:
/// flat objects of strings and numbers. <see cref="TryFind"/> walks that shape only, looking at quotes, backslashes and
/// braces (longer strings by a vectorised search); a <see cref="Utf8JsonReader"/>, which validates every token, took about half of the
/// report's CPU at 10,000 plans. Anything else (a nested value, stray text, an unfinished string) makes it give up,
/// and <see cref="FindWithReader"/>, the reader, decides, failing on JSON that is not valid as before.
/// </summary>
internal static class StoredGoals
{
    // Bytes of a string looked at one by one before it is searched vectorised.
    private const int ShortString = 16;

    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);

    /// <summary>Adds the first and last index (its braces) of every goal object; false when the text is not of the stored shape.</summary>
    public static bool TryFind(ReadOnlySpan<byte> json, List<(int Start, int End)> goals)
    {
        var i = SkipSpace(json, 0);
        if (i >= json.Length || json[i] != (byte)'[')
        {
            return false;
        }

        i = SkipSpace(json, i + 1);
        if (i < json.Length && json[i] == (byte)']')
        {
            return SkipSpace(json, i + 1) == json.Length;
        }

        while (i < json.Length && json[i] == (byte)'{')
        {
            var end = EndOfFlatObject(json, i);
            if (end < 0)
            {
                return false;
            }

            goals.Add((i, end));
            i = SkipSpace(json, end + 1);
            if (i >= json.Length)
            {
                return false;
            }

            if (json[i] == (byte)']')
            {
                return SkipSpace(json, i + 1) == json.Length;
            }

            if (json[i] != (byte)',')
            {
                return false;
            }

            i = SkipSpace(json, i + 1);
        }

        return false;
    }

    /// <summary>The same, by a validating reader: throws <see cref="JsonException"/> on JSON that is not valid.</summary>
    public static void FindWithReader(ReadOnlySpan<byte> json, List<(int Start, int End)> goals)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            goals.Add((start, (int)reader.TokenStartIndex));
        }
    }

    // The closing brace of the object opening at json[start], when its values hold no object or array; else -1.
    // Outside its strings a flat object has a few bytes between them (":", ",", a number), so those are looked at
    // one by one; a vectorised search for five values cost more to set up than it saved there.
    private static int EndOfFlatObject(ReadOnlySpan<byte> json, int start)
    {
        for (var i = start + 1; i < json.Length; i++)
        {
            switch (json[i])
            {
                case (byte)'"':
                    i = EndOfString(json, i + 1);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case (byte)'}':
                    return i;
                case (byte)'{' or (byte)'[' or (byte)']':
                    return -1;
            }
        }

        return -1;
    }

    // The closing quote of the string whose first character is json[i]; -1 when it does not end. A key ends within
    // a few bytes, so the first ones are looked at one by one; a longer text is searched vectorised.
    private static int EndOfString(ReadOnlySpan<byte> json, int i)
    {
        for (var shortEnd = Math.Min(json.Length, i + ShortString); i < shortEnd; i++)
        {
            if (json[i] == (byte)'"')
            {
                return i;
            }

            if (json[i] == (byte)'\\')
            {
                // The character after a backslash is escaped (\" or \\ included), whatever it is.
                i++;
            }
        }

        while (i < json.Length)
        {
            var next = json[i..].IndexOfAny(StringEnd);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (json[i] == (byte)'"')
            {
                return i;
            }

            i += 2;
        }

        return -1;
    }

    private static int SkipSpace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }
}
