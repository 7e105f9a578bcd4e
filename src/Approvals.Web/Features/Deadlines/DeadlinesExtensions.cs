namespace Approvals.Web.Features.Deadlines;

public static class DeadlinesExtensions
{
    /// <summary>
    /// Due times that act: the sweep that sends reminders and escalations through the outbox
    /// (<c>Deadlines:SweepInterval</c>, default one minute) and the start-up step that fills in due times of plans
    /// that entered their stage before this version.
    /// </summary>
    public static void AddDeadlines(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeadlineOptions>()
            .Bind(builder.Configuration.GetSection(DeadlineOptions.Section))
            .Validate(o => o.SweepInterval > TimeSpan.Zero, "Deadlines:SweepInterval must be longer than zero, e.g. 00:01:00.")
            .Validate(o => o.BatchSize is > 0 and <= 10_000, "Deadlines:BatchSize must be from 1 to 10000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DeadlineSweep>();
        builder.Services.AddHostedService<DeadlineBackfill>();
        builder.Services.AddHostedService<DeadlineSweeper>();
    }
}
