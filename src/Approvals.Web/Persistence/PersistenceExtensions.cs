using System.Data.Common;
using System.Runtime.CompilerServices;
using Approvals.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Approvals.Web.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>How the schema is brought up to date at start-up: migrations in production, EnsureCreated in tests.</summary>
public enum SchemaMode
{
    Migrate,
    EnsureCreated,
}

public static class PersistenceExtensions
{
    public static void AddPersistence(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString("Approvals");

        if (provider == DatabaseProvider.Sqlite)
        {
            // Before any connection opens: SQLite takes its process-wide settings only then.
            SqliteLibrary.Configure();
            connectionString = SqliteConnectionString(connectionString, builder.Environment.ContentRootPath);
        }
        else if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "Database:Provider is Postgres but ConnectionStrings:Approvals is empty. " +
                "Set it, e.g. ConnectionStrings__Approvals=\"Host=localhost;Database=approvals;Username=approvals;Password=...\".");
        }

        // One write at a time on SQLite, whoever writes: every SaveChanges, transaction and ExecuteUpdate of the
        // context goes through the gate by way of its interceptor. PostgreSQL takes writers in parallel.
        var fairness = configuration.GetSection(WriteGateOptions.Section).Get<WriteGateOptions>() ?? new WriteGateOptions();
        builder.Services.AddSingleton(services => new WriteGate(provider == DatabaseProvider.Sqlite, fairness, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<WriteGateInterceptor>();

        // Switched on (SQLite only), the transitions' saves are committed in groups by one writer (see GroupCommit);
        // off (the default: see the README's Performance section for why), or on PostgreSQL, each is a SaveChanges of its own.
        var groupCommit = provider == DatabaseProvider.Sqlite && configuration.GetValue(GroupCommit.Key, false);
        builder.Services.AddSingleton(services => new GroupCommit(
            groupCommit, services.GetRequiredService<IServiceScopeFactory>(), services.GetServices<IGroupCommitObserver>(),
            services.GetRequiredService<ILogger<GroupCommit>>(), services.GetRequiredService<WriteGate>()));
        builder.Services.AddSingleton<StaleConnectionInterceptor>();

        // The write-ahead log is copied into the file by a worker of its own, not by the commit that fills it (see
        // SqliteCheckpointer); the app's connections then checkpoint only should that worker fall far behind.
        SqlitePragmas? pragmas = null;
        TimeSpan? checkpointInterval = null;
        if (provider == DatabaseProvider.Sqlite)
        {
            var checkpoints = SqliteCheckpointer.IntervalFrom(configuration);
            var checkpointer = SqliteCheckpointer.Runs(connectionString, checkpoints);
            pragmas = new SqlitePragmas(checkpointer ? SqliteCheckpointer.FallbackPages : null);
            checkpointInterval = checkpointer ? checkpoints : null;
        }

        // Made by a factory, so the container disposes it and closes the connections it keeps.
        builder.Services.AddSingleton(_ => new PreparedReads(provider == DatabaseProvider.Sqlite ? connectionString : null));
        builder.Services.AddSingleton(services =>
        {
            var stale = services.GetRequiredService<StaleConnectionInterceptor>();
            return new KeptWriter(
                provider == DatabaseProvider.Sqlite ? connectionString : null, pragmas?.ForWriters ?? "", services.GetRequiredService<WriteGate>(),
                refused: error =>
                {
                    // Its connection is not the pool's: one of the pool's stands for them all.
                    using var pooled = new SqliteConnection(connectionString);
                    stale.Failed(pooled, error);
                });
        });

        builder.Services.AddDbContextPool<ApprovalsDbContext>((services, options) =>
        {
            // A failed save is logged by whoever does not expect it: the request's exception log (ExceptionLogging),
            // a background worker's catch, MassTransit's consumer faults. EF Core itself would log every failed save
            // as an error with its stack, also those the code expects and answers, such as the loser of two
            // simultaneous submits meeting the winner's revision row (the client correctly gets 409).
            options.ConfigureWarnings(w => w.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug)));
            if (provider == DatabaseProvider.Sqlite)
            {
                options.UseSqlite(connectionString, x => x.MigrationsAssembly("Approvals.Persistence.Sqlite"));
                options.AddInterceptors(pragmas!);
                services.GetRequiredService<WriteGateInterceptor>().AddTo(options);
            }
            else
            {
                options.UseNpgsql(connectionString, x => x.MigrationsAssembly("Approvals.Persistence.Postgres"));
            }

            options.AddInterceptors(services.GetRequiredService<StaleConnectionInterceptor>());
        });

        if (provider == DatabaseProvider.Postgres)
        {
            builder.Services.AddHostedService(sp => new StartupLock(connectionString, sp.GetRequiredService<ILogger<StartupLock>>()));
        }

        // Registered first so it starts first: the data protection key ring is read from the database by a
        // hosted service of its own, and every instance must find the same keys there.
        builder.Services.AddHostedService<SchemaInitializer>();
        if (checkpointInterval is { } interval)
        {
            // After the schema's initializer, so the file it checkpoints exists and is in WAL mode.
            builder.Services.AddHostedService(services => new SqliteCheckpointer(
                connectionString, interval, services.GetRequiredService<WriteGate>(), services.GetRequiredService<ILogger<SqliteCheckpointer>>()));
        }

        builder.Services.AddDataProtection()
            .SetApplicationName("Approvals")
            .PersistKeysToDbContext<ApprovalsDbContext>();
    }

    private static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(contentRoot, "App_Data", "approvals.db")}"
            : configured);
        if (csb.Mode != SqliteOpenMode.Memory && !csb.DataSource.StartsWith(':') && Path.GetDirectoryName(Path.GetFullPath(csb.DataSource)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return csb.ToString();
    }
}

