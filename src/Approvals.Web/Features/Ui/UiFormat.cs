using System.Globalization;
using System.Security.Claims;
using Approvals.Core.Accounts;
using Approvals.Core.Workflow;
using Microsoft.Extensions.Localization;

namespace Approvals.Web.Features.Ui;

/// <summary>
/// How domain values read in the UI: stage and action names from the workflow definitions (the one source of
/// them), role names from the resource files, times in Copenhagen.
/// </summary>
public static class UiFormat
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");

    /// <summary>A definition's name for something in the language the page speaks.</summary>
    public static string InUiLanguage(this LocalizedText text) => UiExtensions.IsEnglish ? text.En : text.Da;

    /// <summary>
    /// A stage's name where the plan's own definition is not at hand (plan lists, filters): as the newest
    /// definition that has the stage names it, or its id when none does.
    /// </summary>
    public static string StageName(this WorkflowCatalog catalog, string stageId) =>
        catalog.All.Reverse().Select(d => d.FindStage(stageId)).FirstOrDefault(s => s is not null)?.Name.InUiLanguage() ?? stageId;

    /// <summary>A stage's name as the plan's pinned definition gives it, or its id when that does not define it.</summary>
    public static string StageName(this WorkflowDefinition definition, string stageId) =>
        definition.FindStage(stageId)?.Name.InUiLanguage() ?? stageId;

    public static string Role(this IStringLocalizer<UiText> t, string role) => Named(t, $"Role.{role}", role);

    /// <summary>
    /// What a journal entry records as done, in the past tense ("Indsendt", "Sendt tilbage"), which the resource
    /// file gives for the known actions; otherwise the definition's name of the action, or its id.
    /// </summary>
    public static string Action(this IStringLocalizer<UiText> t, string action, WorkflowDefinition definition) =>
        Named(t, $"Action.{action}", definition.FindAction(action)?.Name.InUiLanguage() ?? action);

    /// <summary>What a guard that blocks an action requires, in the page's language; the runtime's English text otherwise.</summary>
    public static string Guard(this IStringLocalizer<UiText> t, UnmetGuard unmet) =>
        UiExtensions.IsEnglish ? unmet.Description : Named(t, $"Guard.{unmet.Guard}", unmet.Description);

    /// <summary>What a named guard requires, in the page's language.</summary>
    public static string Guard(this IStringLocalizer<UiText> t, string guard) =>
        WorkflowGuards.Find(guard) is { } known ? t.Guard(new UnmetGuard(guard, known.Description, [])) : guard;

    /// <summary>A flag code ("indicator-missing") by its UI name, or as stored when the UI has none.</summary>
    public static string FlagCode(this IStringLocalizer<UiText> t, string code) => Named(t, $"FlagCode.{code}", code);

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
