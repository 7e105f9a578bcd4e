using System.Diagnostics.Metrics;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Operations;

/// <summary>
/// Gauges read from the database when metrics are collected (a Prometheus scrape or an OTLP export, every 15–60 s):
/// outbox rows waiting and failing, e-mails waiting after a failure and given up, plans overdue.
/// </summary>
internal sealed class DeliveryGauges : IDisposable
{
    private readonly Meter _meter;

    public DeliveryGauges(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider clock)
    {
        _meter = meters.Create(ApprovalsTelemetry.Name);
        _meter.CreateObservableGauge("approvals.outbox.waiting", () => Read(scopes, (_, db) => new[]
        {
            new Measurement<long>(db.Outbox.LongCount(m => m.SentUtc == null && m.LastError == null), new KeyValuePair<string, object?>("state", "waiting")),
            new Measurement<long>(db.Outbox.LongCount(m => m.SentUtc == null && m.LastError != null), new KeyValuePair<string, object?>("state", "failing")),
        }), unit: "{event}", description: "Outbox rows not yet published: waiting, or failing (a publish failed and is retried).");
        _meter.CreateObservableGauge("approvals.email.undelivered", () => Read(scopes, (_, db) => new[]
        {
            new Measurement<long>(db.Notifications.LongCount(n => n.EmailedUtc == null && n.NextEmailAttemptUtc != null && n.EmailLastError != null), new KeyValuePair<string, object?>("state", "retrying")),
            new Measurement<long>(db.Notifications.LongCount(n => n.EmailedUtc == null && n.NextEmailAttemptUtc == null && n.EmailLastError != null), new KeyValuePair<string, object?>("state", "given_up")),
        }), unit: "{email}", description: "Notification e-mails that failed: being retried, or given up (the notification is in the inbox only).");
        _meter.CreateObservableGauge("approvals.plans.overdue", () => Read(scopes, (_, db) =>
        {
            // As the deadline report counts them: a due time fixed when the plan entered its stage, now passed.
            var now = clock.GetUtcNow().UtcDateTime;
            return new[] { new Measurement<long>(db.Plans.LongCount(p => p.DueUtc != null && p.DueUtc < now)) };
        }), unit: "{plan}", description: "Plans past the due time of the stage they wait in.");
    }

    private static IEnumerable<Measurement<long>> Read(IServiceScopeFactory scopes, Func<IServiceProvider, ApprovalsDbContext, IEnumerable<Measurement<long>>> read)
    {
        try
        {
            using var scope = scopes.CreateScope();
            return read(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>()).ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or DbUpdateException or System.Data.Common.DbException or ObjectDisposedException)
        {
            // A database that is away (or a host shutting down) gives no figure rather than failing the whole collection.
            return [];
        }
    }

    public void Dispose() => _meter.Dispose();
}
