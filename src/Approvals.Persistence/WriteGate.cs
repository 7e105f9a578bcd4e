namespace Approvals.Persistence;

/// <summary>Who is waiting to write, which decides who goes first when several wait.</summary>
public enum WritePriority
{
    /// <summary>New work from a user: a transition, an edit, a sign-in.</summary>
    Request,

    /// <summary>
    /// Finishing work already committed: publishing the outbox, storing notifications, sending e-mail. It goes
    /// ahead of requests, so under load the notifications of committed transitions keep pace with them instead of
    /// queueing behind every new request; <see cref="WriteGateOptions"/> bounds how long requests wait for it.
    /// </summary>
    Delivery,
}

/// <summary>The <c>Database:WriteGate</c> section: how long deliveries may keep a waiting request from writing.</summary>
public sealed class WriteGateOptions
{
    public const string Section = "Database:WriteGate";

    /// <summary>A request that has waited this long writes next, whatever deliveries wait.</summary>
    public TimeSpan RequestMaxWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>At most this many deliveries write in a row while a request waits; then the request goes.</summary>
    public int DeliveriesAhead { get; set; } = 4;
}

/// <summary>
/// Lets one write at a time into the database when the database is SQLite, which serialises writers anyway:
/// waiting here in order is faster and fairer than SQLite's busy handler, which sleeps and retries, lets some
/// writers starve and ends in "database is locked". Waiting writers go in turn, deliveries before requests
/// (see <see cref="WritePriority"/>) within the bounds of <see cref="WriteGateOptions"/>. PostgreSQL takes
/// writers in parallel, so there it is open.
/// <para>
/// Nothing calls it by hand: <see cref="WriteGateInterceptor"/> enters it for every SaveChanges, explicit
/// transaction and ExecuteUpdate/ExecuteDelete of the app's DbContext. A background worker declares its writes
/// deliveries once, with <see cref="AsDelivery"/>.
/// </para>
/// </summary>
public sealed class WriteGate(bool serialise, WriteGateOptions? options = null, TimeProvider? clock = null)
{
    private static readonly AsyncLocal<WritePriority> CurrentPriority = new();

    private readonly Lock _lock = new();
    private readonly Queue<Waiter> _deliveries = new();
    private readonly Queue<Waiter> _requests = new();
    private readonly WriteGateOptions _options = options ?? new WriteGateOptions();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private bool _taken;

    // Deliveries let in since a request last got the turn, counted only while requests wait.
    private int _deliveriesAhead;

    // How many deliveries may go ahead of a waiting request since a request last had the turn: DeliveriesAhead, times
    // the requests that turn carried (see Carries).
    private int _deliveryBudget;

    public bool Serialises => serialise;

    /// <summary>Requests waiting for the turn now (for the tests: a race held at the gate until every racer waits).</summary>
    public int RequestsWaiting
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>The priority of writes made by the current async flow (requests unless declared otherwise).</summary>
    public static WritePriority Priority => CurrentPriority.Value;

    /// <summary>
    /// Marks the writes of the current async flow as deliveries until the result is disposed (or the calling async
    /// method returns: the mark flows down into what it awaits, never back up to its caller).
    /// </summary>
    public static IDisposable AsDelivery()
    {
        var previous = CurrentPriority.Value;
        CurrentPriority.Value = WritePriority.Delivery;
        return new PriorityScope(previous);
    }

    /// <summary>Waits for the turn to write, at the priority of the current flow; dispose the result to pass it on.</summary>
    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) =>
        EnterAsync(Priority, cancellationToken);

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
                if (priority == WritePriority.Request)
                {
                    _deliveryBudget = _options.DeliveriesAhead;
                }

                return ValueTask.FromResult<IDisposable>(new Turn(this));
            }

            waiter = new Waiter(this, _clock.GetTimestamp());
            (priority == WritePriority.Delivery ? _deliveries : _requests).Enqueue(waiter);
        }

        return waiter.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Says that the request turn now held writes the changes of <paramref name="requests"/> requests at once (a group
    /// commit's batch, see <see cref="GroupCommit"/>). As many deliveries per request may then go ahead of the next
    /// request as after single requests: each committed transition has its event to deliver, and without this the
    /// deliveries of a batch of sixty would get the turns of four while batches kept coming, and notifications fell
    /// seconds behind. <see cref="WriteGateOptions.RequestMaxWait"/> still bounds how long a request waits.
    /// </summary>
    public void Carries(int requests)
    {
        lock (_lock)
        {
            _deliveryBudget = _options.DeliveriesAhead * Math.Max(1, requests);
        }
    }

    /// <summary>Hands the turn to the next live waiter, or frees the gate.</summary>
    private void Leave()
    {
        while (true)
        {
            Waiter next;
            lock (_lock)
            {
                if (_requests.Count > 0 && (_deliveries.Count == 0 || RequestIsDue()))
                {
                    next = _requests.Dequeue();
                    _deliveriesAhead = 0;
                    _deliveryBudget = _options.DeliveriesAhead;
                }
                else if (_deliveries.Count > 0)
                {
                    next = _deliveries.Dequeue();
                    _deliveriesAhead = _requests.Count > 0 ? _deliveriesAhead + 1 : 0;
                }
                else
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

    // Deliveries go first, but never more than DeliveriesAhead in a row or for longer than RequestMaxWait while a
    // request waits: after an outage a backlog of deliveries would otherwise hold requests back until it is gone.
    private bool RequestIsDue() =>
        _deliveriesAhead >= _deliveryBudget ||
        _clock.GetElapsedTime(_requests.Peek().Since) >= _options.RequestMaxWait;

    private sealed class Waiter(WriteGate gate, long since)
    {
        private readonly TaskCompletionSource<IDisposable> _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Since { get; } = since;

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

    private sealed class PriorityScope(WritePriority previous) : IDisposable
    {
        public void Dispose() => CurrentPriority.Value = previous;
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();

        public void Dispose()
        {
        }
    }
}
