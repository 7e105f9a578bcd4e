using Approvals.Core.Plans;

namespace Approvals.Web.Features.Plans;

// The JSON shape of a plan. Requests and responses share the tree so a client can GET a plan, change it
// and PUT it back. Request fields are nullable so a missing one is reported by the validator, by name.

public sealed record PlanInput(string? Committee, string? Title, List<ObjectiveInput>? Objectives)
{
    public PlanContent ToContent() => new(
        (Objectives ?? []).Select(o => new Objective(
            (o.Title ?? "").Trim(),
            (o.Goals ?? []).Select(g => new ResultGoal(
                (g.Number ?? "").Trim().TrimEnd('.'),
                (g.Text ?? "").Trim(),
                (g.Indicators ?? []).Select(i => new Indicator((i.Text ?? "").Trim())).ToList(),
                (g.Activities ?? []).Select(a => new Activity((a.Text ?? "").Trim())).ToList())).ToList())).ToList());
}

public sealed record ObjectiveInput(string? Title, List<GoalInput>? Goals);

public sealed record GoalInput(string? Number, string? Text, List<TextInput>? Indicators, List<TextInput>? Activities);

public sealed record TextInput(string? Text);

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
    public static PlanResponse From(Plan plan) => new(
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
        plan.Content.Objectives.Select(o => new ObjectiveResponse(
            o.Title,
            o.Goals.Select(g => new GoalResponse(
                g.Number,
                g.Text,
                g.Indicators.Select(i => new TextResponse(i.Text)).ToList(),
                g.Activities.Select(a => new TextResponse(a.Text)).ToList())).ToList())).ToList());
}

public sealed record ObjectiveResponse(string Title, IReadOnlyList<GoalResponse> Goals);

public sealed record GoalResponse(string Number, string Text, IReadOnlyList<TextResponse> Indicators, IReadOnlyList<TextResponse> Activities);

public sealed record TextResponse(string Text);

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
    DateTime UpdatedUtc);

public static class ETags
{
    public static string For(Plan plan) => Of(plan.ConcurrencyToken);

    /// <summary>The ETag of the plan version with this concurrency token, e.g. as a page form carried it.</summary>
    public static string Of(Guid concurrencyToken) => $"\"{concurrencyToken:N}\"";

    /// <summary>True when <paramref name="ifMatch"/> names the plan's current version (or is <c>*</c>).</summary>
    public static bool Matches(string ifMatch, Plan plan) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t =>
            t == "*" || t == For(plan) || (t.StartsWith("W/", StringComparison.Ordinal) && t[2..] == For(plan)));
}
