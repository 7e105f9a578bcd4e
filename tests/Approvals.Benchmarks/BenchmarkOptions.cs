using System.Globalization;

namespace Approvals.Benchmarks;

/// <summary>The command line: <c>--seconds 20 --clients 16 --out result.json</c> and the rarer knobs below.</summary>
public sealed record BenchmarkOptions
{
    public int Seconds { get; init; } = 20;

    public int Clients { get; init; } = 16;

    /// <summary>Seconds of the same workload before measuring, not counted: the JIT keeps optimising hot code for a while.</summary>
    public int WarmupSeconds { get; init; } = 15;

    public string? Out { get; init; }

    /// <summary>Seconds of reading one plan, and then its actions, after the workflow load (0 skips them).</summary>
    public int ReadSeconds { get; init; } = 5;

    /// <summary>Plan counts the coverage report is timed at.</summary>
    public IReadOnlyList<int> CoverageSizes { get; init; } = [100, 1_000, 10_000];

    /// <summary>The app's dll; by default the one built beside this benchmark in the same configuration.</summary>
    public string? App { get; init; }

    /// <summary>Which measurements to run; all three by default. Without the workflow load, raw SQLite runs <see cref="RawTransactions"/>.</summary>
    public IReadOnlySet<string> Parts { get; init; } = new HashSet<string>(AllParts);

    public static readonly string[] AllParts = ["workflow", "raw", "coverage"];

    /// <summary>Transactions for raw SQLite when the workflow load is not run to set the number.</summary>
    public int RawTransactions { get; init; } = 20_000;

    /// <summary>Start the app without the runtime settings of its launch profile and image (<see cref="AppProcess.RuntimeEnvironment"/>).</summary>
    public bool RuntimeDefaults { get; init; }

    /// <summary>Keep the temp folder with the databases for a look afterwards.</summary>
    public bool Keep { get; init; }

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Approvals.Benchmarks -- [options]
          --seconds N          measured run of the workflow load (default 20)
          --clients N          concurrent HTTP clients, and raw SQLite writers (default 16)
          --warmup N           seconds of the same load before measuring, not counted (default 15)
          --out FILE           write the figures as JSON
          --read-seconds N     GET of one plan, then of its actions, each N s after the workflow load (default 5; 0 skips)
          --coverage-sizes L   plan counts for the coverage report, e.g. 100,1000,10000 (the default)
          --parts L            which to run of workflow,raw,coverage (default all three)
          --app FILE           the Approvals.Web.dll to start (default: the one built with this benchmark)
          --runtime-defaults   start the app without the runtime settings its launch profile and image give it
          --keep               keep the temp folder with the databases
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.\n{Usage}");
            options = name switch
            {
                "--seconds" => options with { Seconds = Positive(name, Value()) },
                "--clients" => options with { Clients = Positive(name, Value()) },
                "--warmup" => options with { WarmupSeconds = NonNegative(name, Value()) },
                "--out" => options with { Out = Value() },
                "--read-seconds" => options with { ReadSeconds = NonNegative(name, Value()) },
                "--coverage-sizes" => options with { CoverageSizes = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => Positive(name, s)).ToList() },
                "--parts" => options with { Parts = PartList(name, Value()) },
                "--app" => options with { App = Value() },
                "--runtime-defaults" => options with { RuntimeDefaults = true },
                "--keep" => options with { Keep = true },
                _ => throw new ArgumentException($"Unknown option '{name}'.\n{Usage}"),
            };
        }

        return options;
    }

    private static HashSet<string> PartList(string name, string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = parts.Except(AllParts, StringComparer.OrdinalIgnoreCase).ToList();
        return parts.Count > 0 && unknown.Count == 0
            ? parts.Select(p => p.ToLowerInvariant()).ToHashSet()
            : throw new ArgumentException($"{name} takes a comma-separated list of {string.Join(", ", AllParts)}, not '{text}'.\n{Usage}");
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} must be a whole number above 0, not '{text}'.\n{Usage}");

    private static int NonNegative(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{name} must be a whole number of 0 or more, not '{text}'.\n{Usage}");
}
