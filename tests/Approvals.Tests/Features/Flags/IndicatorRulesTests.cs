using Approvals.Core.Flags;

namespace Approvals.Tests.Features.Flags;

public sealed class IndicatorRulesTests
{
    [Theory]
    // Only question marks, dashes of any kind, dots, x's or white space.
    [InlineData("??????")]
    [InlineData("?")]
    [InlineData(" ? ")]
    [InlineData("-")]
    [InlineData("–")]
    [InlineData("—")]
    [InlineData("- – —")]
    [InlineData("---")]
    [InlineData(".")]
    [InlineData("...")]
    [InlineData("…")]
    [InlineData("x")]
    [InlineData("xxx")]
    [InlineData("XX")]
    [InlineData("x x x")]
    [InlineData("?-.x")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("\u00A0?\u00A0")]
    // Words meaning "none" or "not decided", ignoring case, surrounding space and punctuation.
    [InlineData("Ingen")]
    [InlineData("ingen")]
    [InlineData("INGEN")]
    [InlineData("  Ingen  ")]
    [InlineData("Ingen.")]
    [InlineData("Ingen?")]
    [InlineData("(ingen)")]
    [InlineData("- Ingen -")]
    [InlineData("Ingen indikator")]
    [InlineData("Ikke fastsat")]
    [InlineData("ikke FASTSAT")]
    [InlineData("Ikke  fastsat")]
    [InlineData("Ikke fastsat endnu")]
    [InlineData("TBD")]
    [InlineData("tbd")]
    [InlineData(" TBD ")]
    [InlineData("n/a")]
    [InlineData("N/A")]
    [InlineData("Mangler")]
    [InlineData("Afventer")]
    public void Placeholders_are_caught(string text) =>
        Assert.True(IndicatorRules.IsPlaceholder(text), $"'{text}' should be a placeholder.");

    [Theory]
    [InlineData("2 procentpoints stigning om året")]
    [InlineData("Andelen af 14–25-årige i udsatte boligområder, der sigtes for personfarlig kriminalitet, skal falde med 2 % frem mod 2013.")]
    [InlineData("Fastholdelse af nuværende indikatorer")]
    [InlineData("Ingen børn skal vente mere end 30 dage")]
    [InlineData("Ikke fastsat niveau, men andelen skal stige")]
    [InlineData("x antal borgere")]
    [InlineData("-5 % ledighed")]
    public void Real_text_is_not_a_placeholder(string text) =>
        Assert.False(IndicatorRules.IsPlaceholder(text), $"'{text}' should not be a placeholder.");

    [Theory]
    [InlineData("2 procentpoints stigning om året")]
    [InlineData("Andelen af 14–25-årige i udsatte boligområder, der sigtes for personfarlig kriminalitet, skal falde med 2 % frem mod 2013.")]
    [InlineData("Fortsat mindst 20 procent almene boliger")]
    [InlineData("Præstationsgabet skal reduceres")]
    [InlineData("Flere borgere med ikke vestlig baggrund og kokainmisbrug kommer i behandling.")]
    [InlineData("Færre borgere dømmes for gadeuorden")]
    [InlineData("Øget andel af borgere med etnisk minoritetsbaggrund i socialpsykiatrien")]
    [InlineData("Andelen skal være lige så stor som blandt etnisk danske unge")]
    [InlineData("Andelen skal ikke være højere end blandt etnisk danske unge")]
    [InlineData("Forskellen mellem andel to- og etsprogede elever")]
    [InlineData("Antallet af henvendelser skal stige")]
    [InlineData("Ventetiden halveres")]
    [InlineData("The share of pupils must rise")]
    public void Real_measures_are_measurable(string text) =>
        Assert.True(IndicatorRules.IsMeasurable(text), $"'{text}' names a number, share, count, comparison or direction.");

    [Theory]
    [InlineData("Fastholdelse af nuværende indikatorer")]
    [InlineData("Fokus på området")]
    [InlineData("Et godt samarbejde med boligorganisationerne")]
    // Look-alikes of measure words: "various", "co-operative housing", "stigma".
    [InlineData("Forskellige aktiviteter gennemføres")]
    [InlineData("Fastholdelse af andelsboligerne")]
    [InlineData("Bekæmpelse af stigmatisering")]
    public void Intentions_without_a_measure_are_unmeasurable(string text) =>
        Assert.False(IndicatorRules.IsMeasurable(text), $"'{text}' names no measure.");
}
