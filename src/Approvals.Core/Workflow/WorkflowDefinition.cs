using Approvals.Core.Deadlines;

namespace Approvals.Core.Workflow;

/// <summary>A text in the two languages the product speaks: Danish for the UI, English for the API.</summary>
public sealed record LocalizedText(string Da, string En)
{
    public override string ToString() => $"{Da} ({En})";
}

/// <summary>
/// One published version of a workflow, read from a file in <c>workflows/</c> and checked by
/// <see cref="WorkflowDefinitionChecker"/>. Immutable: a plan pinned to this version runs on it to the end.
/// </summary>
public sealed record WorkflowDefinition(
    string Id,
    int Version,
    LocalizedText Name,
    string? Description,
    string InitialStage,
    string FinalStage,
    IReadOnlyList<StageDefinition> Stages,
    IReadOnlyList<ActionDefinition> Actions,
    IReadOnlyList<TransitionDefinition> Transitions,
    string SourceFile)
{
    public StageDefinition? FindStage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    public StageDefinition Stage(string id) => FindStage(id)
        ?? throw new InvalidOperationException($"Workflow {this} has no stage '{id}'.");

    public ActionDefinition? FindAction(string id) => Actions.FirstOrDefault(a => a.Id == id);

    /// <summary>The transition <paramref name="action"/> takes out of <paramref name="stage"/>, if any (the checker allows at most one).</summary>
    public TransitionDefinition? Transition(string stage, string action) =>
        Transitions.FirstOrDefault(t => t.Action == action && t.From.Contains(stage));

    public IEnumerable<TransitionDefinition> TransitionsFrom(string stage) => Transitions.Where(t => t.From.Contains(stage));

    /// <summary>The roles that may take some action in <paramref name="stage"/>, in definition order; none in the final stage.</summary>
    public IReadOnlyList<string> ActingRoles(string stage) =>
        TransitionsFrom(stage).SelectMany(t => t.Roles).Distinct().ToList();

    /// <summary>
    /// What a move means, from where it starts and ends: leaving the initial stage submits a revision, entering it
    /// returns one, entering the final stage adopts the plan, and every other move approves the submitted revision.
    /// </summary>
    public TransitionKind KindOf(string fromStage, string toStage) =>
        fromStage == InitialStage ? TransitionKind.Submit
        : toStage == InitialStage ? TransitionKind.Return
        : toStage == FinalStage ? TransitionKind.Adopt
        : TransitionKind.Approve;

    public override string ToString() => $"{Id} v{Version}";
}

/// <param name="DueDays">The due time in whole days, when the definition gives it so (<c>dueDays</c>, or <c>due</c> of whole days).</param>
/// <param name="Deadline">The due time, reminders and escalation of the stage; null when it has no due time.</param>
public sealed record StageDefinition(string Id, LocalizedText Name, bool Editable, int? DueDays, StageDeadline? Deadline = null);

public sealed record ActionDefinition(string Id, LocalizedText Name);

public sealed record TransitionDefinition(
    string Action,
    IReadOnlyList<string> From,
    string To,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Guards,
    bool CommentRequired);

public enum TransitionKind
{
    Submit,
    Approve,
    Return,
    Adopt,
}
