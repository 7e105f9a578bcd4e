using Approvals.Core;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Core;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class TextRulesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u200b")]
    [InlineData("\u2060")]
    [InlineData("\u00ad")]
    [InlineData("\u0000")]
    [InlineData("\ufeff \u200e\u200f\t\r\n")]
    [InlineData("\u3164")]
    [InlineData("\u2800")]
    [InlineData("\U000E0020")]
    public void Text_of_only_invisible_characters_is_blank(string? text) => Assert.True(TextRules.IsBlank(text));

    [Theory]
    [InlineData("x")]
    [InlineData("\u200bx")]
    [InlineData("?")]
    [InlineData("😀")]
    [InlineData("Æ")]
    public void Text_with_a_visible_character_is_not_blank(string text) => Assert.False(TextRules.IsBlank(text));

    [Fact]
    public void Cleaning_drops_control_characters_and_invisible_ends_and_keeps_the_rest()
    {
        Assert.Equal("Mål\tét\r\nto", TextRules.Clean("\u200b  Mål\u0000\tét\r\n\u0007to \u2060"));
        Assert.Equal("blød\u00adbindestreg", TextRules.Clean("blød\u00adbindestreg"));
        Assert.Equal("", TextRules.Clean("\u200b\u0000"));
    }

    [Fact]
    public void An_identifier_loses_only_what_surrounds_it() =>
        Assert.Equal("SUBMIT", TextRules.Identifier(" \u200bSUBMIT\t"));
}
