using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net.Sockets;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using MassTransit;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using Npgsql;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.Security;

/// <summary>
/// The app talks to its database, broker and mail server and to no one else: every outbound connection, name lookup
/// and HTTP request the process makes while the app starts, takes a transition, delivers its e-mail and stops is
/// checked against those three. (In the broker collection, which runs alone, so no other test's connections mix in.)
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class OutboundConnectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_app_connects_only_to_its_database_broker_and_mail_server()
    {
        var smtpPort = FreePort();
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(smtpPort).Build();
        var settings = RabbitMqBroker.Settings(RabbitMqBroker.Address, RabbitMqBroker.NewPrefix());
        settings["Smtp:Host"] = "127.0.0.1";
        settings["Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture);
        settings["Smtp:PollInterval"] = "00:00:00.1";
        var allowed = new Allowed();
        allowed.Add(RabbitMqBroker.Address);
        allowed.Add($"127.0.0.1:{smtpPort}");

        using var listener = new OutboundListener();
        await using (var configured = new ConfiguredApp(settings))
        {
            if (configured.Database.Provider == "Postgres")
            {
                var postgres = new NpgsqlConnectionStringBuilder(configured.Database.ConnectionString);
                allowed.Add($"{postgres.Host}:{postgres.Port}");
            }

            // MassTransit would send its usage report minutes after start; on shutdown it is sent at once, so a
            // report that is not switched off shows up within the test.
            await using var app = configured.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
                s.Configure<UsageTelemetryOptions>(o => o.ReportOnShutdown = true)));
            using var client = app.CreateClient();
            var token = (await (await client.PostAsJsonAsync("/api/auth/login", new { email = Users.Secretary(Committee.Sud), password = Approvals.Web.Features.Accounts.DemoAccounts.Password }))
                .ReadOk<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString();
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var plan = await (await client.PostAsJsonAsync("/api/plans", Review.ReviewApp.CleanPlan("SUD"))).ReadOk<PlanResponse>();
            var submit = new HttpRequestMessage(HttpMethod.Post, $"/api/plans/{plan.Id}/transitions") { Content = JsonContent.Create(new { action = "submit" }) };
            submit.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Parse(plan.ETag));
            await (await client.SendAsync(submit)).ReadOk<TransitionResponse>();
            await Eventually.True(() => Task.FromResult(smtp.ReceivedEmailCount > 0), TimeSpan.FromSeconds(60), "the submit's e-mail to the administrative reviewers");
        }

        var seen = listener.Seen.ToList();
        foreach (var connection in seen.Distinct())
        {
            output.WriteLine(connection.ToString());
        }

        // The listener works: it saw the app reach its broker and its mail server.
        Assert.Contains(seen, c => c.Kind == "connect" && allowed.Permits(c));
        Assert.Contains(seen, c => c.Kind == "connect" && c.Target.EndsWith($":{smtpPort}", StringComparison.Ordinal));
        var strangers = seen.Where(c => !allowed.Permits(c)).Select(c => c.ToString()).Distinct().ToList();
        Assert.True(strangers.Count == 0, "The app reached beyond its database, broker and mail server: " + string.Join("; ", strangers));
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed record Outbound(string Kind, string Target)
    {
        public override string ToString() => $"{Kind} {Target}";
    }

    /// <summary>The configured servers, by host name and by address and port.</summary>
    private sealed class Allowed
    {
        private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<IPEndPoint> _endpoints = [];

        public void Add(string hostAndPort)
        {
            var colon = hostAndPort.LastIndexOf(':');
            var (host, port) = (hostAndPort[..colon], int.Parse(hostAndPort[(colon + 1)..], CultureInfo.InvariantCulture));
            _hosts.Add(host);
            foreach (var address in Dns.GetHostAddresses(host))
            {
                _endpoints.Add(new IPEndPoint(address, port));
                _endpoints.Add(new IPEndPoint(address.MapToIPv6(), port));
            }
        }

        public bool Permits(Outbound outbound) => outbound.Kind switch
        {
            "connect" => IPEndPoint.TryParse(outbound.Target, out var endpoint) && _endpoints.Contains(endpoint),
            "resolve" => _hosts.Contains(outbound.Target) || (IPAddress.TryParse(outbound.Target, out var address) && _endpoints.Any(e => e.Address.Equals(address))),
            _ => _hosts.Contains(outbound.Target.Split(':')[0]),
        };
    }

    /// <summary>Outbound connections, name lookups and HTTP requests of the whole process, from the runtime's event sources.</summary>
    private sealed class OutboundListener : EventListener
    {
        public ConcurrentQueue<Outbound> Seen { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name is "System.Net.Sockets" or "System.Net.NameResolution" or "System.Net.Http")
            {
                EnableEvents(source, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            string? Payload(string name) => e.PayloadNames?.IndexOf(name) is { } i and >= 0 ? e.Payload![i]?.ToString() : null;

            switch (e.EventSource.Name, e.EventName)
            {
                case ("System.Net.Sockets", "ConnectStart"):
                    Seen.Enqueue(new Outbound("connect", EndpointOf(Payload("address") ?? "")));
                    break;
                case ("System.Net.NameResolution", "ResolutionStart"):
                    Seen.Enqueue(new Outbound("resolve", Payload("hostNameOrAddress") ?? ""));
                    break;
                // The test's own requests to the in-memory test server count here as requests to localhost (without
                // a socket); any other request, and any real one, is seen.
                case ("System.Net.Http", "RequestStart") when Payload("host") != "localhost":
                    Seen.Enqueue(new Outbound("http", $"{Payload("host")}:{Payload("port")}"));
                    break;
            }
        }

        /// <summary>
        /// The socket address as the runtime prints it, its bytes after the family ("InterNetwork:16:{0,25,127,0,0,1,0,...}":
        /// the port, then an IPv4 address; for IPv6 the port, four bytes of flow information, then the address), as address:port.
        /// </summary>
        private static string EndpointOf(string socketAddress)
        {
            var open = socketAddress.IndexOf('{');
            if (open < 0 || !socketAddress.EndsWith('}'))
            {
                return socketAddress;
            }

            var bytes = socketAddress[(open + 1)..^1].Split(',').Select(b => byte.Parse(b.Trim(), CultureInfo.InvariantCulture)).ToArray();
            var port = (bytes[0] << 8) | bytes[1];
            var address = socketAddress.StartsWith("InterNetworkV6", StringComparison.Ordinal) ? new IPAddress(bytes[6..22]) : new IPAddress(bytes[2..6]);
            return new IPEndPoint(address, port).ToString();
        }
    }
}
