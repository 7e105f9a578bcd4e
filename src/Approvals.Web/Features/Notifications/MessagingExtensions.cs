using Approvals.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Approvals.Web.Features.Notifications;

public static class MessagingExtensions
{
    public const string DefaultBaseUrl = "http://localhost:5080";

    /// <summary>The queue all plan-event consumers share; instances of the app compete on it.</summary>
    public const string NotificationsQueue = "notifications";

    private static readonly MimeKit.ParserOptions StrictAddresses = new() { AddressParserComplianceMode = MimeKit.RfcComplianceMode.Strict };

    /// <summary>
    /// MassTransit (in-memory bus, or RabbitMQ with <c>Messaging:Transport=RabbitMq</c>), the outbox dispatcher,
    /// the consumers that fill the inbox, and the mailer when <c>Smtp:Host</c> is set.
    /// </summary>
    public static void AddMessaging(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var messaging = ReadMessagingOptions(configuration);
        var smtp = configuration.GetSection(SmtpOptions.Section).Get<SmtpOptions>() ?? new SmtpOptions();

        services.Configure<MessagingOptions>(configuration.GetSection(MessagingOptions.Section));
        services.PostConfigure<MessagingOptions>(o => o.Transport = messaging.Transport);
        services.AddOptions<MessagingOptions>()
            .Validate(o => o.Outbox.PollInterval > TimeSpan.Zero && o.Outbox.PollInterval <= TimeSpan.FromDays(1),
                "Messaging:Outbox:PollInterval must be longer than zero and at most 1.00:00:00, e.g. 00:00:00.5.")
            .Validate(o => o.Outbox.BatchSize is > 0 and <= 1_000, "Messaging:Outbox:BatchSize must be from 1 to 1000.")
            .Validate(o => o.Outbox.GatherDelay >= TimeSpan.Zero && o.Outbox.GatherDelay <= TimeSpan.FromSeconds(1),
                "Messaging:Outbox:GatherDelay must be from 00:00:00 to 00:00:01, e.g. 00:00:00.020.")
            .Validate(o => o.Outbox.PublishTimeout > TimeSpan.Zero && o.Outbox.PublishTimeout <= TimeSpan.FromMinutes(5),
                "Messaging:Outbox:PublishTimeout must be longer than zero and at most 00:05:00, e.g. 00:00:05.")
            .Validate(o => o.Outbox.RetryBaseDelay > TimeSpan.Zero && o.Outbox.RetryMaxDelay >= o.Outbox.RetryBaseDelay && o.Outbox.RetryMaxDelay <= TimeSpan.FromDays(1),
                "Messaging:Outbox:RetryBaseDelay must be longer than zero, and Messaging:Outbox:RetryMaxDelay at least as long and at most 1.00:00:00.")
            .Validate(o => o.Outbox.Lease >= RowLeases<OutboxMessage, long>.MinimumLease && o.Outbox.Lease <= TimeSpan.FromHours(1),
                "Messaging:Outbox:Lease must be from 00:00:00.030 to 01:00:00, e.g. 00:00:10.")
            .ValidateOnStart();
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.AddOptions<SmtpOptions>()
            .Validate(o => o.Port is > 0 and <= 65_535, "Smtp:Port must be from 1 to 65535, e.g. 25 or 587.")
            // Every e-mail's sender: a value the mail server cannot take would fail them all. MimeKit's default parse
            // is lenient (it takes "Approvals <noreply"), so the check is strict and wants a domain.
            .Validate(o => MimeKit.MailboxAddress.TryParse(StrictAddresses, o.From, out var from) && from.Domain.Length > 0,
                "Smtp:From must be one e-mail address, with or without a name, e.g. Approvals <noreply@kommune.dk>.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromDays(1),
                "Smtp:PollInterval must be longer than zero and at most 1.00:00:00, e.g. 00:00:01.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay && o.RetryMaxDelay <= TimeSpan.FromDays(1),
                "Smtp:RetryBaseDelay must be longer than zero, and Smtp:RetryMaxDelay at least as long and at most 1.00:00:00.")
            .Validate(o => o.MaxAttempts is > 0 and <= 1_000, "Smtp:MaxAttempts must be from 1 to 1000, e.g. 20.")
            .Validate(o => o.Lease >= RowLeases<Notification, Guid>.MinimumLease && o.Lease <= TimeSpan.FromHours(1),
                "Smtp:Lease must be from 00:00:00.030 to 01:00:00, e.g. 00:00:30.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromMinutes(10),
                "Smtp:Timeout must be longer than zero and at most 00:10:00, e.g. 00:00:30.")
            .ValidateOnStart();

        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<CommittedEvents>();
        services.AddSingleton<MailSignal>();
        services.AddSingleton<OutboxCommitInterceptor>();
        services.AddSingleton<IGroupCommitObserver>(provider => provider.GetRequiredService<OutboxCommitInterceptor>());
        services.ConfigureDbContext<ApprovalsDbContext>((provider, options) =>
            options.AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor>()));
        services.TryAddSingleton<IStageNames, DanishStageNames>();
        services.AddSingleton(PlanLinks.From(configuration["App:BaseUrl"] is { Length: > 0 } url ? url : DefaultBaseUrl));
        services.AddSingleton<InboxBatches>();
        services.AddScoped<NotificationWriter>();

