using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Approvals.Benchmarks;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Operations;

// No Docker engine runs here or in CI, so the compose file is checked offline: docker-compose (v1, installed
// by tests/run.sh) validates it, and every app setting it passes must be a key the README documents.
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed partial class ComposeFileTests
{
    private static readonly string ComposeFile = Repository.PathOf("docker/compose.yaml");

    [Fact]
    public async Task The_compose_file_validates()
    {
        var (exit, output) = await Run("docker-compose", "-f", ComposeFile, "config", "-q");

        Assert.True(exit == 0, $"docker-compose config -q exited {exit}:\n{output}");
    }

    [Fact]
    public void Every_app_setting_in_the_compose_file_is_a_documented_configuration_key()
    {
        var used = AppSetting().Matches(File.ReadAllText(ComposeFile))
            .Select(m => m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var documented = DocumentedKey().Matches(File.ReadAllText(Repository.PathOf("README.md")))
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Contains("Database:Provider", used); // the pattern finds the settings at all
        Assert.Empty(used.Except(documented, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_and_checks_its_health_with_the_apps_own_probe()
    {
        var dockerfile = File.ReadAllText(Repository.PathOf("docker/Dockerfile"));

        Assert.Matches(@"(?m)^USER \$APP_UID\s*$", dockerfile);
        Assert.Matches(@"(?m)^\s+CMD \[""dotnet"", ""Approvals.Web.dll"", ""--probe"", ""http://localhost:8080/health/live""\]", dockerfile);
    }

    // The runtime reads these from the environment only (not from the app's runtimeconfig.json), so each way of starting
    // the app has to carry them: `dotnet run` by the launch profile, the container by its image, the benchmark itself.
    [Fact]
    public void The_launch_profile_the_image_and_the_benchmark_give_the_app_the_same_runtime_settings()
    {
        var dockerfile = File.ReadAllText(Repository.PathOf("docker/Dockerfile"));
        using var launch = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("src/Approvals.Web/Properties/launchSettings.json")));
        var profile = launch.RootElement.GetProperty("profiles").GetProperty("Approvals").GetProperty("environmentVariables");
        var readme = File.ReadAllText(Repository.PathOf("README.md"));

        Assert.Contains("DOTNET_GCgen0size", AppProcess.RuntimeEnvironment.Keys);
        foreach (var (key, value) in AppProcess.RuntimeEnvironment)
        {
            Assert.Matches($@"(?m)^(ENV)?\s+{key}={value}(\s|$)", dockerfile);
            Assert.Equal(value, profile.TryGetProperty(key, out var set) ? set.GetString() : null);
            Assert.Contains($"| `{key}` | `{value}`", readme, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Exit, string Output)> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program} could not be started ({e.Message}). tests/run.sh installs it: apt-get install -y docker-compose.");
            throw;
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
    }

    // Environment keys with "__" are app settings; the services' own (POSTGRES_DB, ...) have single underscores.
    [GeneratedRegex(@"(?m)^\s+([A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+)\s*:")]
    private static partial Regex AppSetting();

    // The first cell of a configuration table row: | `Database:Provider` | ...
    [GeneratedRegex(@"(?m)^\|\s*`([A-Za-z][A-Za-z0-9:]*)`\s*\|")]
    private static partial Regex DocumentedKey();
}
