namespace Approvals.Core.Plans;

/// <summary>A political committee of the city council. <see cref="Slug"/> is the ASCII form used in e-mail addresses.</summary>
public sealed record Committee(string Code, string Slug, string Name)
{
    public static readonly Committee Oeu = new("ØU", "oeu", "Økonomiudvalget");
    public static readonly Committee Tmu = new("TMU", "tmu", "Teknik- og Miljøudvalget");
    public static readonly Committee Buu = new("BUU", "buu", "Børne- og Ungdomsudvalget");
    public static readonly Committee Sud = new("SUD", "sud", "Socialudvalget");
    public static readonly Committee Kfu = new("KFU", "kfu", "Kultur- og Fritidsudvalget");
    public static readonly Committee Sou = new("SOU", "sou", "Sundheds- og Omsorgsudvalget");
    public static readonly Committee Biu = new("BIU", "biu", "Beskæftigelses- og Integrationsudvalget");

    public static IReadOnlyList<Committee> All { get; } = [Oeu, Tmu, Buu, Sud, Kfu, Sou, Biu];

    /// <summary>The length of the columns that store a committee code: room for a longer code than any of today's.</summary>
    public const int MaxCodeLength = 8;

    /// <summary>Finds a committee by its code (ØU) or slug (oeu), ignoring case.</summary>
    public static Committee? Find(string? codeOrSlug)
    {
        if (string.IsNullOrWhiteSpace(codeOrSlug))
        {
            return null;
        }

        var key = codeOrSlug.Trim();
        return All.FirstOrDefault(c =>
            string.Equals(c.Code, key, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(c.Slug, key, StringComparison.OrdinalIgnoreCase));
    }

    public static string ValidCodes => string.Join(", ", All.Select(c => c.Code));
}