        // Without this a publish can overtake the queue bindings of a fresh broker and be dropped.
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StopTimeout = TimeSpan.FromSeconds(15);
        });
        services.AddMassTransit(x =>
        {
            // MassTransit would report usage to its vendor over the internet; the app sends nothing to third parties.
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            x.AddConsumer<PlanSubmittedConsumer>();
            x.AddConsumer<PlanApprovedConsumer>();
            x.AddConsumer<PlanReturnedConsumer>();
            x.AddConsumer<PlanAdoptedConsumer>();
            x.AddConsumer<PlanDeadlineApproachingConsumer>();
            x.AddConsumer<PlanOverdueConsumer>();

            if (messaging.Transport == MessagingTransport.RabbitMq)
            {
                var (host, port) = RabbitMqAddress(messaging.RabbitMq.Host);
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(host, port, messaging.RabbitMq.VirtualHost, h =>
                    {
                        h.Username(messaging.RabbitMq.Username);
                        h.Password(messaging.RabbitMq.Password);
                    });
                    ConfigureBus(context, cfg, messaging.Prefix);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) =>
                {
                    // The in-memory bus never leaves the process, so nothing else reads its messages: plain JSON of the
                    // event with the message types in the transport headers, instead of MassTransit's envelope (its
                    // addresses, headers and host description written and read again for every event). Not AnyMessageType:
                    // the one queue has a consumer per event type, and each must get only its own type's messages.
                    cfg.UseRawJsonSerializer(RawSerializerOptions.AddTransportHeaders | RawSerializerOptions.CopyHeaders, isDefault: true);
                    ConfigureBus(context, cfg, messaging.Prefix);
                });
            }
        });

        // One dispatcher, which the deliveries hand their plan's next event to (see OutboxDispatcher.HandOnAsync).
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        if (smtp.Enabled)
        {
            services.AddHostedService<NotificationMailer>();
        }
    }

    private static void ConfigureBus<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg, string prefix)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        if (prefix.Length > 0)
        {
            cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix));
        }

        cfg.ReceiveEndpoint(prefix + NotificationsQueue, e =>
        {
            // Busy databases and two deliveries racing on the unique index are transient: try again. The
            // attempts are spread over about a minute before the message goes to the error queue.
            e.UseMessageRetry(r => r.Exponential(12, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100)));
            e.ConfigureConsumer<PlanSubmittedConsumer>(context);
            e.ConfigureConsumer<PlanApprovedConsumer>(context);
            e.ConfigureConsumer<PlanReturnedConsumer>(context);
            e.ConfigureConsumer<PlanAdoptedConsumer>(context);
            e.ConfigureConsumer<PlanDeadlineApproachingConsumer>(context);
            e.ConfigureConsumer<PlanOverdueConsumer>(context);
        });
    }

    private static MessagingOptions ReadMessagingOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection(MessagingOptions.Section);
        var transportText = section["Transport"];
        var transport = MessagingTransport.InMemory;
        if (!string.IsNullOrWhiteSpace(transportText) && !Enum.TryParse(transportText, ignoreCase: true, out transport))
        {
            throw new InvalidOperationException(
                $"Messaging:Transport is '{transportText}'. Use InMemory (the default) or RabbitMq.");
        }

        var options = new MessagingOptions
        {
            Transport = transport,
            Prefix = section["Prefix"] ?? "",
            RabbitMq = section.GetSection("RabbitMq").Get<RabbitMqOptions>() ?? new RabbitMqOptions(),
        };
        if (transport == MessagingTransport.RabbitMq && string.IsNullOrWhiteSpace(options.RabbitMq.Host))
        {
            throw new InvalidOperationException(
                "Messaging:Transport is RabbitMq but Messaging:RabbitMq:Host is empty. Set it to host or host:port, e.g. Messaging__RabbitMq__Host=localhost:5672.");
        }

        return options;
    }

    private static (string Host, ushort Port) RabbitMqAddress(string? configured)
    {
        var text = configured!.Trim();
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return (text, 5672);
        }

        if (!ushort.TryParse(text[(colon + 1)..], out var port) || port == 0)
        {
            throw new InvalidOperationException(
                $"Messaging:RabbitMq:Host is '{configured}': the part after ':' must be a port number, e.g. localhost:5672.");
        }

        return (text[..colon], port);
    }
}
