using System.Net.Sockets;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Operations;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Features.Operations;

// The container's HEALTHCHECK runs `dotnet Approvals.Web.dll --probe http://localhost:8080/health/live`.
public sealed class HealthProbeTests
{
    [Fact]
    public async Task The_probe_exits_0_when_the_app_answers_live()
    {
        await using var app = new ApprovalsApp();
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var output = new StringWriter();

        var exit = await HealthProbe.RunAsync($"{address}/health/live", output);

        Assert.Equal(0, exit);
        Assert.Contains("answered 200", output.ToString());
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    public async Task The_probe_exits_1_when_nothing_answers()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var output = new StringWriter();

        var exit = await HealthProbe.RunAsync($"http://127.0.0.1:{port}/health/live", output);

        Assert.Equal(1, exit);
        Assert.Contains("did not answer", output.ToString());
    }

    [Theory]
    [Trait(TestTraits.Category, TestTraits.NoDatabase)]
    [InlineData(new[] { "--probe", "http://localhost:8080/health/live" }, true)]
    [InlineData(new[] { "--urls", "http://localhost:8080" }, false)]
    [InlineData(new string[0], false)]
    public void Only_the_probe_argument_turns_the_app_into_a_probe(string[] args, bool probe)
    {
        Assert.Equal(probe, HealthProbe.IsRequested(args, out _));
    }
}