/// <summary>
/// WAL lets readers run beside the single writer; synchronous=NORMAL is durable across process crashes
/// in WAL mode (only an OS crash can lose the last commits), which is the durability SQLite documents for WAL.
/// temp_store=MEMORY keeps sorts in memory instead of spilling them to temp files. The file is not memory-mapped:
/// mapped pages count towards the process's working set (about 120 MB of it at 10,000 plans), and since plan
/// content moved out of the plan rows, mapping saves the coverage report's scan only ~10 ms.
/// </summary>
/// <param name="autoCheckpointPages">The log size at which a commit checkpoints; null keeps SQLite's 1,000 pages.</param>
internal sealed class SqlitePragmas(int? autoCheckpointPages = null) : DbConnectionInterceptor
{
    /// <summary>Run on every connection the app opens; the benchmark's raw SQLite writers run the same.</summary>
    internal const string Statements =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";

    private readonly string _statements = Statements + (autoCheckpointPages is { } pages ? $" PRAGMA wal_autocheckpoint={pages};" : "");

    /// <summary>What every app connection that writes runs once opened: <see cref="Statements"/> and the checkpoint setting.</summary>
    internal string ForWriters => _statements;

    private static readonly object Applied = new();

    // EF Core opens a connection for every query and SaveChanges, taking a pooled native connection that keeps its
    // pragmas: running them once per native connection spares six statements on each open.
    private readonly ConditionalWeakTable<object, object> _applied = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && !_applied.TryAdd(handle, Applied))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = _statements;
        command.ExecuteNonQuery();
    }
}

/// <summary>Brings the schema up to date before the app serves requests (hosted services start before Kestrel listens).</summary>
internal sealed class SchemaInitializer(IServiceProvider services, IConfiguration configuration, ILogger<SchemaInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
        if (db.Database.IsSqlite())
        {
            SqliteLibrary.Report(logger);
        }

        var mode = configuration.GetValue("Database:Schema", SchemaMode.Migrate);
        if (mode == SchemaMode.EnsureCreated)
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
            // What the model cannot describe and the migrations create (an index on an expression).
            await db.Database.ExecuteSqlRawAsync(CoverageOrder.EnsureIndexSql(db.Database.IsSqlite()), cancellationToken);
            return;
        }

        // The history table first: on an empty PostgreSQL database, Npgsql finds out that it is missing by querying
        // it, and EF Core logs that failed query as an error on every first start (npgsql/efcore.pg#3407).
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
