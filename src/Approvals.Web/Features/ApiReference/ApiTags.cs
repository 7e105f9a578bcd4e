namespace Approvals.Web.Features.ApiReference;

/// <summary>The API's tags in the order the reference shows them, each with what it holds.</summary>
public static class ApiTags
{
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        ("Accounts", "Signing in for a bearer token, and who you are. There is no self-registration: an administrator makes accounts."),
        ("Users", "For administrators: accounts, their roles and committee, invitations, deactivation and each account's history."),
        ("Committees", "The city's standing committees, each of which writes one action plan."),
        ("Plans", "Committee action plans: list them, read one with its ETag, start a draft and change it (If-Match required)."),
        ("Flags", "What a plan's content still lacks: goals without a real indicator, number or text, in Danish or English."),
        ("Documents", "Plans in and out of Word: import a committee's plan from its .docx table, export a plan as a .docx for the council."),
        ("Review", "Moving a plan through its workflow: the actions open to you, taking one, the history and the submitted revisions."),
        ("Comments", "Review comments on a plan's goals, indicators or the whole plan, with their replies."),
        ("Changes", "What changed between two versions of a plan, goal by goal, with word-level differences."),
        ("Reports", "The coverage report: goals across committees without a real indicator, as JSON or as CSV for Excel."),
        ("Deadlines", "Every plan waiting in a reviewer stage with its due time and how long overdue, as JSON or CSV."),
        ("Workflows", "The workflow definitions plans run on, with all loaded versions, and their Mermaid diagram."),
        ("Notifications", "Your own inbox: what happened to the plans you work on, unread first."),
        ("Operations", "For administrators: what did not go through (outbox events, e-mails), the dispatcher and the bus, and retrying."),
    ];

    public static string? DescriptionOf(string name) => All.FirstOrDefault(t => t.Name == name).Description;
}
