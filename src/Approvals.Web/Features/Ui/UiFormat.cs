using System.Globalization;
using System.Security.Claims;
using Approvals.Core.Accounts;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Ui;

/// <summary>How domain values read in the UI: stage and role names from the resource files, times in Copenhagen.</summary>
public static class UiFormat
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    public static string Stage(this IStringLocalizer<UiText> t, string stage) => Named(t, $"Stage.{stage}", stage);

    public static string Role(this IStringLocalizer<UiText> t, string role) => Named(t, $"Role.{role}", role);

    /// <summary>A journal action ("submit", "return") by its UI name, or as stored when the UI has none.</summary>
    public static string Action(this IStringLocalizer<UiText> t, string action) => Named(t, $"Action.{action}", action);

    /// <summary>The first of the user's roles, as the header shows it.</summary>
    public static string? MainRole(this ClaimsPrincipal user) => Roles.All.FirstOrDefault(user.IsInRole);

    /// <summary>
    /// A UTC time as Copenhagen wall-clock time, in the pattern the resource file gives for the current
    /// language ("3. marts 2026 kl. 14.05"; "3 March 2026, 14:05").
    /// </summary>
    public static string Time(this IStringLocalizer<UiText> t, DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Copenhagen)
            .ToString(t["Format.Time"], CultureInfo.CurrentCulture);

    /// <summary>The machine-readable form for a &lt;time datetime&gt; attribute.</summary>
    public static string IsoTime(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Named(IStringLocalizer<UiText> t, string key, string fallback)
    {
        var text = t[key];
        return text.ResourceNotFound ? fallback : text.Value;
    }
}
