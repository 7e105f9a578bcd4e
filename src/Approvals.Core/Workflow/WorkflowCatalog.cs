namespace Approvals.Core.Workflow;

/// <summary>The workflow ids the code starts plans on.</summary>
public static class WorkflowIds
{
    public const string CommitteePlan = "committee-plan";
}

/// <summary>
/// Every definition version found in the workflows folder, all checked. The newest version of a workflow
/// starts new plans; older versions stay loaded for the plans pinned to them.
/// </summary>
public sealed class WorkflowCatalog
{
    private readonly Dictionary<(string Id, int Version), WorkflowDefinition> _byKey;

    public WorkflowCatalog(IEnumerable<WorkflowDefinition> definitions)
    {
        All = definitions.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
        _byKey = [];
        foreach (var definition in All)
        {
            if (!_byKey.TryAdd((definition.Id, definition.Version), definition))
            {
                var other = _byKey[(definition.Id, definition.Version)];
                throw new WorkflowDefinitionException(definition.SourceFile,
                    [$"{definition} is also defined in {other.SourceFile}; give each version its own number"]);
            }
        }

        StageIds = All.SelectMany(d => d.Stages).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        StageIdsInOrder = All.SelectMany(d => d.Stages).Select(s => s.Id).Distinct(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<WorkflowDefinition> All { get; }

    public IEnumerable<string> Ids => All.Select(d => d.Id).Distinct();

    /// <summary>Every stage id of every loaded definition, e.g. to check a <c>?stage=</c> filter.</summary>
    public IReadOnlySet<string> StageIds { get; }

    /// <summary>The same stage ids in the order the definitions list them, for messages that name them.</summary>
    public IReadOnlyList<string> StageIdsInOrder { get; }

    /// <summary>
    /// The stage id <paramref name="text"/> names, by the rule for every identifier a request sends (actions,
    /// stages, workflow ids): what surrounds it is dropped (<see cref="TextRules.Identifier"/>), then it is compared
    /// exactly, so case matters. Null when no loaded definition has that stage.
    /// </summary>
    public string? StageId(string? text) => TextRules.Identifier(text) is { } id && StageIds.Contains(id) ? id : null;

    /// <summary>
    /// Loads every <c>*.json</c> file of <paramref name="folder"/> except JSON Schemas (<c>*.schema.json</c>).
    /// Throws <see cref="WorkflowDefinitionException"/> naming the file and its faults when one is broken.
    /// </summary>
    public static WorkflowCatalog Load(string folder, params string[] required)
    {
        if (!Directory.Exists(folder))
        {
            throw new WorkflowDefinitionException(folder,
                ["the workflows folder does not exist; set Workflows:Path to the folder holding committee-plan.json"]);
        }

        var files = Directory.GetFiles(folder, "*.json")
            .Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var catalog = new WorkflowCatalog(files.Select(WorkflowDefinitionChecker.Load));
        foreach (var id in required.Where(id => !catalog.Ids.Contains(id)))
        {
            throw new WorkflowDefinitionException(Path.Combine(folder, $"{id}.json"),
                [$"the workflow '{id}' that new plans start on is missing from {folder}"]);
        }

        return catalog;
    }

    public WorkflowDefinition? Find(string id, int version) => _byKey.GetValueOrDefault((id, version));

    /// <summary>The version a plan is pinned to. Its absence means a published version's file was removed.</summary>
    public WorkflowDefinition Get(string id, int version) => Find(id, version)
        ?? throw new InvalidOperationException(
            $"Workflow {id} v{version} is not loaded, but plans are pinned to it. Put its file back in the workflows folder " +
            $"({id}.v{version}.json): published versions must stay loadable until no plan runs on them.");

    /// <summary>The loaded versions of workflow <paramref name="id"/> (compared as <see cref="StageId"/> says), oldest first.</summary>
    public IReadOnlyList<WorkflowDefinition> Versions(string id)
    {
        var key = TextRules.Identifier(id);
        return All.Where(d => d.Id == key).ToList();
    }

    /// <summary>The newest version of <paramref name="id"/>: the one new plans start on.</summary>
    public WorkflowDefinition Latest(string id) => All.LastOrDefault(d => d.Id == id)
        ?? throw new InvalidOperationException($"No workflow '{id}' is loaded.");
}
