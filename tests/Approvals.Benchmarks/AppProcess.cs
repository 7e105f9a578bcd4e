using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Approvals.Benchmarks;

/// <summary>
/// The real app as a process of its own (so its memory is its own), on a free loopback port, over an SQLite
/// file, with the demo accounts and the in-memory bus. Disposing kills it.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
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

    public static string ConnectionStringFor(string databaseFile) => $"Data Source={databaseFile}";

    /// <summary>Starts the app over <paramref name="databaseFile"/> and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<AppProcess> StartAsync(string appDll, string databaseFile, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(appDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Approvals"] = ConnectionStringFor(databaseFile);
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

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {appDll}.");
        var app = new AppProcess(process, address, databaseFile);
        try
        {
            await app.WaitUntilReadyAsync(cancellationToken);
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

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
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

        throw new TimeoutException($"The app did not report ready at {Address}health/ready within 90 s:{Environment.NewLine}{RecentOutput()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
