using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// <see cref="ApprovalsApp"/> with extra settings, e.g. a real broker, SMTP server or a database file shared
/// with another instance (<c>ConnectionStrings:Approvals</c>). Start it with <see cref="StartAsync"/>.
/// </summary>
public sealed class ConfiguredApp : ApprovalsApp
{
    private readonly IDictionary<string, string?> _settings;

    public ConfiguredApp(IDictionary<string, string?> settings) => _settings = settings;

    /// <summary>An instance on <paramref name="database"/>: several of them are several instances of the app.</summary>
    public ConfiguredApp(IDictionary<string, string?> settings, TestDatabase database)
        : base(database) => _settings = settings;

    protected override IDictionary<string, string?> Settings => _settings;

    public async Task<ConfiguredApp> StartAsync()
    {
        await InitializeAsync();
        return this;
    }

    /// <summary>Starts the app on a real loopback port (Kestrel, not the in-memory test server) and returns its address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>Stops the host and removes its temp folder (not a database file given in the settings).</summary>
    public Task StopAsync() => ((IAsyncLifetime)this).DisposeAsync();
}

/// <summary>Waits for something a background worker does, failing with <paramref name="what"/> after the timeout.</summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T?>> probe, Func<T?, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value!;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last seen: {value}");
            }

            await Task.Delay(25);
        }
    }

    public static Task True(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        Get<bool>(async () => await probe(), v => v, timeout, what);
}
