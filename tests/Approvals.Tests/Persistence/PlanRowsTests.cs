using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Persistence;

/// <summary>
/// The plan's row read by hand (<see cref="PlanRows"/>, what the list of actions and a transition read) must make the
/// same plan EF Core's mapping makes of it, field for field: a column read wrongly would decide a guard or the four-eyes
/// rule on a wrong value, and a column added to the plan but not to the read would be missed.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PlanRowsTests(ApprovalsApp app)
{
    [Fact]
    public async Task A_row_read_by_hand_is_the_plan_ef_core_reads_every_property_alike()
    {
        var id = await FlaggedPlan();
        // To the microsecond, which both databases keep.
        var due = new DateTime(2027, 3, 1, 12, 30, 15, DateTimeKind.Utc).AddMicroseconds(123);
        // Every column given a value that is not its default, as a submitted and once approved plan has.
        await app.WithDb(db => db.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.SubmittedBy, "sekretaer-1")
            .SetProperty(p => p.RevisionApprovers, new List<string> { "godkender-1", "godkender-2" })
            .SetProperty(p => p.Revision, 3)
            .SetProperty(p => p.StageEntry, 7)
            .SetProperty(p => p.DueUtc, due)
            .SetProperty(p => p.NextDeadlineUtc, due.AddDays(-2))));

        var (byHand, byEf) = await app.WithDb(async db => (
            await PlanRows.ReadAsync(db, app.Services.GetRequiredService<PreparedReads>(), id, CancellationToken.None),
            await db.Plans.AsNoTracking().WithoutContent().SingleAsync(p => p.Id == id)));

        Assert.NotNull(byHand);
        Assert.False(byHand.ContentLoaded);
        Assert.NotEmpty(byHand.FlaggedGoals);
        Assert.Equal(["godkender-1", "godkender-2"], byHand.RevisionApprovers);
        Assert.Equal(due, byHand.DueUtc);
        var compared = 0;
        foreach (var property in typeof(Plan).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != nameof(Plan.Content)))
        {
            var (mine, theirs) = (property.GetValue(byHand), property.GetValue(byEf));
            Assert.True(
                JsonSerializer.Serialize(mine) == JsonSerializer.Serialize(theirs),
                $"{property.Name}: read by hand {JsonSerializer.Serialize(mine)}, by EF Core {JsonSerializer.Serialize(theirs)}");
            if (mine is DateTime time)
            {
                Assert.Equal(((DateTime)theirs!).Kind, time.Kind);
            }

            compared++;
        }

        // Every stored field of the plan was compared (the content and the derived committee are not stored in the row).
        Assert.True(compared >= 23, $"compared {compared} properties");
    }

    [Fact]
    public async Task A_missing_plan_reads_as_none()
    {
        var plan = await app.WithDb(db => PlanRows.ReadAsync(db, app.Services.GetRequiredService<PreparedReads>(), Guid.NewGuid(), CancellationToken.None));
        Assert.Null(plan);
    }

    [Fact]
    public async Task A_tracked_read_saves_what_changed_and_refuses_a_save_when_the_row_changed_since()
    {
        var id = await FlaggedPlan();
        var reads = app.Services.GetRequiredService<PreparedReads>();

        // Unchanged, a save writes nothing; after a change behind its back, a save based on the read fails on the token.
        await app.WithDb(async db =>
        {
            var plan = (await PlanRows.ReadTrackedAsync(db, reads, id, CancellationToken.None))!;
            Assert.Equal(EntityState.Unchanged, db.Entry(plan).State);
            Assert.Equal(0, await db.SaveChangesAsync());

            await PlanRows.LoadContentAsync(db, reads, plan, CancellationToken.None);
            plan.Edit("sekretaer-2", "Ny titel", plan.Content, stageIsEditable: true, DateTime.UtcNow);
            await app.WithDb(other => other.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ConcurrencyToken, Guid.NewGuid())));
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
            return 0;
        });
        Assert.NotEqual("Ny titel", await app.WithDb(db => db.Plans.Where(p => p.Id == id).Select(p => p.Title).SingleAsync()));

        await app.WithDb(async db =>
        {
            var plan = (await PlanRows.ReadTrackedAsync(db, reads, id, CancellationToken.None))!;
            await PlanRows.LoadContentAsync(db, reads, plan, CancellationToken.None);
            plan.Edit("sekretaer-2", "Ny titel", plan.Content, stageIsEditable: true, DateTime.UtcNow);
            await db.SaveChangesAsync();
            return 0;
        });
        var saved = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));
        Assert.Equal("Ny titel", saved.Title);
        Assert.Contains("sekretaer-2", saved.ContentAuthors);
        Assert.NotEmpty(saved.Content.Objectives);
    }

    [Fact]
    public async Task A_content_document_loaded_by_hand_is_the_one_ef_core_reads_and_is_tracked_with_its_plan()
    {
        var id = await FlaggedPlan();
        var reads = app.Services.GetRequiredService<PreparedReads>();
        var byEf = await app.WithDb(db => db.Plans.AsNoTracking().SingleAsync(p => p.Id == id));

        await app.WithDb(async db =>
        {
            // Read untracked, as the list of actions reads it: loading the content attaches it first.
            var plan = (await PlanRows.ReadAsync(db, reads, id, CancellationToken.None))!;
            Assert.False(plan.ContentLoaded);
            await PlanRows.LoadContentAsync(db, reads, plan, CancellationToken.None);

            Assert.True(plan.ContentLoaded);
            Assert.Equal(JsonSerializer.Serialize(byEf.Content), JsonSerializer.Serialize(plan.Content));
            Assert.Equal(EntityState.Unchanged, db.Entry(plan).State);
            var document = Assert.Single(db.ChangeTracker.Entries<PlanContentDocument>());
            Assert.Equal(EntityState.Unchanged, document.State);
            Assert.Same(plan.Content, document.Entity.Content);
            Assert.Equal(0, await db.SaveChangesAsync());
            return 0;
        });
    }

    [Fact]
    public async Task A_plan_whose_document_is_missing_stays_without_content()
    {
        var id = await FlaggedPlan();
        var reads = app.Services.GetRequiredService<PreparedReads>();
        await app.WithDb(db => db.Set<PlanContentDocument>().Where(d => d.PlanId == id).ExecuteDeleteAsync());

        var loaded = await app.WithDb(async db =>
        {
            var plan = (await PlanRows.ReadTrackedAsync(db, reads, id, CancellationToken.None))!;
            await PlanRows.LoadContentAsync(db, reads, plan, CancellationToken.None);
            return plan.ContentLoaded;
        });
        Assert.False(loaded);
    }

    // A plan whose one goal has only the placeholder indicator: flagged, so its stored flagged goals are not empty.
    private async Task<Guid> FlaggedPlan()
    {
        var client = await app.ClientFor(Users.Secretary(Committee.Oeu));
        var body = new
        {
            committee = "ØU",
            title = "Række læst i hånden",
            objectives = new[] { new { title = "Målsætning", goals = new[] { new { number = "1", text = "Et mål", indicators = new[] { new { text = "??????" } }, activities = new[] { new { text = "Aktivitet" } } } } } },
        };
        return (await (await client.PostAsJsonAsync("/api/plans", body)).ReadOk<PlanResponse>()).Id;
    }
}
