using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approvals.Web.Features.Notifications;

public sealed record LagSummary(int Events, TimeSpan P50, TimeSpan P99, TimeSpan Max);

/// <summary>
/// How long events take from their transition to the inbox: <see cref="Notification.CreatedUtc"/> (stored in
/// the inbox) minus <see cref="Notification.OccurredUtc"/> (the event's time, taken by the transition just
/// before its commit). One figure per event: the last of its recipients' entries.
/// </summary>
public static class NotificationLag
{
    public static async Task<LagSummary> MeasureAsync(ApprovalsDbContext db, DateTime sinceUtc, CancellationToken cancellationToken = default)
    {
        var rows = await db.Notifications.AsNoTracking()
            .Where(n => n.OccurredUtc >= sinceUtc)
            .Select(n => new { n.EventId, n.OccurredUtc, n.CreatedUtc })
            .ToListAsync(cancellationToken);
        var lags = rows
            .GroupBy(r => r.EventId)
            .Select(g => g.Max(r => r.CreatedUtc - r.OccurredUtc))
            .Order()
            .ToList();
        return lags.Count == 0
            ? new LagSummary(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)
            : new LagSummary(lags.Count, Percentile(lags, 0.50), Percentile(lags, 0.99), lags[^1]);
    }

    /// <summary>Nearest-rank percentile of a sorted list.</summary>
    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
