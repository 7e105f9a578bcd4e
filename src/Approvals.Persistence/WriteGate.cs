namespace Approvals.Persistence;

/// <summary>
/// Lets one write at a time into the database when the database is SQLite, which serialises writers anyway:
/// waiting here in order is faster and fairer than SQLite's busy handler, which sleeps and retries, lets some
/// writers starve and ends in "database is locked". PostgreSQL takes writers in parallel, so there it is open.
/// </summary>
public sealed class WriteGate(bool serialise)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public bool Serialises => serialise;

    /// <summary>Waits for the turn to write; dispose the result right after SaveChanges.</summary>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (!serialise)
        {
            return Open.Instance;
        }

        await _one.WaitAsync(cancellationToken);
        return new Turn(_one);
    }

    private sealed class Turn(SemaphoreSlim one) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                one.Release();
            }
        }
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();

        public void Dispose()
        {
        }
    }
}
