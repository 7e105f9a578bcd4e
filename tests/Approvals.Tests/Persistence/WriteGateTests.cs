using Approvals.Persistence;
using Approvals.Tests.Infrastructure;

namespace Approvals.Tests.Persistence;

[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class WriteGateTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Writers_take_turns_one_at_a_time()
    {
        var gate = new WriteGate(serialise: true);
        var first = await gate.EnterAsync(Ct);

        var second = gate.EnterAsync(Ct).AsTask();
        await Task.Delay(50, Ct);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }

    [Fact]
    public async Task A_waiting_delivery_goes_before_requests_that_waited_longer()
    {
        // Within the request's bound (a minute here: on a loaded machine 100 ms can pass before the gate opens).
        var gate = new WriteGate(serialise: true, new WriteGateOptions { RequestMaxWait = TimeSpan.FromMinutes(1) });
        var order = new List<string>();
        var held = await gate.EnterAsync(Ct);

        var request = Record(gate.EnterAsync(WritePriority.Request, Ct), "request", order);
        var delivery = Record(gate.EnterAsync(WritePriority.Delivery, Ct), "delivery", order);
        held.Dispose();
        await Task.WhenAll(request, delivery).WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(["delivery", "request"], order);
    }

    [Fact]
    public async Task A_request_waits_behind_at_most_the_configured_number_of_deliveries()
    {
        var gate = new WriteGate(true, new WriteGateOptions { DeliveriesAhead = 3, RequestMaxWait = TimeSpan.FromHours(1) }, new ManualClock());
        var order = new List<string>();
        var held = await gate.EnterAsync(Ct);

        var waiting = new List<Task> { Record(gate.EnterAsync(WritePriority.Request, Ct), "request", order) };
        waiting.AddRange(Enumerable.Range(1, 6).Select(i => Record(gate.EnterAsync(WritePriority.Delivery, Ct), $"delivery {i}", order)));
        held.Dispose();
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(["delivery 1", "delivery 2", "delivery 3", "request", "delivery 4", "delivery 5", "delivery 6"], order);
    }

    [Fact]
    public async Task After_a_turn_that_carried_a_batch_of_requests_as_many_deliveries_per_request_go_ahead()
    {
        // A group commit's batch of three transitions has three events to deliver: the deliveries get three times the
        // turns of one request before the next batch, or they fall behind while batches keep coming.
        var gate = new WriteGate(true, new WriteGateOptions { DeliveriesAhead = 2, RequestMaxWait = TimeSpan.FromHours(1) }, new ManualClock());
        var order = new List<string>();
        var batch = await gate.EnterAsync(WritePriority.Request, Ct);
        gate.Carries(3);

        var waiting = new List<Task> { Record(gate.EnterAsync(WritePriority.Request, Ct), "request", order) };
        waiting.AddRange(Enumerable.Range(1, 8).Select(i => Record(gate.EnterAsync(WritePriority.Delivery, Ct), $"delivery {i}", order)));
        batch.Dispose();
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(["delivery 1", "delivery 2", "delivery 3", "delivery 4", "delivery 5", "delivery 6", "request", "delivery 7", "delivery 8"], order);
    }

    [Fact]
    public async Task A_request_that_has_waited_longer_than_the_bound_goes_before_waiting_deliveries()
    {
        var clock = new ManualClock();
        var gate = new WriteGate(true, new WriteGateOptions { DeliveriesAhead = 100, RequestMaxWait = TimeSpan.FromMilliseconds(100) }, clock);
        var order = new List<string>();
        var held = await gate.EnterAsync(Ct);

        var request = Record(gate.EnterAsync(WritePriority.Request, Ct), "request", order);
        clock.Advance(TimeSpan.FromMilliseconds(150));
        var deliveries = Enumerable.Range(1, 3).Select(i => Record(gate.EnterAsync(WritePriority.Delivery, Ct), $"delivery {i}", order)).ToList();
        held.Dispose();
        await Task.WhenAll([request, .. deliveries]).WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(["request", "delivery 1", "delivery 2", "delivery 3"], order);
    }

    [Fact]
    public async Task A_flow_marked_as_delivery_enters_as_one_and_the_mark_ends_with_its_scope()
    {
        // The request's bound is not what is tested here: on a loaded machine 100 ms can pass before the gate opens.
        var gate = new WriteGate(serialise: true, new WriteGateOptions { RequestMaxWait = TimeSpan.FromMinutes(1) });
        var order = new List<string>();
        var held = await gate.EnterAsync(Ct);

        var request = Record(gate.EnterAsync(Ct), "request", order);
        Task delivery;
        using (WriteGate.AsDelivery())
        {
            Assert.Equal(WritePriority.Delivery, WriteGate.Priority);
            delivery = Record(gate.EnterAsync(Ct), "delivery", order);
        }

        Assert.Equal(WritePriority.Request, WriteGate.Priority);
        held.Dispose();
        await Task.WhenAll(request, delivery).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal(["delivery", "request"], order);
    }

    [Fact]
    public async Task A_writer_that_gives_up_waiting_passes_the_turn_on()
    {
        var gate = new WriteGate(serialise: true);
        var held = await gate.EnterAsync(Ct);
        using var giveUp = new CancellationTokenSource();

        var abandoned = gate.EnterAsync(giveUp.Token).AsTask();
        var next = gate.EnterAsync(Ct).AsTask();
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        held.Dispose();
        (await next.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        (await gate.EnterAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }

    [Fact]
    public async Task An_open_gate_lets_writers_in_together()
    {
        var gate = new WriteGate(serialise: false);
        using var first = await gate.EnterAsync(Ct);
        var second = gate.EnterAsync(Ct);

        Assert.True(second.IsCompleted);
        (await second).Dispose();
    }

    /// <summary>A clock that moves only when told, for the wait bound.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private static async Task Record(ValueTask<IDisposable> entering, string name, List<string> order)
    {
        using var turn = await entering;
        lock (order)
        {
            order.Add(name);
        }
    }
}
