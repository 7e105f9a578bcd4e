using Microsoft.Data.Sqlite;
using Npgsql;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// The database one <see cref="ApprovalsApp"/> runs on: a fresh SQLite file by default, or with
/// <c>APPROVALS_TEST_DATABASE=Postgres</c> a fresh, uniquely named database on the PostgreSQL server that
/// <c>APPROVALS_TEST_POSTGRES</c> points at (tests/run.sh starts one). Dropped when the app is disposed.
/// </summary>
public abstract class TestDatabase
{
    public const string ProviderVariable = "APPROVALS_TEST_DATABASE";
    public const string PostgresVariable = "APPROVALS_TEST_POSTGRES";

    /// <summary>The value of <c>Database:Provider</c>.</summary>
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public static bool UsePostgres => string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    public static TestDatabase Create(string folder)
    {
        var provider = Environment.GetEnvironmentVariable(ProviderVariable);
        if (string.IsNullOrEmpty(provider) || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteTestDatabase(folder);
        }

        if (!UsePostgres)
        {
            throw new InvalidOperationException($"{ProviderVariable}='{provider}' is not a database the tests know: use Sqlite (the default) or Postgres.");
        }

        return Postgres();
    }

    /// <summary>A fresh SQLite file whatever the pass: for tests of what only SQLite does (the write gate).</summary>
    public static TestDatabase Sqlite() =>
        new SqliteTestDatabase(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N")));

    /// <summary>A fresh PostgreSQL database whatever the pass: for tests of what only PostgreSQL does.</summary>
    public static TestDatabase Postgres()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set. Run the tests with tests/run.sh, which starts PostgreSQL, " +
                $"or set {PostgresVariable} to the connection string of a role that may create databases.");
        }

        return new PostgresTestDatabase(server);
    }

    /// <summary>Makes the database exist (empty) before the app starts.</summary>
    public abstract void Prepare();

    /// <summary>Cuts the running app off from its database, as when the database server goes away.</summary>
    public abstract Task MakeUnreachable();

    /// <summary>
    /// Makes the database refuse writes while it still answers queries, as a read-only mount or a standby does.
    /// Connections the app opens from now on are read-only; the pool is emptied so every later use opens one.
    /// </summary>
    public abstract Task MakeReadOnly();

    /// <summary>Lets the database take writes again. Connections opened meanwhile stay as they were opened.</summary>
    public abstract Task MakeWritable();

    public abstract Task Drop();
}

internal sealed class SqliteTestDatabase(string folder) : TestDatabase
{
    private bool _immutable;

    public string Path { get; } = System.IO.Path.Combine(folder, "approvals.db");

    public override string Provider => "Sqlite";

    public override string ConnectionString => $"Data Source={Path}";

    public override void Prepare() => Directory.CreateDirectory(folder);

    public override Task MakeUnreachable()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    // Root may write any file whatever its mode, so the file is made immutable instead: SQLite then opens it
    // read-only, and a connection opened so stays read-only after the flag is gone, as after a read-only mount.
    public override Task MakeReadOnly()
    {
        Chattr("+i");
        _immutable = true;
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        return Task.CompletedTask;
    }

    public override Task MakeWritable()
    {
        Chattr("-i");
        _immutable = false;
        return Task.CompletedTask;
    }

    private void Chattr(string flag)
    {
        using var chattr = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, Path])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not run chattr.");
        var error = chattr.StandardError.ReadToEnd();
        chattr.WaitForExit();
        if (chattr.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"chattr {flag} {Path} failed ({chattr.ExitCode}): {error.Trim()}. The read-only database tests need root and a file system with " +
                "the immutable flag (ext4, xfs, btrfs, tmpfs): run them as tests/run.sh does.");
        }
    }

    public override Task Drop()
    {
        if (_immutable)
        {
            Chattr("-i");
        }

        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS temp cleaner.
        }

        return Task.CompletedTask;
    }
}

internal sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _server;
    private readonly string _name = $"approvals_test_{Guid.NewGuid():N}";
    private readonly Lock _gate = new();
    private bool _created;

    public PostgresTestDatabase(string server)
    {
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = _name }.ConnectionString;
    }

    public override string Provider => "Postgres";

    public override string ConnectionString { get; }

    // An ICU collation for English, as the official PostgreSQL image's default (en_US.utf8) sorts: with it
    // a query that relies on the database to order "ØU" or "a"/"B" gives a different order than on SQLite,
    // and the tests see it. EnsureCreated then finds the empty database and creates the tables.
    public override void Prepare()
    {
        // Instances sharing this database start on several threads: the second must wait until the database
        // exists, or it starts without the start-up lock (which needs the database) and races the first.
        lock (_gate)
        {
            if (_created)
            {
                return; // another instance, or a WithWebHostBuilder copy of the app, shares this database
            }

            using var connection = new NpgsqlConnection(_server);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{_name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'";
            command.ExecuteNonQuery();
            _created = true;
        }
    }

    public override async Task MakeUnreachable()
    {
        await Admin($"ALTER DATABASE \"{_name}\" WITH ALLOW_CONNECTIONS false", TerminateAppSessions);
        await using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    // A session keeps the default_transaction_read_only it started with: connections opened while the database is
    // read-only stay read-only after it is reset, as after a fail-over from a standby.
    public override async Task MakeReadOnly()
    {
        await Admin($"ALTER DATABASE \"{_name}\" SET default_transaction_read_only = on", TerminateAppSessions);
        await using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    // The app's sessions only: an autovacuum worker visiting the database is the server's own, and a role that is not
    // a superuser may not end it (42501 "must be a superuser to terminate superuser process", a CI run of 2026-11-30).
    private string TerminateAppSessions =>
        $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_name}' AND usename = current_user";

    public override Task MakeWritable() => Admin($"ALTER DATABASE \"{_name}\" RESET default_transaction_read_only");

    public override async Task Drop()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        // FORCE may not terminate a session of another role: an autovacuum worker visiting the fresh database is the
        // server's own (42501 "must be a member of the role whose process is being terminated"). It leaves within a
        // moment, so the drop is tried again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Admin($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    private async Task Admin(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
