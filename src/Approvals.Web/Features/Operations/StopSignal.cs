using System.Runtime.InteropServices;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// A request to stop (SIGTERM, as <c>docker stop</c> and systemd send; SIGINT, Ctrl+C) heard from the first moment
/// of the process, not only once the host has started. Before, a stop during the first start-up killed the process
/// with 143 or, in the middle of the start-up work, ended it with an unhandled exception and exit code 134.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly PosixSignalRegistration[] _registrations;

    private StopSignal() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle), PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle)];

    /// <summary>Cancelled when the process is asked to stop.</summary>
    public CancellationToken Requested => _requested.Token;

    /// <summary>Listens from now until disposed (the end of <c>Main</c>).</summary>
    public static StopSignal Listen() => new();

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        // The process does not end here: the host stops in order and Main returns (exit code 0).
        context.Cancel = true;
        _requested.Cancel();
    }
}

/// <summary>
/// The host's lifetime in place of the console lifetime: it stops the app when <see cref="StopSignal"/> says so.
/// A stop requested before the app has started waits for the start-up to finish (migrations, roles, demo data, the
/// bus) and then stops it in order: cut off half-way, every step of the start-up would fail in turn. Should the
/// start-up not finish within <see cref="StartupGrace"/> (a broker that cannot be reached), it is cancelled.
/// </summary>
internal sealed class StopSignalLifetime(
    StopSignal signal, IHostApplicationLifetime lifetime, ILogger<StopSignalLifetime> logger) : IHostLifetime, IDisposable
{
    public static readonly TimeSpan StartupGrace = TimeSpan.FromSeconds(20);

    private readonly List<CancellationTokenRegistration> _registrations = [];
    private volatile bool _started;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(lifetime.ApplicationStarted.Register(() =>
        {
            _started = true;
            logger.LogInformation("Started; a SIGTERM or Ctrl+C stops the app.");
            if (signal.Requested.IsCancellationRequested)
            {
                lifetime.StopApplication();
            }
        }));
        _registrations.Add(signal.Requested.Register(() =>
        {
            if (_started)
            {
                lifetime.StopApplication();
                return;
            }

            logger.LogInformation("Asked to stop during start-up: the app stops as soon as the start-up is over.");
            _ = Task.Delay(StartupGrace, CancellationToken.None).ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}

public static class StopSignalExtensions
{
    /// <summary>Stops the app on <paramref name="signal"/>, whenever it comes (see <see cref="StopSignalLifetime"/>).</summary>
    public static void AddStopSignal(this WebApplicationBuilder builder, StopSignal signal)
    {
        builder.Services.AddSingleton(signal);
        builder.Services.AddSingleton<IHostLifetime, StopSignalLifetime>();
    }

    /// <summary>Runs the app until it is asked to stop; a start-up cancelled by a stop is a stop like any other.</summary>
    public static async Task RunUntilStoppedAsync(this WebApplication app)
    {
        var signal = app.Services.GetRequiredService<StopSignal>();
        try
        {
            await app.RunAsync();
        }
        catch (OperationCanceledException) when (signal.Requested.IsCancellationRequested)
        {
            // The start-up did not finish within the grace period after a stop: stopped all the same.
        }
    }
}
