using System.Text;
using Stateless;
using Stateless.Graph;

namespace Approvals.Core.Workflow;

/// <summary>Draws a definition as a Mermaid state diagram, through the same Stateless configuration the runtime uses.</summary>
public static class WorkflowDiagram
{
    public static string Mermaid(WorkflowDefinition definition)
    {
        var current = definition.InitialStage;
        var machine = new StateMachine<string, string>(() => current, stage => current = stage);
        foreach (var stage in definition.Stages)
        {
            var configuration = machine.Configure(NodeId(stage.Id));
            foreach (var transition in definition.TransitionsFrom(stage.Id))
            {
                // Who may act and what must hold show on the arrow, as Stateless draws guards: [Role] [guard].
                var labels = transition.Roles
                    .Concat(transition.Guards)
                    .Concat(transition.CommentRequired ? ["comment required"] : [])
                    .Select(label => Tuple.Create<Func<bool>, string>(() => true, label))
                    .ToArray();
                configuration.PermitIf(transition.Action, NodeId(transition.To), labels);
            }
        }

        var graph = MermaidGraph.Format(machine.GetInfo(), MermaidGraphDirection.LeftToRight).ReplaceLineEndings("\n").TrimEnd();

        // Stateless names each state by its id; a reader wants the stage's Danish and English names.
        var lines = graph.Split('\n').Select(l => l.Trim()).ToList();
        var header = lines.FindIndex(l => l.StartsWith("direction", StringComparison.Ordinal)) + 1;
        lines.InsertRange(header, definition.Stages.Select(s => $"{NodeId(s.Id)} : {s.Name.Da} / {s.Name.En}"));
        lines.Add($"{NodeId(definition.FinalStage)} --> [*]");

        var text = new StringBuilder(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
        {
            text.Append("    ").Append(line).Append('\n');
        }

        return text.ToString();
    }

    // Stage ids are kebab-case (the checker insists); Mermaid state ids may not contain '-'.
    private static string NodeId(string stageId) => stageId.Replace('-', '_');
}
