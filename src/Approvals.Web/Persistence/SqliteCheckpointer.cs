using Approvals.Persistence;
using Microsoft.Data.Sqlite;

namespace Approvals.Web.Persistence;

/// <summary>
/// Copies the SQLite write-ahead log into the database file from a connection of its own, every
/// <see cref="Interval"/>, instead of leaving it to whichever commit fills the log to 1,000 pages. That commit
/// used to do the copy (4 MB) and two <c>fsync</c>s while it held the one turn to write (see WriteGate), so
/// under load every writer waited for it, about once a second. A passive checkpoint takes no write lock:
/// writers go on appending to the log while it copies, and the log starts from its beginning again at the next
/// write once all of it is in the file. Durability is unchanged: a commit is in the log, which is kept until
/// copied, and a crash replays it.
/// <para>
/// Once the log holds <see cref="RestartPages"/> pages the worker copies its last few pages with the write gate's
/// turn, so that the next write starts the log over (see <see cref="CheckpointAsync"/>). The app's connections
/// checkpoint only when the log reaches <see cref="FallbackPages"/> pages (about 40 MB): should this worker stop
/// or fall behind, commits take the work over again.
/// </para>
/// </summary>
internal sealed class SqliteCheckpointer(string connectionString, TimeSpan interval, WriteGate gate, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>The configuration key of the interval; zero leaves checkpoints to the commits, as SQLite does by default.</summary>
    public const string Key = "Database:CheckpointInterval";

    /// <summary>The log size, in pages, at which a commit checkpoints when this worker has not.</summary>
    public const int FallbackPages = 10_000;

    /// <summary>
    /// The log size, in pages, from which the worker finishes a checkpoint with the write gate's turn (SQLite's own
    /// threshold for a commit to checkpoint): see <see cref="CheckpointAsync"/>.
    /// </summary>
    public const int RestartPages = 1_000;

    /// <summary>How long the finishing checkpoint waits for readers, with the write gate's turn held; then it tries at the next tick.</summary>
    private const int ReaderWaitMs = 20;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(10);

    public TimeSpan Interval => interval;

    /// <summary>The interval configured, checked at start-up: between zero (off) and <see cref="MaxInterval"/>.</summary>
    public static TimeSpan IntervalFrom(IConfiguration configuration)
    {
        var text = configuration[Key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultInterval;
        }

        if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < TimeSpan.Zero || value > MaxInterval)
        {
            throw new InvalidOperationException(
                $"{Key} is '{text}'. Give a time between 00:00:00 (commits checkpoint, SQLite's default) and {MaxInterval:c}, e.g. 00:00:00.1.");
        }

        return value;
    }

    /// <summary>Whether a checkpointer runs for this connection string: a file database, and an interval above zero.</summary>
    public static bool Runs(string connectionString, TimeSpan interval)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return interval > TimeSpan.Zero && builder.Mode != SqliteOpenMode.Memory && !builder.DataSource.StartsWith(':') && builder.DataSource.Length > 0;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time whatever clock the app is given: this is upkeep of the file, not business time.
        using var timer = new PeriodicTimer(interval);
        SqliteConnection? connection = null;
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (connection is null)
                    {
                        connection = Open();
                        if (!InWalMode(connection))
                        {
                            logger.LogInformation("The database is not in WAL mode; there is no log to checkpoint.");
                            return;
                        }
                    }

                    await CheckpointAsync(connection, stoppingToken);

                    if (failing)
                    {
                        logger.LogInformation("Checkpoints of the SQLite log work again.");
                        failing = false;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Once per run of failures, and never the end of the worker (nor, as an unhandled exception in a
                    // hosted service, of the app): commits checkpoint meanwhile (FallbackPages).
                    if (!failing)
                    {
                        logger.LogWarning(e, "A checkpoint of the SQLite log failed; it is tried again every {Interval}.", interval);
                        failing = true;
                    }

                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private SqliteConnection Open()
    {
        // Never creates the file: that is the schema's initializer's to do.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={ReaderWaitMs};";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Copies what the log holds into the file. Writers append to the log meanwhile, so under steady writes it is
    /// never all copied at the moment a write begins, which is when SQLite starts the log over: it would grow to
    /// <see cref="FallbackPages"/>. So once it holds <see cref="RestartPages"/>, the worker copies what was appended
    /// meanwhile (a few pages) with the write gate's turn, as a delivery: then the whole log is in the file and the next
    /// write starts it over.
    /// </summary>
    private async Task CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var log = Checkpoint(connection, "PASSIVE");
        if (log >= RestartPages)
        {
            using (await gate.EnterAsync(WritePriority.Delivery, cancellationToken))
            {
                // RESTART also waits (ReaderWaitMs at most) for readers still on the log's pages to finish: a reader
                // on them would keep the next write from starting the log over.
                Checkpoint(connection, "RESTART");
            }
        }
    }

    /// <summary>
    /// Runs a checkpoint; returns the log's size in pages, or -1 when another connection is checkpointing at the same
    /// time. SQLite then answers "busy" with no sizes (-1), as it does for a database without a log: this used to be
    /// taken for the latter, and the worker stopped for good at the first checkpoint of another connection (a commit
    /// at <see cref="FallbackPages"/>, an operator's tool), leaving the log to grow to that size. The next tick tries again.
    /// </summary>
    private static long Checkpoint(SqliteConnection connection, string mode)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode});";
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(1) : -1;
    }

    /// <summary>Whether the database has a write-ahead log: asked once per connection, not inferred from a checkpoint's answer.</summary>
    private static bool InWalMode(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
    }
}
