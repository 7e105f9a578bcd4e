using Npgsql;

namespace Approvals.Web.Persistence;

/// <summary>
/// On PostgreSQL, lets one instance at a time run its start-up work: migrations, roles and demo data are each
/// "check, then create", and two instances starting together would both create. It holds a PostgreSQL
/// advisory lock from before the first hosted service starts until the last has started (all
/// <see cref="IHostedLifecycleService.StartingAsync"/> calls run before any StartAsync).
/// </summary>
internal sealed class StartupLock(string connectionString, ILogger<StartupLock> logger) : IHostedLifecycleService
{
    private const string LockKey = "hashtext('approvals-startup')";
    private NpgsqlConnection? _connection;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        // Unpooled: a session-level lock must end with its own connection, not linger in a pool.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // Migrate creates the database; an instance starting alongside may then fail once and be restarted.
            logger.LogWarning("The database does not exist yet, so start-up runs without the start-up lock.");
            await connection.DisposeAsync();
            return;
        }

        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync(); // a stop while waiting for the lock, or the database went away
            throw;
        }

        _connection = connection;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Release();

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Release();

    private async Task Release()
    {
        if (_connection is not { } connection)
        {
            return;
        }

        _connection = null;
        await using (connection)
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
