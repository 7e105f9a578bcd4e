using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Approvals.Benchmarks;

/// <summary>
/// The real app as a process of its own (so its memory is its own), on a loopback port, over an SQLite file with
/// the demo accounts and the in-memory bus, or whatever <see cref="AppProcessOptions.Environment"/> says. Disposing
/// kills it. The fault tests stop it (<see cref="Terminate"/>), kill it (<see cref="Kill"/>) and start it again.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int KeptLines = 20_000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Timer? _sampler;
    private long _sampledPeakBytes;

    private AppProcess(Process process, Uri address, string databaseFile)
    {
        _process = process;
        Address = address;
        DatabaseFile = databaseFile;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Where /proc is missing, the peak is sampled instead of read from the kernel.
        if (!File.Exists("/proc/self/status"))
        {
            _sampler = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
        }
    }

    public Uri Address { get; }

    public string DatabaseFile { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Every line the app has written to stdout and stderr so far (the last <see cref="KeptLines"/>).</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>
    /// The runtime's settings that every way of starting the app gives it, as its launch profile
    /// (<c>src/Approvals.Web/Properties/launchSettings.json</c>) and the container image (<c>docker/Dockerfile</c>) do:
    /// gen 0 of the garbage collector is collected after 32 MB of allocation (hexadecimal, as the runtime reads it from
    /// the environment, the only place it reads it from). The runtime sizes gen 0 by the processor's cache, and where
    /// the processor does not report it, as in many virtual machines, kept it to 2–6 MB: about 26 collections a second
    /// under the benchmark's load, 16 of them of gen 1.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RuntimeEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_GCgen0size"] = "0x2000000",
    };

    public static string ConnectionStringFor(string databaseFile) => $"Data Source={databaseFile}";

    /// <summary>Starts the app over <paramref name="databaseFile"/> and waits until <c>/health/ready</c> answers 200.</summary>
    public static Task<AppProcess> StartAsync(string appDll, string databaseFile, CancellationToken cancellationToken) =>
        StartAsync(new AppProcessOptions { AppDll = appDll, DatabaseFile = databaseFile }, cancellationToken);

    /// <summary>Starts the app as <paramref name="options"/> say; with <see cref="AppProcessOptions.WaitUntilReady"/>, waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<AppProcess> StartAsync(AppProcessOptions options, CancellationToken cancellationToken)
    {
        var port = options.Port ?? FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(options.AppDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(options.AppDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Approvals"] = ConnectionStringFor(options.DatabaseFile);
        start.Environment["Database__Provider"] = "Sqlite";
        // A fresh file: EnsureCreated gives the model's schema whether or not migrations have been generated.
        start.Environment["Database__Schema"] = "EnsureCreated";
        start.Environment["Demo__Enabled"] = "true";
        // The load signs in every account from one address at once; the sign-in limits are not what is measured.
        start.Environment["SignIn__PerAddress__Burst"] = "1000";
        start.Environment["Messaging__Transport"] = "InMemory";
        start.Environment["Smtp__Host"] = "";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Format"] = "Simple";
        if (!options.RuntimeDefaults)
        {
            foreach (var (key, value) in RuntimeEnvironment)
            {
                start.Environment[key] = value;
            }
        }

        foreach (var (key, value) in options.Environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {options.AppDll}.");
        var app = new AppProcess(process, address, options.DatabaseFile);
        if (!options.WaitUntilReady)
        {
            return app;
        }

        try
        {
            await app.WaitUntilReadyAsync(options.ReadyTimeout, cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The app built beside this benchmark: <c>src/Approvals.Web/bin/&lt;configuration&gt;/net10.0/Approvals.Web.dll</c>
    /// under the repository root (the folder holding Approvals.sln), in this assembly's build configuration.
    /// </summary>
    public static string DefaultAppDll()
    {
        var configuration = typeof(AppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Approvals.sln")))
            {
                var dll = Path.Combine(folder.FullName, "src", "Approvals.Web", "bin", configuration, "net10.0", "Approvals.Web.dll");
                return File.Exists(dll)
                    ? dll
                    : throw new FileNotFoundException($"The app is not built in {configuration}: build src/Approvals.Web -c {configuration}, or pass --app.", dll);
            }
        }

        throw new InvalidOperationException($"No Approvals.sln above {AppContext.BaseDirectory}: run the benchmark from the repository, or pass --app.");
    }

    /// <summary>The most memory the process has held: VmHWM from /proc, else the highest sampled working set.</summary>
    public double PeakWorkingSetMb()
    {
        Sample();
        var status = $"/proc/{_process.Id}/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Max(kb * 1024, Interlocked.Read(ref _sampledPeakBytes)) / (1024.0 * 1024.0);
                }
            }
        }

        return Interlocked.Read(ref _sampledPeakBytes) / (1024.0 * 1024.0);
    }

    /// <summary>CPU time (user + system) the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The app's last lines of output, for an error message.</summary>
    public string RecentOutput() => string.Join(Environment.NewLine, _output.TakeLast(40));

    /// <summary>Asks the app to stop, as <c>docker stop</c> or systemd do (SIGTERM).</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"Could not send SIGTERM to process {_process.Id} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Kills the app at once (SIGKILL), as a crash or <c>kill -9</c> does: nothing of it runs any more.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits for the process to end; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            // The output is read on other threads: let them pass on the last lines.
            _process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) =>
        WaitUntilReadyAsync(TimeSpan.FromSeconds(180), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_sampler is not null)
        {
            await _sampler.DisposeAsync();
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Gone already, or not reaped in time: nothing more to do.
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{RecentOutput()}");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The app did not report ready at {Address}health/ready within {timeout.TotalSeconds:0} s:{Environment.NewLine}{RecentOutput()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    private void Sample()
    {
        try
        {
            _process.Refresh();
            var bytes = _process.WorkingSet64;
            long seen;
            while (bytes > (seen = Interlocked.Read(ref _sampledPeakBytes)) && Interlocked.CompareExchange(ref _sampledPeakBytes, bytes, seen) != seen)
            {
            }
        }
        catch (InvalidOperationException)
        {
            // Exited.
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>A loopback port no one listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>How to start an <see cref="AppProcess"/>.</summary>
public sealed class AppProcessOptions
{
    public required string AppDll { get; init; }

    /// <summary>The SQLite file, unless <see cref="Environment"/> names another database.</summary>
    public required string DatabaseFile { get; init; }

    /// <summary>The port to listen on (to start an app again where its clients expect it); a free one when null.</summary>
    public int? Port { get; init; }

    /// <summary>Settings as environment variables (<c>Messaging__Transport</c>), over the defaults above.</summary>
    public IDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Start the app without <see cref="AppProcess.RuntimeEnvironment"/>: as the runtime chooses, for a before and after.</summary>
    public bool RuntimeDefaults { get; init; }

    public bool WaitUntilReady { get; init; } = true;

    /// <summary>A cold start (schema, demo data, first JIT) takes seconds on an idle machine and over a minute on a loaded one.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(180);
}
