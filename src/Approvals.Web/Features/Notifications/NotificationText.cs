using System.Text;
using Approvals.Core;
using Approvals.Core.Contracts;
using Approvals.Core.Plans;
using Approvals.Persistence;

namespace Approvals.Web.Features.Notifications;

/// <summary>Why a person is told about an event; one person may have several reasons but gets one notification.</summary>
[Flags]
public enum RecipientReason
{
    None = 0,
    Owner = 1,
    CommitteeSecretary = 2,
    ActsNext = 4,
    Escalation = 8,
}

/// <summary>Times in notifications: Danish, in Copenhagen time ("5. december 2026 kl. 14.00").</summary>
public static class DanishTime
{
    private static readonly TimeZoneInfo Copenhagen = TimeZoneInfo.FindSystemTimeZoneById("Europe/Copenhagen");
    private static readonly System.Globalization.CultureInfo Danish = System.Globalization.CultureInfo.GetCultureInfo("da-DK");

    public static string Date(DateTime utc) => Local(utc).ToString("d. MMMM yyyy", Danish);

    public static string DateAndTime(DateTime utc) => Local(utc).ToString("d. MMMM yyyy 'kl.' HH:mm", Danish);

    private static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Copenhagen);
}

/// <summary>The Danish subject and body of a notification, the same in the inbox and in the e-mail.</summary>
public static class NotificationText
{
    public static (string Subject, string Body) Compose(
        IPlanEvent planEvent, RecipientReason reason, string actorName, IStageNames stages, string link)
    {
        var committee = Committee.Find(planEvent.Committee)?.Name ?? planEvent.Committee;
        var title = planEvent.PlanTitle;
        var from = stages.DisplayName(planEvent.FromStage);
        var to = stages.DisplayName(planEvent.ToStage);
        var actor = TextRules.IsBlank(actorName) ? "En bruger" : actorName;
        if (!TextRules.IsBlank(planEvent.OnBehalfOfName))
        {
            // Acting for a reviewer who is away: the notification says so, as the journal and the plan page do.
            actor = $"{actor} på vegne af {planEvent.OnBehalfOfName}";
        }

        var (subject, lead) = planEvent switch
        {
            PlanSubmitted => (
                $"Handleplan indsendt: {title}",
                $"{actor} har indsendt handleplanen »{title}« fra {committee}. Den er nu i fasen {to}."),
            PlanApproved => (
                $"Handleplan godkendt: {title}",
                $"{actor} har godkendt handleplanen »{title}« fra {committee} i fasen {from}. Den er nu i fasen {to}."),
            PlanReturned => (
                $"Handleplan sendt tilbage: {title}",
                $"{actor} har sendt handleplanen »{title}« fra {committee} tilbage fra fasen {from} til fasen {to}."),
            PlanDeadlineApproaching reminder => (
                $"Påmindelse: frist for handleplan {DanishTime.Date(reminder.DueUtc)}: {title}",
                $"Handleplanen »{title}« fra {committee} venter i fasen {to}. Fristen for behandlingen er {DanishTime.DateAndTime(reminder.DueUtc)}."),
            PlanOverdue overdue => (
                $"Frist overskredet: {title}",
                $"Handleplanen »{title}« fra {committee} har ventet i fasen {to} siden {DanishTime.DateAndTime(overdue.StageEnteredUtc)}. " +
                $"Fristen var {DanishTime.DateAndTime(overdue.DueUtc)}, og den er overskredet."),
            PlanAdopted => (
                $"Handleplan vedtaget: {title}",
                $"{actor} har godkendt handleplanen »{title}« fra {committee} i fasen {from}, og planen er nu vedtaget (fasen {to})."),
            _ => (
                $"Handleplan ændret: {title}",
                $"Handleplanen »{title}« fra {committee} er flyttet fra fasen {from} til fasen {to}."),
        };

        // Today's longest subject fits its column with the longest title; a longer prefix shortens the title, not the insert.
        if (subject.Length > Notification.MaxSubjectLength)
        {
            var cut = Notification.MaxSubjectLength - 1;
            subject = subject[..(char.IsHighSurrogate(subject[cut - 1]) ? cut - 1 : cut)] + "…";
        }

        var body = new StringBuilder(lead);
        if (planEvent is PlanReturned returned && !TextRules.IsBlank(returned.Comment))
        {
            body.Append("\n\nKommentar:\n").Append(TextRules.Clean(returned.Comment));
        }

        // Events written before comments existed carry no list (null); an empty list means none is open.
        if (planEvent is PlanReturned { OpenComments: { Count: > 0 } open })
        {
            body.Append("\n\nÅbne kommentarer, som skal besvares før planen kan indsendes igen:");
            foreach (var comment in open)
            {
                body.Append("\n- ")
                    .Append(comment.GoalNumber is { Length: > 0 } number ? $"Resultatmål {number}" : "Planen som helhed")
                    .Append(": »").Append(comment.Excerpt).Append('«');
            }
        }

        if (planEvent is PlanDeadlineApproaching or PlanOverdue)
        {
            body.Append("\n\n").Append(reason.HasFlag(RecipientReason.ActsNext)
                ? "Du kan behandle planen nu."
                : "Du får besked, fordi du følger op på overskredne frister i denne fase.");
        }
        else if (reason.HasFlag(RecipientReason.ActsNext))
        {
            body.Append("\n\n").Append(planEvent.ToStage == Stages.Draft
                ? "Du kan nu rette planen og indsende den igen."
                : $"Planen afventer nu din behandling i fasen {to}.");
        }

        body.Append("\n\nÅbn planen: ").Append(link);
        return (subject, body.ToString());
    }
}
