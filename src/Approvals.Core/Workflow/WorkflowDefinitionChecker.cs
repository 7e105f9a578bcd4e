using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Approvals.Core.Accounts;
using Approvals.Core.Deadlines;

namespace Approvals.Core.Workflow;

/// <summary>A definition file that cannot run. The message names the file and every fault found in it.</summary>
public sealed class WorkflowDefinitionException(string file, IReadOnlyList<string> faults)
    : Exception($"Workflow definition {file} is invalid: {string.Join(" ", faults.Select(f => f.EndsWith('.') ? f : f + "."))}")
{
    public string File { get; } = file;

    public IReadOnlyList<string> Faults { get; } = faults;
}

/// <summary>
/// Reads a definition file and refuses anything the runtime could not run safely: unknown stages, roles,
/// guards or actions, stages no plan can reach or leave, a missing final stage, two transitions for one
/// action out of one stage. It reports every fault at once, so one edit-and-restart fixes them all.
/// </summary>
public static partial class WorkflowDefinitionChecker
{
    /// <summary>The longest id of a workflow, stage or action: plans and the journal store them in columns of this length.</summary>
    public const int MaxIdLength = 64;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static WorkflowDefinition Load(string path)
    {
        DefinitionDocument? document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonSerializer.Deserialize<DefinitionDocument>(stream, Json);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at {e.Path ?? "$"} (line {line + 1})" : "";
            throw new WorkflowDefinitionException(path, [$"it is not a valid definition{where}: {e.Message}"]);
        }

        if (document is null)
        {
            throw new WorkflowDefinitionException(path, ["the file holds no definition (null)"]);
        }

        var faults = Check(document, Path.GetFileName(path));
        if (faults.Count > 0)
        {
            throw new WorkflowDefinitionException(path, faults);
        }

