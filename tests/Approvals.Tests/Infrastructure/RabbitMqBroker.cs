using System.Net;
using System.Net.Sockets;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// The real RabbitMQ broker started by tests/scripts/services.sh (APPROVALS_TEST_RABBITMQ = host:port, user
/// guest/guest). Each test gets its own name prefix, so its queues and exchanges are its own on the shared broker.
/// </summary>
public static class RabbitMqBroker
{
    public const string Variable = "APPROVALS_TEST_RABBITMQ";

    public static string Address =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException(
                $"{Variable} is not set, so there is no RabbitMQ broker to test against. Run the tests with `bash tests/run.sh`, " +
                "or `source tests/scripts/services.sh; services_install; services_start` first (it exports the variable).");

    public static string NewPrefix() => $"t-{Guid.NewGuid():N}"[..14] + "-";

    /// <summary>Settings for an app on the broker at <paramref name="address"/> (host:port), with short retry intervals.</summary>
    public static Dictionary<string, string?> Settings(string address, string prefix) => new()
    {
        ["Messaging:Transport"] = "RabbitMq",
        ["Messaging:RabbitMq:Host"] = address,
        ["Messaging:RabbitMq:Username"] = "guest",
        ["Messaging:RabbitMq:Password"] = "guest",
        ["Messaging:Prefix"] = prefix,
        ["Messaging:Outbox:PollInterval"] = "00:00:00.2",
        ["Messaging:Outbox:PublishTimeout"] = "00:00:02",
        ["Messaging:Outbox:RetryBaseDelay"] = "00:00:00.2",
        ["Messaging:Outbox:RetryMaxDelay"] = "00:00:01",
    };
}

/// <summary>
/// A TCP relay in front of the broker that a test can cut and restore: an outage of the broker as the app
/// sees it, without stopping the broker other tests use.
/// </summary>
public sealed class BrokerSwitch : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly List<TcpClient> _connections = [];
    private readonly Lock _lock = new();
    private TcpListener? _listener;

    public BrokerSwitch(string target)
    {
        var colon = target.LastIndexOf(':');
        _targetHost = target[..colon];
        _targetPort = int.Parse(target[(colon + 1)..]);
        Listen(0);
    }

    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Drops every connection and refuses new ones.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public void Restore() => Listen(Port);

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        lock (_lock)
        {
            _listener = listener;
        }

        _ = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_targetHost, _targetPort);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            lock (_lock)
            {
                if (_listener != listener)
                {
                    client.Dispose();
                    upstream.Dispose();
                    return;
                }

                _connections.Add(client);
                _connections.Add(upstream);
            }

            _ = Pump(client, upstream);
            _ = Pump(upstream, client);
        }
    }

    private static async Task Pump(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // The switch was cut, or one side closed.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}

/// <summary>
/// Tests against the real broker run one at a time and apart from the rest of the suite: they time outages,
/// retries and deliveries, which a machine busy with hundreds of other tests stretches past their patience.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerCollection
{
    public const string Name = "broker";
}
