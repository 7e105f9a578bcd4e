using Approvals.Tests.Infrastructure;
using Approvals.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The shipped migrations, not EnsureCreated: they must describe the current model exactly and bring an empty
/// database (SQLite, or PostgreSQL in the PostgreSQL pass) to a working app with the demo data.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task An_empty_database_is_migrated_at_start_up_and_serves_the_demo_plans()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Database:Schema"] = "Migrate" }).StartAsync();

        var applied = await app.WithDb(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList());
        var pending = await app.WithDb(async db => (await db.Database.GetPendingMigrationsAsync()).ToList());
        var client = await app.ClientFor(Users.Coordinator);
        var plans = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/plans");

        Assert.NotEmpty(applied);
        Assert.Empty(pending);
        Assert.Equal(6, plans.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_migrated_coverage_index_holds_the_plans_in_the_reports_order()
    {
        // The index is SQL of the migration's own (the model cannot describe an index on an expression): committees
        // changed without a migration would leave the report sorting again.
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Database:Schema"] = "Migrate" }).StartAsync();

        var plan = await app.ExplainAsync(db => Approvals.Web.Features.Coverage.CoverageReport.Query(db, null, null).ToQueryString());

        Assert.True(QueryPlans.ReadsInOrderOf(plan, CoverageOrder.IndexName), plan);
    }

    [Fact]
    public async Task The_migrated_outbox_index_holds_the_unsent_rows_only()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Database:Schema"] = "Migrate" }).StartAsync();

        var filter = await app.WithDb(Approvals.Tests.Features.Notifications.OutboxIndex.FilterAsync);

        Assert.Contains("\"SentUtc\" IS NULL", filter ?? "(no filter: the index holds every row)");
    }

    [Fact]
    public async Task The_migrations_match_the_model()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Database:Schema"] = "Migrate" }).StartAsync();

        var changed = await app.WithDb(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(changed, "The EF model has changed since the last migration: run `bash tests/scripts/add-migration.sh <Name>`.");
    }
}

