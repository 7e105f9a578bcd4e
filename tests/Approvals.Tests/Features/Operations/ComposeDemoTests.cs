using System.Diagnostics;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Features.Operations;

/// <summary>The compose file starts a real installation, not a demo: demo data only when asked for.</summary>
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class ComposeDemoTests
{
    [Theory]
    [InlineData(null, "false")]
    [InlineData("true", "true")]
    public async Task The_compose_file_runs_without_demo_data_unless_APPROVALS_DEMO_is_true(string? demo, string expected)
    {
        var start = new ProcessStartInfo("docker-compose") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-f", Repository.PathOf("docker/compose.yaml"), "config" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("APPROVALS_DEMO");
        if (demo is not null)
        {
            start.Environment["APPROVALS_DEMO"] = demo;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        var values = output.Split('\n').Where(l => l.Trim().StartsWith("Demo__Enabled:", StringComparison.Ordinal)).Select(l => l.Split(':', 2)[1].Trim().Trim('\'', '"')).ToList();
        Assert.Equal(2, values.Count); // both app instances
        Assert.All(values, v => Assert.Equal(expected, v));
    }
}