        return ToDefinition(document, path);
    }

    private static List<string> Check(DefinitionDocument d, string fileName)
    {
        var faults = new List<string>();

        if (!IsId(d.Id))
        {
            faults.Add($"\"id\" must be a lower-case id of at most {MaxIdLength} characters such as \"committee-plan\", not {Show(d.Id)}");
        }

        if (d.Version is not > 0)
        {
            faults.Add($"\"version\" must be a whole number from 1, not {Show(d.Version)}");
        }

        if (d.Id is { } id && d.Version is { } v && fileName != $"{id}.json" && fileName != $"{id}.v{v}.json")
        {
            faults.Add($"a file holding {id} version {v} must be named {id}.json (the current version) or {id}.v{v}.json, not {fileName}");
        }

        CheckName(d.Name, "the workflow", faults);

        var stages = (d.Stages ?? []).Where(s => s is not null).Select(s => s!).ToList();
        if (stages.Count == 0)
        {
            faults.Add("\"stages\" lists no stages");
        }

        foreach (var (stage, index) in stages.Select((s, i) => (s, i)))
        {
            if (!IsId(stage.Id))
            {
                faults.Add($"stage #{index + 1} needs a lower-case \"id\" of at most {MaxIdLength} characters such as \"draft\", not {Show(stage.Id)}");
            }

            CheckName(stage.Name, $"stage '{stage.Id}'", faults);
            if (stage.DueDays is <= 0)
            {
                faults.Add($"stage '{stage.Id}' has \"dueDays\" {stage.DueDays}; use a number of days from 1, or leave it out");
            }

            CheckDeadline(stage, d, faults);
        }

        foreach (var duplicate in stages.GroupBy(s => s.Id).Where(g => g.Key is not null && g.Count() > 1))
        {
            faults.Add($"stage '{duplicate.Key}' is defined {duplicate.Count()} times");
        }

        var stageIds = stages.Select(s => s.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        bool Known(string? stage) => stage is not null && stageIds.Contains(stage);

        if (string.IsNullOrWhiteSpace(d.InitialStage))
        {
            faults.Add("\"initialStage\" is missing: name the stage new plans start in");
        }
        else if (!Known(d.InitialStage))
        {
            faults.Add($"\"initialStage\" names unknown stage '{d.InitialStage}'");
        }

        if (string.IsNullOrWhiteSpace(d.FinalStage))
        {
            faults.Add("there is no final stage: set \"finalStage\" to the stage where a plan is adopted");
        }
        else if (!Known(d.FinalStage))
        {
            faults.Add($"\"finalStage\" names unknown stage '{d.FinalStage}'");
        }

        var actions = (d.Actions ?? []).Where(a => a is not null).Select(a => a!).ToList();
        foreach (var action in actions)
        {
            if (!IsId(action.Id))
            {
                faults.Add($"an action needs a lower-case \"id\" of at most {MaxIdLength} characters such as \"approve\", not {Show(action.Id)}");
            }

            CheckName(action.Name, $"action '{action.Id}'", faults);
        }

        foreach (var duplicate in actions.GroupBy(a => a.Id).Where(g => g.Key is not null && g.Count() > 1))
        {
            faults.Add($"action '{duplicate.Key}' is defined {duplicate.Count()} times");
        }

        var actionIds = actions.Select(a => a.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var transitions = (d.Transitions ?? []).Where(t => t is not null).Select(t => t!).ToList();
        if (transitions.Count == 0)
        {
            faults.Add("\"transitions\" lists no transitions");
        }

        foreach (var (t, index) in transitions.Select((t, i) => (t, i)))
        {
            var name = $"transition #{index + 1} ({t.Action ?? "no action"})";
            if (string.IsNullOrWhiteSpace(t.Action))
            {
                faults.Add($"{name} has no \"action\"");
            }
            else if (!actionIds.Contains(t.Action))
            {
                faults.Add($"{name} uses action '{t.Action}', which \"actions\" does not define");
            }

            var from = t.From ?? [];
            if (from.Count == 0)
            {
                faults.Add($"{name} has no \"from\" stage");
            }

            foreach (var stage in from.Where(s => !Known(s)))
            {
                faults.Add($"{name} starts from unknown stage '{stage}'");
            }

            if (string.IsNullOrWhiteSpace(t.To))
            {
                faults.Add($"{name} has no \"to\" stage");
            }
            else if (!Known(t.To))
            {
                faults.Add($"{name} goes to unknown stage '{t.To}'");
            }
            else if (from.Contains(t.To))
            {
                faults.Add($"{name} goes from '{t.To}' to itself; a transition must change the stage");
            }

            if (d.FinalStage is { } final && from.Contains(final))
            {
                faults.Add($"{name} leaves the final stage '{d.FinalStage}'; an adopted plan does not move");
            }

            var roles = t.Roles ?? [];
            if (roles.Count == 0)
            {
                faults.Add($"{name} names no role that may take it");
            }

            foreach (var role in roles.Where(r => !Roles.All.Contains(r)))
            {
                faults.Add($"{name} names unknown role '{role}' (known roles: {string.Join(", ", Roles.All)})");
            }

            foreach (var guard in (t.Guards ?? []).Where(g => WorkflowGuards.Find(g) is null))
            {
                faults.Add($"{name} names unknown guard '{guard}' (known guards: {string.Join(", ", WorkflowGuards.Names)})");
            }
        }

        var pairs = transitions
            .Where(t => t.Action is not null)
            .SelectMany(t => (t.From ?? []).Select(from => (from, action: t.Action!)));
        foreach (var duplicate in pairs.GroupBy(p => p).Where(g => g.Count() > 1))
        {
            faults.Add($"action '{duplicate.Key.action}' is defined {duplicate.Count()} times from stage '{duplicate.Key.from}'; each action may leave a stage only once");
        }

        if (d.InitialStage is { } initial && Known(initial))
        {
            var reached = new HashSet<string>(StringComparer.Ordinal) { initial };
            var queue = new Queue<string>([initial]);
            while (queue.TryDequeue(out var stage))
            {
                foreach (var next in transitions.Where(t => t.From?.Contains(stage) == true && t.To is not null).Select(t => t.To!))
                {
                    if (reached.Add(next))
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            foreach (var stage in stageIds.Where(s => !reached.Contains(s)))
            {
                faults.Add($"stage '{stage}' is unreachable: no transition leads to it from '{initial}'");
            }
        }

        foreach (var stage in stageIds.Where(s => s != d.FinalStage && !transitions.Any(t => t.From?.Contains(s) == true)))
        {
            faults.Add($"stage '{stage}' has no way out and is not the final stage: a plan there would be stuck");
        }

        return faults;
    }

    private static void CheckDeadline(StageDocument stage, DefinitionDocument d, List<string> faults)
    {
        var name = $"stage '{stage.Id}'";
        var dueFields = new[] { ("due", stage.Due is not null), ("dueDays", stage.DueDays is not null), ("dueWorkingDays", stage.DueWorkingDays is not null) }
            .Where(f => f.Item2).Select(f => f.Item1).ToList();
        if (dueFields.Count > 1)
        {
            faults.Add($"{name} gives its due time {dueFields.Count} ways ({string.Join(", ", dueFields)}); keep one");
        }

        TimeSpan? due = null;
        if (stage.Due is not null)
        {
            if (!IsoDuration.TryParse(stage.Due, out var parsed) || parsed <= TimeSpan.Zero)
            {
                faults.Add($"{name} has \"due\" {Show(stage.Due)}; write an ISO 8601 duration longer than zero, such as \"P10D\" (10 days) or \"PT30S\" (30 seconds); years and months are not allowed");
            }
            else
            {
                due = parsed;
            }
        }
        else if (stage.DueDays is > 0)
        {
            due = TimeSpan.FromDays(stage.DueDays.Value);
        }

        if (stage.DueWorkingDays is <= 0 or > 365)
        {
            faults.Add($"{name} has \"dueWorkingDays\" {stage.DueWorkingDays}; use a number of working days from 1 to 365, or leave it out");
        }

        var hasDue = dueFields.Count > 0;
        if (hasDue && stage.Id is not null && stage.Id == d.FinalStage)
        {
            faults.Add($"{name} is the final stage, which a plan never leaves, so it cannot have a due time");
        }

        var remind = stage.RemindBefore ?? [];
        var escalateTo = stage.EscalateTo ?? [];
        if (!hasDue && (remind.Count > 0 || stage.EscalateAfter is not null || escalateTo.Count > 0))
        {
            faults.Add($"{name} has reminders or an escalation but no due time; add \"due\" (or \"dueDays\", \"dueWorkingDays\")");
        }

        var offsets = new List<TimeSpan>();
        foreach (var before in remind)
        {
            if (!IsoDuration.TryParse(before, out var offset) || offset <= TimeSpan.Zero)
            {
                faults.Add($"{name} has \"remindBefore\" {Show(before)}; write ISO 8601 durations longer than zero, such as \"P3D\" or \"PT10S\"");
            }
            else if (due is { } fixedDue && offset >= fixedDue)
            {
                faults.Add($"{name} reminds {before} before a due time only {IsoDuration.Format(fixedDue)} after the plan enters it; a reminder must fall after the plan enters the stage");
            }
            else if (offsets.Contains(offset))
            {
                faults.Add($"{name} lists the reminder {before} twice");
            }
            else
            {
                offsets.Add(offset);
            }
        }

        if (stage.EscalateAfter is not null && (!IsoDuration.TryParse(stage.EscalateAfter, out _)))
        {
            faults.Add($"{name} has \"escalateAfter\" {Show(stage.EscalateAfter)}; write an ISO 8601 duration after the due time, such as \"P1D\", or \"PT0S\" for the due time itself");
        }

        if (stage.EscalateAfter is not null && escalateTo.Count == 0)
        {
            faults.Add($"{name} has \"escalateAfter\" but no \"escalateTo\"; name the roles told that the plan is overdue, such as [\"Coordinator\"]");
        }

        foreach (var role in escalateTo.Where(r => !Roles.All.Contains(r)))
        {
            faults.Add($"{name} escalates to unknown role '{role}' (known roles: {string.Join(", ", Roles.All)})");
        }
    }

    private static StageDeadline? ToDeadline(StageDocument s)
    {
        TimeSpan? due = s.Due is not null && IsoDuration.TryParse(s.Due, out var parsed) ? parsed
            : s.DueDays is { } days ? TimeSpan.FromDays(days)
            : null;
        if (due is null && s.DueWorkingDays is null)
        {
            return null;
        }

        return new StageDeadline(
            s.DueWorkingDays is null ? due : null,
            s.DueWorkingDays,
            [.. (s.RemindBefore ?? []).Select(r => IsoDuration.TryParse(r, out var offset) ? offset : TimeSpan.Zero).OrderDescending()],
            s.EscalateAfter is not null && IsoDuration.TryParse(s.EscalateAfter, out var after) ? after : null,
            [.. s.EscalateTo ?? []]);
    }

    private static int? WholeDays(StageDocument s) =>
        s.DueDays ?? (s.Due is not null && IsoDuration.TryParse(s.Due, out var due) && due.Ticks % TimeSpan.TicksPerDay == 0 ? (int)due.TotalDays : null);

    private static void CheckName(LocalizedDocument? name, string what, List<string> faults)
    {
        if (string.IsNullOrWhiteSpace(name?.Da) || string.IsNullOrWhiteSpace(name.En))
        {
            faults.Add($"{what} needs a \"name\" with both \"da\" and \"en\"");
        }
    }

    private static string Show(object? value) => value is null ? "nothing" : $"'{value}'";

    private static WorkflowDefinition ToDefinition(DefinitionDocument d, string path) => new(
        d.Id!,
        d.Version!.Value,
        ToText(d.Name),
        string.IsNullOrWhiteSpace(d.Description) ? null : d.Description.Trim(),
        d.InitialStage!,
        d.FinalStage!,
        d.Stages!.OfType<StageDocument>().Select(s => new StageDefinition(s.Id!, ToText(s.Name), s.Editable ?? false, WholeDays(s), ToDeadline(s))).ToList(),
        d.Actions!.OfType<ActionDocument>().Select(a => new ActionDefinition(a.Id!, ToText(a.Name))).ToList(),
        d.Transitions!.OfType<TransitionDocument>().Select(t => new TransitionDefinition(
            t.Action!, t.From!.ToList(), t.To!, t.Roles!.ToList(), (t.Guards ?? []).ToList(), t.CommentRequired ?? false)).ToList(),
        path);

    private static LocalizedText ToText(LocalizedDocument? name) => new(name!.Da!.Trim(), name.En!.Trim());

    private static bool IsId(string? id) => id is { Length: > 0 and <= MaxIdLength } && KebabId().IsMatch(id);

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex KebabId();

    // The file's shape. Everything is nullable so a missing field becomes a named fault, not a crash.
    private sealed class DefinitionDocument
    {
        [JsonPropertyName("$schema")]
        public string? Schema { get; set; }

        public string? Id { get; set; }

        public int? Version { get; set; }

        public LocalizedDocument? Name { get; set; }

        public string? Description { get; set; }

        public string? InitialStage { get; set; }

        public string? FinalStage { get; set; }

        public List<StageDocument?>? Stages { get; set; }

        public List<ActionDocument?>? Actions { get; set; }

        public List<TransitionDocument?>? Transitions { get; set; }
    }

    private sealed class LocalizedDocument
    {
        public string? Da { get; set; }

        public string? En { get; set; }
    }

    private sealed class StageDocument
    {
        public string? Id { get; set; }

        public LocalizedDocument? Name { get; set; }

        public bool? Editable { get; set; }

        public int? DueDays { get; set; }

        public string? Due { get; set; }

        public int? DueWorkingDays { get; set; }

        public List<string>? RemindBefore { get; set; }

        public string? EscalateAfter { get; set; }

        public List<string>? EscalateTo { get; set; }
    }

    private sealed class ActionDocument
    {
        public string? Id { get; set; }

        public LocalizedDocument? Name { get; set; }
    }

    private sealed class TransitionDocument
    {
        public string? Action { get; set; }

        public List<string>? From { get; set; }

        public string? To { get; set; }

        public List<string>? Roles { get; set; }

        public List<string>? Guards { get; set; }

        public bool? CommentRequired { get; set; }
    }
}
