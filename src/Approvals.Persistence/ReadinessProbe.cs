namespace Approvals.Persistence;

/// <summary>
/// A row the readiness check writes, to find out whether the database takes writes (it may be read-only or full
/// while it still answers queries). One row per probe name, overwritten each time.
/// </summary>
public sealed class ReadinessProbe
{
    public const int MaxPaddingLength = 4096;

    public string Id { get; set; } = "";

    public DateTime CheckedUtc { get; set; }

    /// <summary>Filler of about a page, written only in a probe that is rolled back: it needs a fresh page.</summary>
    public string? Padding { get; set; }
}
