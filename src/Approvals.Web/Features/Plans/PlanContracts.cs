using Approvals.Core;
using Approvals.Core.Plans;

namespace Approvals.Web.Features.Plans;

// The JSON shape of a plan. Requests and responses share the tree so a client can GET a plan, change it
// and PUT it back. A request field that may be left out is nullable; one that is needed is not, but a missing one still
// reaches the validator (as null), which names it.

public sealed record PlanInput(string Committee, string Title, List<ObjectiveInput> Objectives)
{
    /// <summary>
    /// The content as stored: texts cleaned by <see cref="TextRules.Clean"/>, a goal number without its trailing dot.
    /// Ids are kept as they are (a missing or empty one marks a new item, which gets an id when saved); the validator
    /// has refused malformed and repeated ones, and <see cref="ContentIds.Unknown"/> ids the plan does not have.
    /// </summary>
    public PlanContent ToContent() => new(
        (Objectives ?? []).Select(o => new Objective(
            TextRules.Clean(o.Title),
            (o.Goals ?? []).Select(g => new ResultGoal(
                TextRules.TrimInvisible(TextRules.Clean(g.Number).TrimEnd('.')),
                TextRules.Clean(g.Text),
                (g.Indicators ?? []).Select(i => new Indicator(TextRules.Clean(i.Text)) { Id = i.Id ?? "" }).ToList(),
                (g.Activities ?? []).Select(a => new Activity(TextRules.Clean(a.Text)) { Id = a.Id ?? "" }).ToList()) { Id = g.Id ?? "" }).ToList())
        { Id = o.Id ?? "" }).ToList());
}

/// <summary>An objective as sent; <see cref="Id"/> is the one GET returned, or left out for a new objective.</summary>
public sealed record ObjectiveInput(string? Title, List<GoalInput> Goals, string? Id = null);

/// <summary>A goal as sent; <see cref="Id"/> is the one GET returned (kept when the goal is moved or renumbered), or left out for a new goal.</summary>
public sealed record GoalInput(string? Number, string? Text, List<TextInput>? Indicators, List<TextInput>? Activities, string? Id = null);

/// <summary>An indicator or activity as sent; <see cref="Id"/> as for goals.</summary>
public sealed record TextInput(string? Text, string? Id = null);

public sealed record PlanResponse(
    Guid Id,
    string Committee,
    string CommitteeName,
    string Title,
    string OwnerId,
    string Stage,
    int Revision,
    string WorkflowId,
    int WorkflowVersion,
    DateTime CreatedUtc,
    DateTime UpdatedUtc,
    int GoalCount,
    int ErrorCount,
    int WarningCount,
    string ETag,
    IReadOnlyList<ObjectiveResponse> Objectives)
{
    public static PlanResponse From(Plan plan) => Head(plan) with { Objectives = ObjectiveResponse.From(plan.Content) };

    /// <summary>The plan's own fields, without the content (no objectives): for a plan read without its content document.</summary>
    public static PlanResponse Head(Plan plan) => new(
        plan.Id,
        plan.CommitteeCode,
        plan.Committee.Name,
        plan.Title,
        plan.OwnerId,
        plan.Stage,
        plan.Revision,
        plan.WorkflowId,
        plan.WorkflowVersion,
        plan.CreatedUtc,
        plan.UpdatedUtc,
        plan.GoalCount,
        plan.ErrorCount,
        plan.WarningCount,
        ETags.For(plan),
        []);
}

/// <summary>An objective with its id, stable within the plan (see <see cref="ContentIds"/>).</summary>
public sealed record ObjectiveResponse(string Id, string Title, IReadOnlyList<GoalResponse> Goals)
{
    public static IReadOnlyList<ObjectiveResponse> From(PlanContent content) => content.Objectives.Select(o => new ObjectiveResponse(
        o.Id,
        o.Title,
        o.Goals.Select(g => new GoalResponse(
            g.Id,
            g.Number,
            g.Text,
            g.Indicators.Select(i => new TextResponse(i.Id, i.Text)).ToList(),
            g.Activities.Select(a => new TextResponse(a.Id, a.Text)).ToList())).ToList())).ToList();
}

public sealed record GoalResponse(string Id, string Number, string Text, IReadOnlyList<TextResponse> Indicators, IReadOnlyList<TextResponse> Activities);

public sealed record TextResponse(string Id, string Text);

public sealed record PlanSummary(
    Guid Id,
    string Committee,
    string CommitteeName,
    string Title,
    string Stage,
    int Revision,
    int GoalCount,
    int FlaggedGoalCount,
    int ErrorCount,
    int WarningCount,
    DateTime UpdatedUtc,
    DateTime? DueUtc = null);

public static class ETags
{
    public static string For(Plan plan) => Of(plan.ConcurrencyToken);

    /// <summary>The ETag of the plan version with this concurrency token, e.g. as a page form carried it.</summary>
    public static string Of(Guid concurrencyToken) => $"\"{concurrencyToken:N}\"";

    /// <summary>
    /// True when <paramref name="ifMatch"/> (a list of entity tags) names the plan's current version, by the strong
    /// comparison RFC 9110 requires for If-Match: a weak tag (<c>W/"…"</c>) never matches, and neither does <c>*</c>,
    /// which names no version (<see cref="NamesAVersion"/>).
    /// </summary>
    public static bool Matches(string ifMatch, Plan plan) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == For(plan));

    /// <summary>False for a missing or blank header and for <c>*</c>: a change must name the version it was made on.</summary>
    public static bool NamesAVersion(string? ifMatch) =>
        !string.IsNullOrWhiteSpace(ifMatch) && ifMatch.Split(',').Select(t => t.Trim()).Any(t => t.Length > 0 && t != "*");
}
