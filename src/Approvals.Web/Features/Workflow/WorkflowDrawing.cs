using System.Globalization;
using Approvals.Core.Workflow;

namespace Approvals.Web.Features.Workflow;

/// <summary>A stage drawn as a box.</summary>
public sealed record StageBox(StageDefinition Stage, int Index, double X, double Y, double Width, double Height, bool Initial, bool Final)
{
    public double CenterX => X + (Width / 2);
}

/// <summary>
/// A transition out of one stage drawn as an arrow: <see cref="Path"/> is SVG path data, the label (action and roles)
/// starts at (<see cref="LabelX"/>, <see cref="LabelY"/>) and runs to the right, or ends there when <see cref="LabelEnds"/>.
/// </summary>
public sealed record TransitionArrow(TransitionDefinition Transition, string From, string Path, double LabelX, double LabelY, bool LabelEnds, bool Backward);

/// <summary>
/// The layout of a workflow definition as a diagram, drawn by the server as SVG (no script, no CDN). Stages stand in a
/// column in definition order; a move forward to the next stage is a straight arrow down with its label to the right;
/// a move back (a return) runs in its own lane on the left, a move forward past a stage in its own lane on the right.
/// Lanes are nested so that no label crosses a line: the shortest return runs outermost.
/// </summary>
public sealed record WorkflowDrawing(double Width, double Height, IReadOnlyList<StageBox> Boxes, IReadOnlyList<TransitionArrow> Arrows)
{
    private const double BoxWidth = 250;
    private const double BoxHeight = 56;
    private const double Gap = 80;
    private const double Top = 16;
    private const double LaneStep = 28;
    private const double LabelRoom = 220;

    public static WorkflowDrawing Of(WorkflowDefinition definition)
    {
        var index = definition.Stages.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var moves = definition.Transitions
            .SelectMany(t => t.From.Where(index.ContainsKey).Select(from => (Transition: t, From: from, I: index[from], J: index[t.To])))
            .ToList();
        var backward = moves.Where(m => m.J <= m.I).OrderByDescending(m => m.I - m.J).ThenByDescending(m => m.I).ToList();
        var skipping = moves.Where(m => m.J > m.I + 1).OrderByDescending(m => m.J - m.I).ToList();

        var boxX = (LaneStep * (backward.Count + 1)) + LabelRoom;
        var boxes = definition.Stages
            .Select((s, i) => new StageBox(s, i, boxX, Top + (i * (BoxHeight + Gap)), BoxWidth, BoxHeight,
                s.Id == definition.InitialStage, s.Id == definition.FinalStage))
            .ToList();
        var arrows = new List<TransitionArrow>();

        foreach (var move in moves.Where(m => m.J == m.I + 1))
        {
            var (from, to) = (boxes[move.I], boxes[move.J]);
            arrows.Add(new TransitionArrow(move.Transition, move.From,
                Path(("M", from.CenterX, from.Y + from.Height), ("V", 0, to.Y - 2)),
                from.CenterX + 12, from.Y + from.Height + (Gap / 2) - 4, LabelEnds: false, Backward: false));
        }

        // Where several arrows leave or enter one side of a box, they are spread over its height.
        var ends = new Dictionary<(int Box, bool Left), List<int>>();
        double Spot(int box, bool left, int arrow)
        {
            var list = ends.GetValueOrDefault((box, left)) ?? [];
            ends[(box, left)] = list;
            list.Add(arrow);
            return list.Count;
        }

        var lanes = backward.Select((m, k) => (Move: m, Lane: k, Left: true))
            .Concat(skipping.Select((m, k) => (Move: m, Lane: k, Left: false)))
            .ToList();
        var slots = lanes.Select((l, n) => (Start: Spot(l.Move.I, l.Left, n), End: Spot(l.Move.J, l.Left, n))).ToList();

        for (var n = 0; n < lanes.Count; n++)
        {
            var (move, lane, left) = lanes[n];
            var (from, to) = (boxes[move.I], boxes[move.J]);
            var startY = from.Y + (from.Height * slots[n].Start / (ends[(move.I, left)].Count + 1));
            var endY = to.Y + (to.Height * slots[n].End / (ends[(move.J, left)].Count + 1));
            var side = left ? boxX : boxX + BoxWidth;
            var laneX = left ? boxX - (LaneStep * (lane + 1)) : boxX + BoxWidth + (LaneStep * (lane + 1));
            var tip = left ? side - 2 : side + 2;
            arrows.Add(new TransitionArrow(move.Transition, move.From,
                Path(("M", side, startY), ("H", laneX, 0), ("V", 0, endY), ("H", tip, 0)),
                left ? laneX - 8 : laneX + 8, startY + 4, LabelEnds: left, Backward: left));
        }

        var rightLanes = skipping.Count == 0 ? 0 : (LaneStep * skipping.Count) + LabelRoom;
        var width = boxX + BoxWidth + Math.Max(LabelRoom, rightLanes) + 20;
        var height = boxes.Count == 0 ? Top : boxes[^1].Y + BoxHeight + Top;
        return new WorkflowDrawing(width, height, boxes, arrows);
    }

    /// <summary>Formats a number for SVG, whatever the page's culture (Danish writes 1,5).</summary>
    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Path(params (string Command, double X, double Y)[] steps) => string.Join(' ', steps.Select(s => s.Command switch
    {
        "H" => $"H {N(s.X)}",
        "V" => $"V {N(s.Y)}",
        _ => $"{s.Command} {N(s.X)} {N(s.Y)}",
    }));
}
