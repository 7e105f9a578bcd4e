namespace Approvals.Persistence;

/// <summary>Who is waiting to write, which decides who goes first when several wait.</summary>
public enum WritePriority
{
    /// <summary>New work from a user: a transition, an edit.</summary>
    Request,

    /// <summary>
    /// Finishing work already committed: publishing the outbox, storing notifications. It goes ahead of
    /// requests, so under load the notifications of committed transitions keep pace with them instead of
    /// queueing behind every new request.
    /// </summary>
    Delivery,
}

/// <summary>
/// Lets one write at a time into the database when the database is SQLite, which serialises writers anyway:
/// waiting here in order is faster and fairer than SQLite's busy handler, which sleeps and retries, lets some
/// writers starve and ends in "database is locked". Waiting writers go in turn, deliveries before requests
/// (see <see cref="WritePriority"/>). PostgreSQL takes writers in parallel, so there it is open.
/// </summary>
public sealed class WriteGate(bool serialise)
{
    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _deliveries = new();
    private readonly Queue<Waiter> _requests = new();
    private bool _taken;

    public bool Serialises => serialise;

    /// <summary>Waits for the turn to write; dispose the result right after SaveChanges.</summary>
    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) =>
        EnterAsync(WritePriority.Request, cancellationToken);

    /// <summary>Waits for the turn to write, ahead of requests when <paramref name="priority"/> is a delivery.</summary>
    public ValueTask<IDisposable> EnterAsync(WritePriority priority, CancellationToken cancellationToken)
    {
        if (!serialise)
        {
            return ValueTask.FromResult<IDisposable>(Open.Instance);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (!_taken)
            {
                _taken = true;
                return ValueTask.FromResult<IDisposable>(new Turn(this));
            }

            waiter = new Waiter(this);
            (priority == WritePriority.Delivery ? _deliveries : _requests).Enqueue(waiter);
        }

        return waiter.WaitAsync(cancellationToken);
    }

    /// <summary>Hands the turn to the next live waiter, or frees the gate.</summary>
    private void Leave()
    {
        while (true)
        {
            Waiter? next;
            lock (_lock)
            {
                if (!_deliveries.TryDequeue(out next) && !_requests.TryDequeue(out next))
                {
                    _taken = false;
                    return;
                }
            }

            // A waiter whose caller gave up refuses the turn; the next one gets it.
            if (next.Grant())
            {
                return;
            }
        }
    }

    private sealed class Waiter(WriteGate gate)
    {
        private readonly TaskCompletionSource<IDisposable> _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Grant() => _turn.TrySetResult(new Turn(gate));

        public async ValueTask<IDisposable> WaitAsync(CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled)
            {
                return await _turn.Task;
            }

            await using (cancellationToken.Register(() => _turn.TrySetCanceled(cancellationToken)))
            {
                return await _turn.Task;
            }
        }
    }

    private sealed class Turn(WriteGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Leave();
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
