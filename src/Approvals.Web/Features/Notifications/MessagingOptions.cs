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
    /// How long a claimed row belongs to the instance that claimed it. If that instance dies before marking
    /// the row sent, another instance publishes it once the lease runs out.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);
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

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

internal static class Backoff
{
    /// <summary>base · 2^(attempt-1), capped; attempt counts from 1.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
