namespace Approvals.Web.Features.Notifications;

public enum MessagingTransport
{
    InMemory,
    RabbitMq,
}

/// <summary>The <c>Messaging</c> section.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public MessagingTransport Transport { get; set; } = MessagingTransport.InMemory;

    /// <summary>
    /// Put before every queue and exchange name, so several apps (or test runs) can share one broker
    /// without receiving each other's messages. Instances of one app share the prefix, and so the queue.
    /// </summary>
    public string Prefix { get; set; } = "";

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();
}

public sealed class RabbitMqOptions
{
    /// <summary><c>host</c> or <c>host:port</c>.</summary>
    public string? Host { get; set; }

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";
}

/// <summary>The <c>Messaging:Outbox</c> section: how the dispatcher publishes committed events.</summary>
public sealed class OutboxOptions
{
    /// <summary>How often the dispatcher looks for rows it was not woken for (other processes, retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// The pause after a pass that published, before the next: rows committed meanwhile go out together.
    /// Adds at most this much to a notification's delay, and only while events keep coming.
    /// </summary>
    public TimeSpan GatherDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A publish the broker has not confirmed by then counts as failed and is retried.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claimed row belongs to the instance that claimed it without a word from it. The instance renews
    /// the lease while it publishes, and with the in-memory bus the lease is also how long a published row waits
    /// for its consumer before it goes again. If the instance dies, another (or the next start) publishes the row
    /// once the lease runs out; a graceful stop hands its rows back at once.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The <c>Smtp</c> section. E-mail is sent only when <see cref="Host"/> is set.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public string From { get; set; } = "Approvals <noreply@approvals.local>";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>True requires TLS (implicit on port 465, STARTTLS otherwise); false uses STARTTLS when offered.</summary>
    public bool UseTls { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After this many failed sends the mail is given up (the inbox entry stays).</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>
    /// How long an e-mail claimed by an instance is left to it without a word from it. The instance renews the lease
    /// while it works through its batch and confirms it right before each send, so a slow mail server never lets
    /// another instance send the same e-mail; an instance that dies leaves its e-mails for at most this long.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one SMTP operation (connect, sign in, send) may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
