using System.Text.Json;
using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Approvals.Persistence;

public sealed class ApprovalsDbContext(DbContextOptions<ApprovalsDbContext> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    // Letters are stored as they are: escaped, each æ, ø and å took six bytes instead of two. Characters that
    // matter in HTML (<, >, &, quotes) are still escaped, as the coverage report copies stored JSON into answers.
    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<PlanRevision> PlanRevisions => Set<PlanRevision>();

    public DbSet<JournalEntry> Journal => Set<JournalEntry>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        // Every DateTime in the model is UTC. PostgreSQL (timestamptz) refuses to write any other kind, and
        // SQLite reads every value back as Unspecified: the converter makes both providers agree.
        configuration.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configuration.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Every bounded column holds the longest value the app can write into it, from the limit it comes from
        // (StoredLengthTests checks each one): PostgreSQL refuses a longer value, SQLite would not notice.
        builder.Entity<AppUser>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(AppUser.MaxDisplayNameLength);
            b.Property(u => u.CommitteeCode).HasMaxLength(Committee.MaxCodeLength);
        });

        // A plan's content is one document: always read and written whole, frozen whole into revisions,
        // and kept in the order it was written. Flags derived from it are stored beside it, in the plan's row.
        builder.Entity<Plan>(b =>
        {
            b.HasKey(p => p.Id);
            b.Property(p => p.CommitteeCode).HasMaxLength(Committee.MaxCodeLength);
            b.Property(p => p.Title).HasMaxLength(Plan.MaxTitleLength);
            b.Property(p => p.OwnerId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(p => p.Stage).HasMaxLength(WorkflowDefinitionChecker.MaxIdLength);
            b.Property(p => p.WorkflowId).HasMaxLength(WorkflowDefinitionChecker.MaxIdLength);
            b.Property(p => p.SubmittedBy).HasMaxLength(AppUser.MaxIdLength);
            b.Property(p => p.ConcurrencyToken).IsConcurrencyToken();
            b.Property(p => p.Content).HasConversion(JsonConverter<PlanContent>(), JsonComparer<PlanContent>());
            b.Property(p => p.FlaggedGoals).HasConversion(JsonConverter<List<FlaggedGoal>>(), JsonComparer<List<FlaggedGoal>>());
            b.Ignore(p => p.Committee);
            b.HasIndex(p => new { p.CommitteeCode, p.Stage });

            // The content document (tens of KB) lives in a table of its own, written only when the content
            // changes. Every workflow action rewrites the plan's row; with the document in it, SQLite rewrote
            // the document's chain of overflow pages each time (about 20 KB to the WAL, and again at checkpoint),
            // and the coverage report's scan of the row's other columns had to walk that chain too.
            b.ToTable("Plans").SplitToTable("PlanContents", t => t.Property(p => p.Content));
        });

        builder.Entity<PlanRevision>(b =>
        {
            b.ToTable("PlanRevisions");
            b.HasKey(r => new { r.PlanId, r.Number });
            b.Property(r => r.Title).HasMaxLength(Plan.MaxTitleLength);
            b.Property(r => r.SubmittedBy).HasMaxLength(AppUser.MaxIdLength);
            b.Property(r => r.Content).HasConversion(JsonConverter<PlanContent>(), JsonComparer<PlanContent>());
        });

        builder.Entity<JournalEntry>(b =>
        {
            b.ToTable("Journal");
            b.HasKey(j => j.Id);
            b.Property(j => j.Action).HasMaxLength(WorkflowDefinitionChecker.MaxIdLength);
            b.Property(j => j.FromStage).HasMaxLength(WorkflowDefinitionChecker.MaxIdLength);
            b.Property(j => j.ToStage).HasMaxLength(WorkflowDefinitionChecker.MaxIdLength);
            b.Property(j => j.ActorId).HasMaxLength(AppUser.MaxIdLength);
            // The display name, or the user name when an account has none (CurrentUser.DisplayName).
            b.Property(j => j.ActorName).HasMaxLength(Math.Max(AppUser.MaxDisplayNameLength, AppUser.MaxUserNameLength));
            b.HasIndex(j => j.PlanId);
        });

        builder.Entity<OutboxMessage>(b =>
        {
            b.ToTable("Outbox");
            b.HasKey(m => m.Id);
            b.Property(m => m.Type).HasMaxLength(OutboxMessage.MaxTypeLength);
            b.HasIndex(m => m.MessageId).IsUnique();
            b.HasIndex(m => new { m.SentUtc, m.Id });
        });

        builder.Entity<Notification>(b =>
        {
            b.ToTable("Notifications");
            b.HasKey(n => n.Id);
            b.Property(n => n.RecipientId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(n => n.Kind).HasMaxLength(Notification.MaxKindLength);
            b.Property(n => n.Subject).HasMaxLength(Notification.MaxSubjectLength);
            b.Property(n => n.Link).HasMaxLength(Notification.MaxLinkLength);
            b.HasIndex(n => new { n.EventId, n.RecipientId }).IsUnique();
            b.HasIndex(n => new { n.RecipientId, n.ReadUtc });
            b.HasIndex(n => n.NextEmailAttemptUtc);
        });
    }

    private static ValueConverter<T, string> JsonConverter<T>() => new(
        v => JsonSerializer.Serialize(v, DocumentJson),
        v => JsonSerializer.Deserialize<T>(v, DocumentJson)!);

    // Documents are immutable values replaced whole, never mutated in place, so a changed reference is
    // a changed document. Comparing by reference keeps change tracking from serialising every plan.
    private static ValueComparer<T> JsonComparer<T>() where T : class => new(
        (a, b) => ReferenceEquals(a, b),
        v => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(v),
        v => v);
}