/// <summary>Migrations that move data keep it: a database written by an earlier version is read whole by this one.</summary>
public sealed class MigrationDataTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create(Path.Combine(Path.GetTempPath(), "approvals-tests", Guid.NewGuid().ToString("N")));

    public Task InitializeAsync()
    {
        _database.Prepare();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _database.Drop();

    [Fact]
    public async Task A_plan_stored_before_its_content_had_a_table_of_its_own_keeps_its_content()
    {
        var id = Guid.NewGuid();
        await using (var db = Context())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync(db.Database.GetMigrations().Single(m => m.EndsWith("_InitialCreate", StringComparison.Ordinal)));
            var now = DateTime.UtcNow;
            var (token, content) = (Guid.NewGuid(), """{"objectives":[{"title":"Flere i job","goals":[{"number":"1","text":"Ledigheden skal falde","indicators":[{"text":"Antal ledige"}],"activities":[]}]}]}""");
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Plans" ("Id", "CommitteeCode", "Title", "OwnerId", "Stage", "WorkflowId", "WorkflowVersion", "Revision", "SubmittedBy",
                    "ConcurrencyToken", "CreatedUtc", "UpdatedUtc", "GoalCount", "ErrorCount", "WarningCount", "FlaggedGoalCount", "FlaggedGoals", "Content")
                VALUES ({id}, 'BIU', 'Gammel plan', 'owner', 'draft', 'committee-plan', 1, 1, NULL, {token}, {now}, {now}, 1, 0, 0, 0, '[]', {content})
                """);
        }

        await using (var db = Context())
        {
            await db.Database.MigrateAsync();
            var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == id);

            Assert.Equal("Gammel plan", plan.Title);
            var goal = Assert.Single(Assert.Single(plan.Content.Objectives).Goals);
            Assert.Equal("Ledigheden skal falde", goal.Text);
            Assert.Equal("Antal ledige", Assert.Single(goal.Indicators).Text);
        }
    }

    [Fact]
    public async Task A_plan_under_review_before_the_four_eyes_columns_gets_its_authors_and_the_approvers_of_its_revision()
    {
        var id = Guid.NewGuid();
        await using (var db = Context())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync(db.Database.GetMigrations().Single(m => m.EndsWith("_SplitPlanContent", StringComparison.Ordinal)));
            var (now, token, empty) = (DateTime.UtcNow, Guid.NewGuid(), """{"objectives":[]}""");
            // Revision 1 was submitted by a colleague and returned; revision 2 was submitted by the owner and approved once.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Plans" ("Id", "CommitteeCode", "Title", "OwnerId", "Stage", "WorkflowId", "WorkflowVersion", "Revision", "SubmittedBy",
                    "ConcurrencyToken", "CreatedUtc", "UpdatedUtc", "GoalCount", "ErrorCount", "WarningCount", "FlaggedGoalCount", "FlaggedGoals")
                VALUES ({id}, 'BIU', 'Plan under behandling', 'owner', 'committee-approval', 'committee-plan', 1, 2, 'owner', {token}, {now}, {now}, 0, 0, 0, 0, '[]')
                """);
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "PlanContents" ("Id", "Content") VALUES ({id}, {empty})""");
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "PlanRevisions" ("PlanId", "Number", "Title", "Content", "SubmittedBy", "SubmittedUtc")
                VALUES ({id}, 1, 'Plan', {empty}, 'colleague', {now}), ({id}, 2, 'Plan', {empty}, 'owner', {now})
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Journal" ("PlanId", "Action", "FromStage", "ToStage", "ActorId", "ActorName", "AtUtc", "Comment", "Revision")
                VALUES ({id}, 'submit', 'draft', 'administrative-review', 'colleague', 'Kollega', {now}, NULL, 1),
                       ({id}, 'approve', 'administrative-review', 'committee-approval', 'reviewer', 'Sagsbehandler', {now}, NULL, 1),
                       ({id}, 'return', 'committee-approval', 'draft', 'approver', 'Godkender', {now}, 'Ret målet', 1),
                       ({id}, 'submit', 'draft', 'administrative-review', 'owner', 'Ejer', {now}, NULL, 2),
                       ({id}, 'approve', 'administrative-review', 'committee-approval', 'reviewer2', 'Sagsbehandler 2', {now}, NULL, 2)
                """);
        }

        await using (var db = Context())
        {
            await db.Database.MigrateAsync();
            var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == id);

            Assert.Equal(["colleague", "owner"], plan.ContentAuthors.Order(StringComparer.Ordinal));
            Assert.Equal(["reviewer2"], plan.RevisionApprovers);
        }
    }

    [Fact]
    public async Task Plans_stored_before_stage_entries_entered_their_stage_at_their_last_journal_entry_or_their_creation()
    {
        var (moved, never) = (Guid.NewGuid(), Guid.NewGuid());
        var created = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var (submitted, approved) = (created.AddDays(1), created.AddDays(3));
        await using (var db = Context())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync(db.Database.GetMigrations().Single(m => m.EndsWith("_FourEyesParticipants", StringComparison.Ordinal)));
            var empty = """{"objectives":[]}""";
            foreach (var (id, stage) in new[] { (moved, "committee-approval"), (never, "draft") })
            {
                var token = Guid.NewGuid();
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "Plans" ("Id", "CommitteeCode", "Title", "OwnerId", "Stage", "WorkflowId", "WorkflowVersion", "Revision", "SubmittedBy",
                        "ConcurrencyToken", "CreatedUtc", "UpdatedUtc", "GoalCount", "ErrorCount", "WarningCount", "FlaggedGoalCount", "FlaggedGoals",
                        "ContentAuthors", "RevisionApprovers")
                    VALUES ({id}, 'BIU', 'Plan', 'owner', {stage}, 'committee-plan', 1, 1, NULL, {token}, {created}, {created}, 0, 0, 0, 0, '[]', '[]', '[]')
                    """);
                await db.Database.ExecuteSqlAsync($"""INSERT INTO "PlanContents" ("Id", "Content") VALUES ({id}, {empty})""");
            }

            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Journal" ("PlanId", "Action", "FromStage", "ToStage", "ActorId", "ActorName", "AtUtc", "Comment", "Revision")
                VALUES ({moved}, 'submit', 'draft', 'administrative-review', 'owner', 'Ejer', {submitted}, NULL, 1),
                       ({moved}, 'approve', 'administrative-review', 'committee-approval', 'reviewer', 'Sagsbehandler', {approved}, NULL, 1)
                """);
        }

        await using (var db = Context())
        {
            await db.Database.MigrateAsync();
            var plans = await db.Plans.AsNoTracking().Where(p => p.Id == moved || p.Id == never).ToDictionaryAsync(p => p.Id);

            Assert.Equal((approved, 3), (plans[moved].StageEnteredUtc, plans[moved].StageEntry));
            Assert.Equal((created, 1), (plans[never].StageEnteredUtc, plans[never].StageEntry));
            // Due times come from the definitions, at the app's start (DeadlineBackfill), not from SQL.
            Assert.Null(plans[moved].DueUtc);
        }
    }

    [Fact]
    public async Task Comments_and_deadline_notices_stored_while_the_content_was_a_part_of_the_plan_are_kept_and_belong_to_the_plan()
    {
        var (id, comment) = (Guid.NewGuid(), Guid.NewGuid());
        var now = new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc);
        await using (var db = Context())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync(db.Database.GetMigrations().Single(m => m.EndsWith("_Delegations", StringComparison.Ordinal)));
            var (token, content) = (Guid.NewGuid(), """{"objectives":[{"title":"Job","goals":[{"number":"1","text":"Flere i job","indicators":[],"activities":[],"id":"g1"}],"id":"o1"}]}""");
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Plans" ("Id", "CommitteeCode", "Title", "OwnerId", "Stage", "WorkflowId", "WorkflowVersion", "Revision", "SubmittedBy",
                    "ConcurrencyToken", "CreatedUtc", "UpdatedUtc", "GoalCount", "ErrorCount", "WarningCount", "FlaggedGoalCount", "FlaggedGoals",
                    "ContentAuthors", "RevisionApprovers", "StageEntry", "StageEnteredUtc")
                VALUES ({id}, 'BIU', 'Plan med kommentar', 'owner', 'administrative-review', 'committee-plan', 2, 1, 'owner', {token}, {now}, {now},
                    1, 0, 0, 1, '[]', '["owner"]', '[]', 2, {now})
                """);
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "PlanContents" ("Id", "Content") VALUES ({id}, {content})""");
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "PlanComments" ("Id", "PlanId", "Revision", "Stage", "ObjectiveId", "GoalId", "GoalNumber", "AuthorId", "AuthorName", "Text",
                    "Status", "ConcurrencyToken", "CreatedUtc")
                VALUES ({comment}, {id}, 1, 'administrative-review', 'o1', 'g1', '1', 'reviewer', 'Sagsbehandler', 'Hvordan måles det?', 'Open', {token}, {now})
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "DeadlineNotices" ("PlanId", "StageEntry", "Stage", "Kind", "OffsetSeconds", "DueUtc", "EventId", "CreatedUtc")
                VALUES ({id}, 2, 'administrative-review', 'reminder', 86400, {now}, {Guid.NewGuid()}, {now})
                """);
        }

        await using (var db = Context())
        {
            await db.Database.MigrateAsync();
            var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == id);
            var kept = await db.PlanComments.AsNoTracking().SingleAsync(c => c.PlanId == id);

            Assert.Equal("Flere i job", Assert.Single(plan.Content.Goals).Text);
            Assert.Equal((comment, "Hvordan måles det?", "g1"), (kept.Id, kept.Text, kept.GoalId));
            Assert.Equal(1, await db.DeadlineNotices.CountAsync(n => n.PlanId == id));

            // They now hang on the plan's row: removing the plan removes them, its document with them.
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "Plans" WHERE "Id" = {id}""");
            Assert.Equal((0, 0, 0), (
                await db.PlanComments.CountAsync(c => c.PlanId == id),
                await db.DeadlineNotices.CountAsync(n => n.PlanId == id),
                await db.Database.SqlQuery<int>($"""SELECT COUNT(*) AS "Value" FROM "PlanContents" WHERE "Id" = {id}""").SingleAsync()));
        }
    }

    private ApprovalsDbContext Context()
    {
        var options = new DbContextOptionsBuilder<ApprovalsDbContext>();
        if (_database.Provider == "Sqlite")
        {
            options.UseSqlite(_database.ConnectionString, x => x.MigrationsAssembly("Approvals.Persistence.Sqlite")).AddInterceptors(new Approvals.Web.Persistence.SqlitePragmas());
        }
        else
        {
            options.UseNpgsql(_database.ConnectionString, x => x.MigrationsAssembly("Approvals.Persistence.Postgres"));
        }

        return new ApprovalsDbContext(options.Options);
    }
}
