using Approvals.Core.Workflow;

namespace Approvals.Web.Features.Ui;

/// <summary>The stage bar: the stages of <paramref name="Workflow"/> in its order, with <paramref name="Current"/> marked.</summary>
public sealed record StageProgressModel(WorkflowDefinition Workflow, string Current);
