using Approvals.Persistence;

namespace Approvals.Tests.Persistence;

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
        var gate = new WriteGate(serialise: true);
        var order = new List<string>();
        var held = await gate.EnterAsync(Ct);

        var request = Record(gate.EnterAsync(WritePriority.Request, Ct), "request", order);
        var delivery = Record(gate.EnterAsync(WritePriority.Delivery, Ct), "delivery", order);
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

    private static async Task Record(ValueTask<IDisposable> entering, string name, List<string> order)
    {
        using var turn = await entering;
        lock (order)
        {
            order.Add(name);
        }
    }
}
