using System.Text.Json;
using Approvals.Core.Plans;

namespace Approvals.Web.Features.Demo;

/// <summary>The six committees' plans transcribed from the source PDF table (seed-plans.json).</summary>
public sealed record SeedFile(string Source, IReadOnlyList<string> Notes, IReadOnlyList<SeedPlan> Plans)
{
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Features", "Demo", "seed-plans.json");

    public static SeedFile Load(string? path = null)
    {
        path ??= DefaultPath;
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<SeedFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}

public sealed record SeedPlan(string Committee, string Title, IReadOnlyList<string>? Notes, IReadOnlyList<SeedObjective> Objectives)
{
    public PlanContent ToContent() => new(Objectives.Select(o => new Objective(
        o.Title,
        o.Goals.Select(g => new ResultGoal(
            g.Number,
            g.Text,
            g.Indicators.Select(i => new Indicator(i)).ToList(),
            g.Activities.Select(a => new Activity(a)).ToList())).ToList())).ToList());
}

public sealed record SeedObjective(string Title, IReadOnlyList<SeedGoal> Goals);

public sealed record SeedGoal(string Number, string Text, IReadOnlyList<string> Indicators, IReadOnlyList<string> Activities);
