using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Approvals.Core.Accounts;
using Approvals.Core.Plans;
using Approvals.Core.Workflow;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Features.Review;
using Approvals.Web.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Persistence;

/// <summary>
/// A transition's changes are saved by <see cref="ChangeWriter"/>, statements of its own built before the write gate's
/// turn. What it writes must be what SaveChanges writes, column for column (a date in another text form would sort
/// wrongly on SQLite, a Guid in lower case would not be found), all or nothing, with SaveChanges' check of the
/// concurrency token; and what it does not know how to write it must leave alone for SaveChanges.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ChangeWriterTests(ApprovalsApp app)
{
    private static readonly Guid Claim = Guid.NewGuid();

    private static readonly DateTime At = new DateTime(2027, 3, 1, 12, 30, 15, DateTimeKind.Utc).AddMicroseconds(123);

    private static readonly WorkflowActor Secretary = new("sekretaer-oeu", "Sofie Sekretær", [Roles.Secretary], Committee.Oeu.Code);

    [Fact]
    public async Task Changes_written_by_the_writer_are_stored_as_save_changes_stores_them_column_for_column()
    {
        var (bySave, byWriter) = (await NewPlan(), await NewPlan());
        var messages = (Guid.NewGuid(), Guid.NewGuid());

        var (savedJournalId, content) = await app.WithDb(async db =>
        {
            var journal = await Change(db, bySave, messages.Item1);
            await db.SaveChangesAsync();
            return (journal.Id, (await db.Plans.SingleAsync(p => p.Id == bySave)).Content);
        });
        var (written, writerJournalId, pending) = await app.WithDb(async db =>
        {
            // The same document (its items' ids included) as the twin's, so the stored text is comparable.
            var journal = await Change(db, byWriter, messages.Item2, content);
            var done = await ChangeWriter.TrySaveAsync(db, CancellationToken.None);
            return (done, journal.Id, db.ChangeTracker.HasChanges());
        });

        Assert.True(written, "the writer left a plain change to SaveChanges");
        Assert.False(pending, "the writer's changes were not accepted");

        // The plan's row and its content document (both changed), the new journal entry and outbox row.
        await AssertAlike("Plans", "Id", bySave, byWriter, ["Id", "ConcurrencyToken", "CreatedUtc", "StageEnteredUtc"]);
        await AssertAlike("PlanContents", "Id", bySave, byWriter, ["Id"]);
        await AssertAlike("Journal", "PlanId", bySave, byWriter, ["Id", "PlanId"]);
        await AssertAlike("Outbox", "PlanId", bySave, byWriter, ["Id", "PlanId", "MessageId"]);

        // The number the database gave the journal entry is set on it, as SaveChanges sets it.
        var stored = await app.WithDb(db => db.Journal.Where(j => j.PlanId == byWriter).Select(j => j.Id).SingleAsync());
        Assert.Equal(stored, writerJournalId);
        Assert.True(writerJournalId > savedJournalId);

        // And EF Core reads back what the writer wrote.
        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == byWriter));
        Assert.Equal("Ny titel: Æblehaven", plan.Title);
        Assert.Equal("Ændret målsætning", plan.Content.Objectives[0].Title);
        Assert.Equal(At, plan.UpdatedUtc);
        Assert.Equal(DateTimeKind.Utc, plan.UpdatedUtc.Kind);
    }

    [Fact]
    public async Task A_row_changed_since_it_was_read_fails_on_its_token_and_nothing_of_the_save_is_written()
    {
        var id = await NewPlan();
        var journalBefore = await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == id));

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => app.WithDb(async db =>
        {
            await Change(db, id, Guid.NewGuid());
            // Another user's edit is saved in between: its new token is not the one this change was based on.
            await app.WithDb(other => other.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Title, "Den andens titel").SetProperty(p => p.ConcurrencyToken, Guid.NewGuid())));
            return await ChangeWriter.TrySaveAsync(db, CancellationToken.None);
        }));

        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal("Den andens titel", plan.Title);
        Assert.NotEqual("Ændret målsætning", plan.Content.Objectives[0].Title);
        Assert.Equal(journalBefore, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == id)));
        Assert.Equal(0, await app.WithDb(db => db.Outbox.CountAsync(m => m.PlanId == id)));
    }

    [Fact]
    public async Task A_new_row_the_database_refuses_undoes_the_whole_save_and_fails_as_a_save_does()
    {
        var id = await NewPlan();
        var taken = Guid.NewGuid();
        await app.WithDb(async db =>
        {
            db.Outbox.Add(Message(Guid.NewGuid(), taken));
            return await db.SaveChangesAsync();
        });

        // The outbox row's message id is unique; the plan's row is updated before the insert fails.
        await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDb(async db =>
        {
            await Change(db, id, taken);
            return await ChangeWriter.TrySaveAsync(db, CancellationToken.None);
        }));

        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.NotEqual("Ny titel: Æblehaven", plan.Title);
        Assert.Equal(0, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == id && j.Action == "skrevet")));
    }

    [Fact]
    public async Task Changes_of_another_shape_are_left_to_save_changes_with_nothing_written()
    {
        var id = await NewPlan();
        var doomed = Guid.NewGuid();
        await app.WithDb(async db =>
        {
            db.Outbox.Add(Message(Guid.NewGuid(), doomed));
            return await db.SaveChangesAsync();
        });

        // A deleted row is SaveChanges' to write: the writer writes nothing of the save and leaves it pending.
        var (written, pending) = await app.WithDb(async db =>
        {
            await Change(db, id, Guid.NewGuid());
            db.Outbox.Remove(await db.Outbox.SingleAsync(m => m.MessageId == doomed));
            var done = await ChangeWriter.TrySaveAsync(db, CancellationToken.None);
            return (done, db.ChangeTracker.HasChanges());
        });

        Assert.False(written);
        Assert.True(pending);
        var plan = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.NotEqual("Ny titel: Æblehaven", plan.Title);
        Assert.Equal(1, await app.WithDb(db => db.Outbox.CountAsync(m => m.MessageId == doomed)));
        Assert.Equal(0, await app.WithDb(db => db.Outbox.CountAsync(m => m.PlanId == id)));
    }

    [Fact]
    public async Task A_transition_written_past_the_change_tracker_is_stored_as_save_changes_stores_it_column_for_column()
    {
        var (bySave, byWriter) = (await NewPlan(), await NewPlan());

        var savedJournalId = await app.WithDb(async db =>
        {
            var plan = await db.Plans.SingleAsync(p => p.Id == bySave);
            var result = Submit(plan);
            db.Journal.Add(result.Journal);
            db.PlanRevisions.Add(result.FrozenRevision!);
            db.Outbox.Add(Outbox.Message(result.Event));
            await db.SaveChangesAsync();
            return result.Journal.Id;
        });
        var (written, writerJournalId, tracked, plan) = await app.WithDb(async db =>
        {
            var (done, result, plan) = await SubmitUntracked(db, byWriter);
            Assert.False(result.FrozenRevision!.ContentLoaded, "the revision was frozen from a document read, not copied");
            return (done, result.Journal.Id, db.ChangeTracker.Entries().Count(), plan);
        });

        Assert.True(written, "the writer refused a transition's rows");
        Assert.Equal(0, tracked);

        // Only what the submit changed differs from the twin's: the plan's row, the journal entry, the revision (its
        // document apart: each plan's items have ids of their own) and the outbox row.
        await AssertAlike("Plans", "Id", bySave, byWriter, ["Id", "ConcurrencyToken", "CreatedUtc"]);
        await AssertAlike("Journal", "PlanId", bySave, byWriter, ["Id", "PlanId"]);
        await AssertAlike("PlanRevisions", "PlanId", bySave, byWriter, ["PlanId", "Content"]);
        await AssertAlike("Outbox", "PlanId", bySave, byWriter, ["Id", "PlanId", "MessageId", "Body"]);

        // The revision holds the plan's document exactly as stored; the journal entry has the database's number.
        var (document, frozen, storedJournalId, token) = await app.WithDb(async db => (
            await db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanContents" WHERE "Id" = {byWriter}""").SingleAsync(),
            await db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanRevisions" WHERE "PlanId" = {byWriter}""").SingleAsync(),
            await db.Journal.Where(j => j.PlanId == byWriter).Select(j => j.Id).SingleAsync(),
            await db.Plans.Where(p => p.Id == byWriter).Select(p => p.ConcurrencyToken).SingleAsync()));
        Assert.Equal(document, frozen);
        Assert.Equal(storedJournalId, writerJournalId);
        Assert.True(writerJournalId > savedJournalId);
        Assert.Equal(plan.ConcurrencyToken, token);
    }

    [Fact]
    public async Task A_column_the_transition_does_not_change_keeps_the_value_another_writer_gave_it_since_the_read()
    {
        var id = await NewPlan();

        // Written in between without renewing the token, as the deadline sweep writes NextDeadlineUtc: a column the
        // submit does not change must keep it, so only the changed columns may be written.
        await app.WithDb(db => SubmitUntracked(db, id, () =>
            app.WithDb(other => other.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.WarningCount, 77)))));

        var stored = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal(77, stored.WarningCount);
        Assert.NotEqual("draft", stored.Stage);
        Assert.Equal(Secretary.Id, stored.SubmittedBy);
    }

    [Fact]
    public async Task A_transition_past_the_change_tracker_on_a_plan_changed_since_it_was_read_fails_on_its_token_with_nothing_written()
    {
        var id = await NewPlan();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => app.WithDb(db => SubmitUntracked(db, id, () =>
            app.WithDb(other => other.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Title, "Den andens titel").SetProperty(p => p.ConcurrencyToken, Guid.NewGuid()))))));

        var stored = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal("Den andens titel", stored.Title);
        Assert.Equal("draft", stored.Stage);
        Assert.Equal(0, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == id && j.Action == "submit")));
        Assert.Equal(0, await app.WithDb(db => db.PlanRevisions.CountAsync(r => r.PlanId == id)));
        Assert.Equal(0, await app.WithDb(db => db.Outbox.CountAsync(m => m.PlanId == id)));
    }

    [Fact]
    public async Task A_submit_freezes_the_stored_document_without_reading_it()
    {
        var id = await NewPlan();

        TransitionOutcome outcome;
        bool? revisionLoaded;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var services = scope.ServiceProvider;
            var read = await services.GetRequiredService<ApprovalsDbContext>().Plans.AsNoTracking().SingleAsync(p => p.Id == id);
            var secretary = await services.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>()
                .CreateAsync((await services.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(Users.Secretary(Committee.Oeu)))!);
            outcome = await services.GetRequiredService<PlanTransitions>().TakeAsync(id, secretary, "submit", null, ETags.For(read), CancellationToken.None);
            revisionLoaded = outcome.Result?.FrozenRevision?.ContentLoaded;
        }

        Assert.Equal(TransitionStatus.Taken, outcome.Status);
        Assert.False(outcome.Plan!.ContentLoaded, "the submit read the plan's document");
        Assert.False(revisionLoaded, "the revision was frozen from a document read");

        // The revision holds the document exactly as stored, and reads as the plan's content.
        var (document, frozen, plan, revision) = await app.WithDb(async db => (
            await db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanContents" WHERE "Id" = {id}""").SingleAsync(),
            await db.Database.SqlQuery<string>($"""SELECT "Content" AS "Value" FROM "PlanRevisions" WHERE "PlanId" = {id}""").SingleAsync(),
            await db.Plans.AsNoTracking().SingleAsync(p => p.Id == id),
            await db.PlanRevisions.AsNoTracking().SingleAsync(r => r.PlanId == id)));
        Assert.Equal(document, frozen);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(plan.Content), System.Text.Json.JsonSerializer.Serialize(revision.Content));
        Assert.Equal(plan.Title, revision.Title);
    }

    [Fact]
    public async Task A_submit_whose_stored_document_is_missing_writes_nothing()
    {
        var id = await NewPlan();
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""DELETE FROM "PlanContents" WHERE "Id" = {id}"""));

        await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDb(db => SubmitUntracked(db, id)));

        var stored = await app.WithDb(db => db.Plans.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Stage, p.SubmittedBy }).SingleAsync());
        Assert.Equal("draft", stored.Stage);
        Assert.Null(stored.SubmittedBy);
        Assert.Equal(0, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == id && j.Action == "submit")));
        Assert.Equal(0, await app.WithDb(db => db.PlanRevisions.CountAsync(r => r.PlanId == id)));
        Assert.Equal(0, await app.WithDb(db => db.Outbox.CountAsync(m => m.PlanId == id)));
    }

    [Fact]
    public async Task Transitions_on_sqlite_write_on_one_kept_connection_and_a_refused_one_keeps_it()
    {
        // PostgreSQL takes writers in parallel, each on its context's connection.
        Assert.Equal(OnSqlite, Kept.Enabled);
        var (first, second, stale) = (await NewPlan(), await NewPlan(), await NewPlan());
        await app.WithDb(db => SubmitUntracked(db, first));
        var opened = Kept.Opened;

        // A plan changed since it was read is refused by its token, an error of the write, not of the connection.
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => app.WithDb(db => SubmitUntracked(db, stale, () =>
            app.WithDb(other => other.Plans.Where(p => p.Id == stale).ExecuteUpdateAsync(s => s.SetProperty(p => p.ConcurrencyToken, Guid.NewGuid()))))));
        var (written, _, _) = await app.WithDb(db => SubmitUntracked(db, second));

        Assert.True(written);
        Assert.True(OnSqlite ? opened >= 1 : opened == 0, $"{opened} connections opened");
        Assert.Equal(opened, Kept.Opened);
        Assert.Equal(["administrative-review", "administrative-review", "draft"], await Stages(first, second, stale));
    }

    [Fact]
    public async Task A_database_error_closes_the_kept_connection_with_nothing_written_and_the_next_write_opens_another()
    {
        var (broken, next) = (await NewPlan(), await NewPlan());
        await app.WithDb(db => SubmitUntracked(db, next));
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""DELETE FROM "PlanContents" WHERE "Id" = {broken}"""));
        var opened = Kept.Opened;

        // The revision's required document is missing: the database refuses the INSERT.
        await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDb(db => SubmitUntracked(db, broken)));
        var again = await NewPlan();
        var (written, _, _) = await app.WithDb(db => SubmitUntracked(db, again));

        Assert.True(written);
        Assert.Equal(OnSqlite ? opened + 1 : 0, Kept.Opened);
        Assert.Equal(["draft", "administrative-review", "administrative-review"], await Stages(broken, next, again));
        Assert.Equal(0, await app.WithDb(db => db.Journal.CountAsync(j => j.PlanId == broken && j.Action == "submit")));
    }

    [Fact]
    public async Task A_write_on_the_kept_connection_waits_for_the_write_gates_turn()
    {
        var id = await NewPlan();
        var gate = app.Services.GetRequiredService<WriteGate>();

        Task<(bool Written, TransitionResult Result, Plan Plan)> submit;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            submit = app.WithDb(db => SubmitUntracked(db, id));
            // On SQLite the write waits for the turn held here; PostgreSQL's gate is open, and its write goes ahead.
            var finished = await Task.WhenAny(submit, Task.Delay(TimeSpan.FromMilliseconds(500))) == submit;
            Assert.Equal(!OnSqlite, finished);
            Assert.Equal([OnSqlite ? "draft" : "administrative-review"], await Stages(id));
        }

        Assert.True((await submit).Written);
        Assert.Equal(["administrative-review"], await Stages(id));
    }

    [Fact]
    public async Task Writes_waiting_together_commit_together_and_one_that_fails_leaves_the_others_written_and_itself_absent()
    {
        var (first, broken, stale, last) = (await NewPlan(), await NewPlan(), await NewPlan(), await NewPlan());
        await app.WithDb(db => db.Database.ExecuteSqlAsync($"""DELETE FROM "PlanContents" WHERE "Id" = {broken}"""));
        var gate = app.Services.GetRequiredService<WriteGate>();

        // The stale write's plan is changed after it was read, before its write: the database refuses it by its token.
        var (changed, held) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var staleSubmit = app.WithDb(db => SubmitUntracked(db, stale, async () =>
        {
            await app.WithDb(other => other.Plans.Where(p => p.Id == stale).ExecuteUpdateAsync(s => s.SetProperty(p => p.ConcurrencyToken, Guid.NewGuid())));
            changed.SetResult();
            await held.Task;
        }));
        await changed.Task;
        Task<(bool Written, TransitionResult Result, Plan Plan)>[] others;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            held.SetResult();
            others = [app.WithDb(db => SubmitUntracked(db, first)), app.WithDb(db => SubmitUntracked(db, broken)), app.WithDb(db => SubmitUntracked(db, last))];

            // On SQLite all four wait for the one group the kept writer writes once the turn held here is passed on.
            var waiting = Stopwatch.StartNew();
            while (OnSqlite && Kept.RequestsWaiting < 4 && waiting.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(10);
            }

            Assert.Equal(OnSqlite ? 4 : 0, Kept.RequestsWaiting);
        }

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => staleSubmit);
        await Assert.ThrowsAsync<DbUpdateException>(() => others[1]);
        Assert.True((await others[0]).Written);
        Assert.True((await others[2]).Written);
        Assert.Equal(["administrative-review", "draft", "draft", "administrative-review"], await Stages(first, broken, stale, last));
        Assert.Equal(0, await app.WithDb(db => db.Journal.CountAsync(j => (j.PlanId == broken || j.PlanId == stale) && j.Action == "submit")));
        Assert.Equal(0, await app.WithDb(db => db.Outbox.CountAsync(m => m.PlanId == broken || m.PlanId == stale)));
        Assert.Equal(2, await app.WithDb(db => db.PlanRevisions.CountAsync(r => r.PlanId == first || r.PlanId == last)));
    }

    [Fact]
    public void A_revision_frozen_without_the_document_refuses_to_answer_from_an_empty_one()
    {
        var plan = Plan.Restore(new PlanRow(
            Guid.NewGuid(), Committee.Oeu.Code, "Uden dokument", Secretary.Id, "draft", "handleplan", 1, 1, null, [], [], Guid.NewGuid(), At, 0, At, null, null, At, 0, 0, 0, 0, []));
        var revision = PlanRevision.Freeze(plan, Secretary.Id, At);

        Assert.False(revision.ContentLoaded);
        Assert.Throws<PlanContentNotLoadedException>(() => revision.Content);
    }

    [Fact]
    public async Task The_rows_of_a_transition_are_of_shapes_the_writer_writes_past_the_change_tracker()
    {
        // PlanTransitions keeps its rows out of the change tracker only when this holds; otherwise it saves as before.
        Assert.True(await app.WithDb(db => Task.FromResult(
            ChangeWriter.WritesUntracked(db, typeof(Plan), typeof(JournalEntry), typeof(PlanRevision), typeof(OutboxMessage)))));
    }

    private PreparedReads Reads => app.Services.GetRequiredService<PreparedReads>();

    private KeptWriter Kept => app.Services.GetRequiredService<KeptWriter>();

    private bool OnSqlite => app.Database.Provider == "Sqlite";

    private TransitionResult Submit(Plan plan) =>
        app.Services.GetRequiredService<WorkflowRuntime>().Take(new GuardContext(plan, []), Secretary, "submit", null, At);

    /// <summary>
    /// Submits the plan as PlanTransitions does, read and written past the change tracker, its document not loaded but
    /// copied into the revision; <paramref name="between"/> runs before the write.
    /// </summary>
    private async Task<(bool Written, TransitionResult Result, Plan Plan)> SubmitUntracked(ApprovalsDbContext db, Guid id, Func<Task>? between = null)
    {
        var (plan, read) = (await PlanRows.ReadUntrackedAsync(db, Reads, id, CancellationToken.None))!.Value;
        var result = Submit(plan);
        if (between is not null)
        {
            await between();
        }

        var written = await ChangeWriter.TryWriteAsync(
            db,
            [new(plan, read), new(result.Journal), new(result.FrozenRevision!, Copy: result.FrozenRevision!.ContentLoaded ? null : PlanTransitions.StoredDocument), new(Outbox.Message(result.Event))],
            CancellationToken.None,
            Kept);
        return (written, result, plan);
    }

    /// <summary>The same change on a plan: its title and content edited, a journal entry and an outbox row added.</summary>
    /// <param name="content">The new content; by default the plan's own with its objective renamed.</param>
    private static async Task<JournalEntry> Change(ApprovalsDbContext db, Guid planId, Guid messageId, PlanContent? content = null)
    {
        var plan = await db.Plans.SingleAsync(p => p.Id == planId);
        content ??= plan.Content with { Objectives = [plan.Content.Objectives[0] with { Title = "Ændret målsætning" }] };
        plan.Edit("redaktoer-1", "Ny titel: Æblehaven", content, stageIsEditable: true, At);
        var journal = JournalEntry.Record(planId, "skrevet", plan.Stage, plan.Stage, "redaktoer-1", "Rita Redaktør", At, "Rettet ø og å", plan.Revision);
        db.Journal.Add(journal);
        db.Outbox.Add(Message(planId, messageId));
        return journal;
    }

    private static OutboxMessage Message(Guid planId, Guid messageId) => new()
    {
        MessageId = messageId,
        PlanId = planId,
        Type = "Approvals.Core.Contracts.PlanApproved",
        Body = """{"note":"Økonomiudvalget"}""",
        CreatedUtc = At,
        NextAttemptUtc = At.AddSeconds(1),
        Attempts = 2,
        LastError = "Fejl",
        LeaseUntilUtc = At.AddMinutes(2),
        ClaimToken = Claim,
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    private Task<List<string>> Stages(params Guid[] ids) => app.WithDb(async db =>
    {
        var stages = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Stage }).ToListAsync();
        return ids.Select(id => stages.Single(s => s.Id == id).Stage).ToList();
    });

    private async Task<Guid> NewPlan()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));
        var body = new
        {
            committee = "ØU",
            title = "Skrevet i hånden",
            objectives = new[] { new { title = "Målsætning", goals = new[] { new { number = "1", text = "Et mål", indicators = new[] { new { text = "Andelen skal stige" } }, activities = new[] { new { text = "Aktivitet" } } } } } },
        };
        return (await (await client.PostAsJsonAsync("/api/plans", body)).ReadOk<PlanResponse>()).Id;
    }

    /// <summary>The rows of two plans in <paramref name="table"/> hold the same value in every column but <paramref name="apart"/>.</summary>
    private async Task AssertAlike(string table, string planColumn, Guid first, Guid second, string[] apart)
    {
        var (a, b) = await app.WithDb(async db => (await Columns(db, table, planColumn, first), await Columns(db, table, planColumn, second)));
        Assert.NotEmpty(a);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        var differing = a.Keys.Where(c => !apart.Contains(c) && a[c] != b[c]).Select(c => $"{table}.{c}: saved {a[c]}, written {b[c]}").ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    private static async Task<Dictionary<string, string>> Columns(ApprovalsDbContext db, string table, string planColumn, Guid planId)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"""SELECT * FROM "{table}" WHERE "{planColumn}" = @id""";
        command.Parameters.Add(ModelParameters.For<Plan>(db, command, nameof(Plan.Id), "@id", planId));
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new Dictionary<string, string>();
        if (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                columns[reader.GetName(i)] = $"{value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}";
            }
        }

        Assert.False(await reader.ReadAsync(), $"more than one row of {table} for {planId}");
        return columns;
    }
}
