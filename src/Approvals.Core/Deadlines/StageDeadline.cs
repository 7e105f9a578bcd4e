using PublicHoliday;

namespace Approvals.Core.Deadlines;

/// <summary>
/// What a stage's definition says about time: when a plan that enters the stage is due (a fixed duration, or a
/// number of Danish working days), when the people who may act are reminded (durations before the due time), and
/// whom to tell, how long after the due time, that the plan is overdue.
/// </summary>
public sealed record StageDeadline(
    TimeSpan? Due,
    int? WorkingDays,
    IReadOnlyList<TimeSpan> RemindBefore,
    TimeSpan? EscalateAfter,
    IReadOnlyList<string> EscalateTo)
{
    /// <summary>The due time of a plan entering the stage at <paramref name="enteredUtc"/>.</summary>
    public DateTime DueFrom(DateTime enteredUtc) =>
        WorkingDays is { } days ? DanishWorkingDays.Add(enteredUtc, days) : enteredUtc + (Due ?? TimeSpan.Zero);

    /// <summary>
    /// Every notice of one stage entry, in time order. A reminder falls before the due time; one that would fall
    /// before the plan entered the stage is left out (the plan was never that far from its due time). The
    /// escalation falls <see cref="EscalateAfter"/> after the due time, when someone is named to be told.
    /// </summary>
    public IReadOnlyList<DeadlineNoticePoint> Schedule(DateTime enteredUtc, DateTime dueUtc)
    {
        var points = RemindBefore
            .Where(before => dueUtc - before > enteredUtc)
            .Select(before => new DeadlineNoticePoint(DeadlineNoticeKind.Reminder, before, dueUtc - before))
            .ToList();
        if (EscalateTo.Count > 0)
        {
            var after = EscalateAfter ?? TimeSpan.Zero;
            points.Add(new DeadlineNoticePoint(DeadlineNoticeKind.Escalation, after, dueUtc + after));
        }

        return [.. points.OrderBy(p => p.AtUtc).ThenBy(p => p.Kind)];
    }

    /// <summary>The time of the first notice of the entry due after <paramref name="afterUtc"/>, or null when none is left.</summary>
    public DateTime? NextNoticeAfter(DateTime enteredUtc, DateTime dueUtc, DateTime afterUtc) =>
        Schedule(enteredUtc, dueUtc).Where(p => p.AtUtc > afterUtc).Select(p => (DateTime?)p.AtUtc).FirstOrDefault();
}

public enum DeadlineNoticeKind
{
    /// <summary>Before the due time, to those who may act now.</summary>
    Reminder,

    /// <summary>After the due time, to the roles the stage escalates to.</summary>
    Escalation,
}

/// <summary>
/// One notice of a stage entry: its kind, its offset from the due time (before it for a reminder, after it for the
/// escalation), and when it is due. Kind and offset tell the notices of one entry apart.
/// </summary>
public sealed record DeadlineNoticePoint(DeadlineNoticeKind Kind, TimeSpan Offset, DateTime AtUtc);

/// <summary>Danish working days: Monday to Friday, except public holidays, counted in Copenhagen time.</summary>
public static class DanishWorkingDays
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private static readonly DenmarkPublicHoliday Holidays = new();

    /// <summary>
    /// The moment <paramref name="days"/> working days after <paramref name="startUtc"/>: the same time of day on the
    /// <paramref name="days"/>-th working day after the start's date (weekends and holidays are skipped).
    /// </summary>
    public static DateTime Add(DateTime startUtc, int days)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(startUtc, DateTimeKind.Utc), Copenhagen);
        var date = local.Date;
        for (var counted = 0; counted < days;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date))
            {
                counted++;
            }
        }

        var dueLocal = DateTime.SpecifyKind(date + local.TimeOfDay, DateTimeKind.Unspecified);
        // A time of day that the clock skips (the spring change) moves on by the hour that does not exist.
        if (Copenhagen.IsInvalidTime(dueLocal))
        {
            dueLocal = dueLocal.AddHours(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(dueLocal, Copenhagen);
    }

    public static bool IsWorkingDay(DateTime date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.IsPublicHoliday(date);
}
