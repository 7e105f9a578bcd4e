using System.Text.Json.Nodes;

namespace Approvals.Tests.Features.Workflow;

/// <summary>A temp folder of workflow definitions, starting from copies of the shipped committee-plan.json.</summary>
public sealed class DefinitionFolder : IDisposable
{
    public static string ShippedFolder => System.IO.Path.Combine(AppContext.BaseDirectory, "workflows");

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "approvals-workflows", Guid.NewGuid().ToString("N"));

    public DefinitionFolder() => Directory.CreateDirectory(Path);

    /// <summary>
    /// The shipped definition as a JSON tree to change, numbered version 1 whatever the shipped file's number: tests
    /// publish their own versions on top of it.
    /// </summary>
    public static JsonObject Shipped()
    {
        var definition = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(ShippedFolder, "committee-plan.json")))!.AsObject();
        definition["version"] = 1;
        return definition;
    }

    public string Write(string fileName, JsonNode definition)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(file, definition.ToJsonString());
        return file;
    }

    public string WriteText(string fileName, string text)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(file, text);
        return file;
    }

    public void Delete(string fileName) => File.Delete(System.IO.Path.Combine(Path, fileName));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
