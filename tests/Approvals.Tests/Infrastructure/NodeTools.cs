using System.Diagnostics;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// The npm tools of <c>tests/node</c> (the OpenAPI linter, openapi-typescript, tsc), installed there by
/// <c>tests/scripts/services.sh</c> (<c>npm ci</c>) at the versions its package.json pins.
/// </summary>
public static class NodeTools
{
    public static string Folder { get; } = Repository.PathOf("tests/node");

    /// <summary>Runs <paramref name="tool"/> from tests/node/node_modules/.bin; a missing tool fails the test with how to install it.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string tool, string workingDirectory, params string[] args)
    {
        var program = Path.Combine(Folder, "node_modules", ".bin", tool);
        Assert.True(File.Exists(program),
            $"{tool} is not installed: run `npm ci --prefix tests/node` (tests/scripts/services.sh does, as tests/run.sh and CI run it).");

        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        args.ToList().ForEach(start.ArgumentList.Add);
        // The tools stay on this machine: no usage reports, no update checks.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["NO_COLOR"] = "1";

        using var process = Process.Start(start)!;
        // Generous: four engineers build on two cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A fresh folder under tests/node (so node finds its node_modules from there), removed on dispose.</summary>
    public static WorkFolder NewWorkFolder() => new(Path.Combine(Folder, ".build", Guid.NewGuid().ToString("N")));

    public sealed class WorkFolder : IDisposable
    {
        public WorkFolder(string path)
        {
            Path = path;
            Directory.CreateDirectory(path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A leftover folder under tests/node/.build is ignored by git and harmless.
            }
        }
    }
}
