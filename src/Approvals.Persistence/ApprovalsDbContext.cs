using System.Text.Json;
using Approvals.Core.Flags;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Core.Review;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Approvals.Persistence;

public sealed class ApprovalsDbContext(DbContextOptions<ApprovalsDbContext> options)
    : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    private static readonly JsonSerializerOptions DocumentJson = StoredColumns.Json;

    private bool? _onSqlite;

    /// <summary>
    /// Whether this context's database is SQLite, asked of the provider once. <c>Database.IsSqlite()</c> compares the
    /// provider's name, which EF Core reads from the provider assembly's metadata on every call (a new
    /// <see cref="System.Reflection.AssemblyName"/> each time); the hot reads ask on every statement. A context's
    /// provider never changes, pooled or not.
    /// </summary>
    public bool OnSqlite => _onSqlite ??= Database.IsSqlite();

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<PlanRevision> PlanRevisions => Set<PlanRevision>();

    public DbSet<JournalEntry> Journal => Set<JournalEntry>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<OperatorAction> OperatorActions => Set<OperatorAction>();

    public DbSet<PlanComment> PlanComments => Set<PlanComment>();

    public DbSet<CommentReply> CommentReplies => Set<CommentReply>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<DeadlineNotice> DeadlineNotices => Set<DeadlineNotice>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<AccountSession> AccountSessions => Set<AccountSession>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<AccountChange> AccountChanges => Set<AccountChange>();

    public DbSet<ReadinessProbe> ReadinessProbes => Set<ReadinessProbe>();

    public DbSet<Core.Accounts.Delegation> Delegations => Set<Core.Accounts.Delegation>();

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
            b.Ignore(u => u.Active);
        });

        builder.Entity<AccountSession>(b =>
        {
            b.ToTable("AccountSessions");
            b.HasKey(s => s.Id);
            b.Property(s => s.UserId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(s => s.Scheme).HasMaxLength(64);
            b.Property(s => s.Method).HasMaxLength(32);
            b.Property(s => s.SecurityStamp).HasMaxLength(64);
            b.HasIndex(s => s.UserId);
            b.HasIndex(s => s.CreatedUtc);
        });

        builder.Entity<Invitation>(b =>
        {
            b.ToTable("Invitations");
            b.HasKey(i => i.Id);
            b.Property(i => i.UserId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(i => i.TokenHash).HasMaxLength(64);
            b.Property(i => i.CreatedById).HasMaxLength(AppUser.MaxIdLength);
            // Redeeming and revoking both write UsedUtc/RevokedUtc: whichever saves second finds them changed and fails.
            b.Property(i => i.UsedUtc).IsConcurrencyToken();
            b.Property(i => i.RevokedUtc).IsConcurrencyToken();
            b.HasIndex(i => i.TokenHash).IsUnique();
            b.HasIndex(i => i.UserId);
        });

        builder.Entity<AccountChange>(b =>
        {
            b.ToTable("AccountChanges");
            b.HasKey(c => c.Id);
            b.Property(c => c.UserId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(c => c.Action).HasMaxLength(32);
            b.Property(c => c.ActorId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(c => c.ActorName).HasMaxLength(AppUser.MaxActorNameLength);
            b.Property(c => c.Before).HasMaxLength(4000);
            b.Property(c => c.After).HasMaxLength(4000);
            b.HasIndex(c => c.UserId);
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
            b.Property(p => p.FlaggedGoals).HasConversion(
                new ValueConverter<List<FlaggedGoal>, string>(v => JsonSerializer.Serialize(v, DocumentJson), v => StoredColumns.FlaggedGoals(v)),
                JsonComparer<List<FlaggedGoal>>());
            // The four-eyes rule's data, on the row the workflow reads and writes anyway: JSON arrays of user ids.
            b.Property(p => p.ContentAuthors).HasConversion(UserIdsConverter(), JsonComparer<IReadOnlyList<string>>());
            b.Property(p => p.RevisionApprovers).HasConversion(UserIdsConverter(), JsonComparer<IReadOnlyList<string>>());
            b.Ignore(p => p.Committee);
            b.HasIndex(p => new { p.CommitteeCode, p.Stage });
            // The deadline sweep reads only the plans with a notice due; almost every plan has none (null).
            b.HasIndex(p => p.NextDeadlineUtc);

            // The content document (tens of KB) lives in a table of its own, written only when the content
            // changes. Every workflow action rewrites the plan's row; with the document in it, SQLite rewrote
            // the document's chain of overflow pages each time (about 20 KB to the WAL, and again at checkpoint),
            // and the coverage report's scan of the row's other columns had to walk that chain too.
            //
            // The document is an entity of its own, 1:1 with the plan, not a part of the plan split over two tables:
            // entity splitting always joins the second table and deserialises the document, and approve, return and
            // the list of actions need neither (PlanContentLoading.WithoutContent). It is included in every
            // read by default, so only a read that opts out goes without it, and one that then reads the content fails
            // loudly (PlanContentNotLoadedException) rather than seeing an empty plan. The concurrency token stays on
            // the plan's row: every change of the content renews it (Plan.Edit), and the row's update with the token
            // check is in the same SaveChanges, so a stale edit or action still fails whole. The tables and columns are
            // the same as before, so no data moves.
            b.ToTable("Plans");
            b.HasOne<PlanContentDocument>("Document").WithOne().HasForeignKey<PlanContentDocument>(d => d.PlanId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation("Document").IsRequired().AutoInclude();
        });

        builder.Entity<PlanContentDocument>(b =>
        {
            b.ToTable("PlanContents");
            b.HasKey(d => d.PlanId);
            b.Property(d => d.PlanId).HasColumnName("Id");
            b.Property(d => d.Content).HasConversion(ContentConverter(), JsonComparer<PlanContent>());
        });

        builder.Entity<PlanRevision>(b =>
        {
            b.ToTable("PlanRevisions");
            b.HasKey(r => new { r.PlanId, r.Number });
            b.Property(r => r.Title).HasMaxLength(Plan.MaxTitleLength);
            b.Property(r => r.SubmittedBy).HasMaxLength(AppUser.MaxIdLength);
            b.Property(r => r.Content).HasConversion(ContentConverter(), JsonComparer<PlanContent>());
        });

        // Review comments live beside the plan, not in its content document: anchored to a goal by the goal's id (and
        // its objective's, and optionally an indicator's), which survive reordering and renumbering. Lengths follow
        // what the API accepts (ContentIds.MaxLength, CommentRules.MaxTextLength) and the goal fields they copy.
        builder.Entity<PlanComment>(b =>
        {
            b.ToTable("PlanComments");
            b.HasKey(c => c.Id);
            b.Property(c => c.Stage).HasMaxLength(WorkflowDefinitionChecker.MaxIdLength);
            b.Property(c => c.ObjectiveId).HasMaxLength(ContentIds.MaxLength);
            b.Property(c => c.GoalId).HasMaxLength(ContentIds.MaxLength);
            b.Property(c => c.IndicatorId).HasMaxLength(ContentIds.MaxLength);
            b.Property(c => c.GoalNumber).HasMaxLength(20);
            b.Property(c => c.GoalExcerpt).HasMaxLength(Excerpt.SnapshotLength);
            b.Property(c => c.IndicatorExcerpt).HasMaxLength(Excerpt.SnapshotLength);
            b.Property(c => c.AuthorId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(c => c.AuthorName).HasMaxLength(AppUser.MaxActorNameLength);
            b.Property(c => c.Text).HasMaxLength(CommentRules.MaxTextLength);
            b.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            b.Property(c => c.StatusChangedBy).HasMaxLength(AppUser.MaxIdLength);
            b.Property(c => c.ConcurrencyToken).IsConcurrencyToken();
            b.Ignore(c => c.Anchor);
            b.HasOne<Plan>().WithMany().HasForeignKey(c => c.PlanId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(c => c.Replies).WithOne().HasForeignKey(r => r.CommentId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(c => c.Replies).HasField("_replies").UsePropertyAccessMode(PropertyAccessMode.Field);
            b.HasIndex(c => new { c.PlanId, c.Status });
        });

        builder.Entity<CommentReply>(b =>
        {
            b.ToTable("CommentReplies");
            b.HasKey(r => r.Id);
            b.Property(r => r.AuthorId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(r => r.AuthorName).HasMaxLength(AppUser.MaxActorNameLength);
            b.Property(r => r.Text).HasMaxLength(CommentRules.MaxTextLength);
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
            b.Property(j => j.ActorName).HasMaxLength(AppUser.MaxActorNameLength);
            b.Property(j => j.OnBehalfOfId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(j => j.OnBehalfOfName).HasMaxLength(AppUser.MaxActorNameLength);
            b.HasIndex(j => j.PlanId);
        });

        builder.Entity<OutboxMessage>(b =>
        {
            b.ToTable("Outbox");
            b.HasKey(m => m.Id);
            b.Property(m => m.Type).HasMaxLength(OutboxMessage.MaxTypeLength);
            b.Property(m => m.TraceParent).HasMaxLength(OutboxMessage.TraceParentMaxLength);
            b.HasIndex(m => m.MessageId).IsUnique();
            // Every read of this index is of unsent rows (the dispatcher's window, a plan's next row, the operations
            // page), so it holds only those: a delivery's mark then removes the row's entry instead of moving it to the
            // end of an index of every event ever sent, which nothing reads and which grew by a page every hundred or so
            // events (#20). The filter is plain SQL both providers read alike.
            b.HasIndex(m => new { m.SentUtc, m.Id }).HasDatabaseName(OutboxMessage.UnsentIndexName).HasFilter(OutboxMessage.UnsentFilter);
        });

        builder.Entity<OperatorAction>(b =>
        {
            b.ToTable("OperatorActions");
            b.HasKey(a => a.Id);
            b.Property(a => a.ActorId).HasMaxLength(OperatorAction.ActorIdMaxLength);
            b.Property(a => a.ActorName).HasMaxLength(OperatorAction.ActorNameMaxLength);
            b.Property(a => a.Action).HasMaxLength(OperatorAction.ActionMaxLength);
            b.Property(a => a.Target).HasMaxLength(OperatorAction.TargetMaxLength);
            b.Property(a => a.Detail).HasMaxLength(OperatorAction.DetailMaxLength);
            b.HasIndex(a => a.AtUtc);
        });

        builder.Entity<DeadlineNotice>(b =>
        {
            b.ToTable("DeadlineNotices");
            b.HasKey(n => n.Id);
            b.Property(n => n.Kind).HasMaxLength(16);
            b.Property(n => n.Stage).HasMaxLength(64);
            // Exactly once: a second instance's insert of the same notice fails here, with its outbox event.
            b.HasIndex(n => new { n.PlanId, n.StageEntry, n.Kind, n.OffsetSeconds }).IsUnique();
            b.HasOne<Plan>().WithMany().HasForeignKey(n => n.PlanId).OnDelete(DeleteBehavior.Cascade);
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

        // Delegations are few; the reads that run on every act and page ask "which delegations to (or from) this user run
        // at time t", so each index leads with the user and ends with the end time.
        builder.Entity<Core.Accounts.Delegation>(b =>
        {
            b.ToTable("Delegations");
            b.HasKey(d => d.Id);
            b.Property(d => d.DelegatorId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(d => d.DelegateId).HasMaxLength(AppUser.MaxIdLength);
            b.Property(d => d.CreatedBy).HasMaxLength(AppUser.MaxIdLength);
            b.Property(d => d.EndedBy).HasMaxLength(AppUser.MaxIdLength);
            b.HasIndex(d => new { d.DelegateId, d.ToUtc });
            b.HasIndex(d => new { d.DelegatorId, d.ToUtc });
        });

        builder.Entity<ReadinessProbe>(b =>
        {
            b.ToTable("ReadinessProbes");
            b.HasKey(p => p.Id);
            b.Property(p => p.Id).HasMaxLength(64);
            b.Property(p => p.Padding).HasMaxLength(ReadinessProbe.MaxPaddingLength);
        });
    }

    private static ValueConverter<PlanContent, string> ContentConverter() => new(
        v => StoredColumns.ContentText(v),
        v => StoredColumns.Content(v));

    private static ValueConverter<IReadOnlyList<string>, string> UserIdsConverter() => new(
        v => JsonSerializer.Serialize(v, DocumentJson),
        v => StoredColumns.UserIds(v));

    // Documents are immutable values replaced whole, never mutated in place, so a changed reference is
    // a changed document. Comparing by reference keeps change tracking from serialising every plan.
    private static ValueComparer<T> JsonComparer<T>() where T : class => new(
        (a, b) => ReferenceEquals(a, b),
        v => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(v),
        v => v);
}
