using System.Net.Http.Headers;
using System.Net.Http.Json;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.Plans;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Tests.Persistence;

/// <summary>
/// Hot reads on statements prepared once and kept on open SQLite connections (on PostgreSQL, the context's own
/// connection): a kept statement must read what was committed after it was prepared, and a connection in doubt is not kept.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PreparedReadsTests(ApprovalsApp app)
{
    private const string TitleOf = """SELECT "Title" FROM "Plans" WHERE "Id" = @id""";

    private readonly ApprovalsApp _app = app;

    private bool KeepsConnections => _app.Database.Provider == "Sqlite";

    [Fact]
    public async Task A_kept_statement_reads_what_was_committed_after_it_was_prepared()
    {
        var reads = _app.Services.GetRequiredService<PreparedReads>();
        var id = await NewPlan("Før ændringen");

        var before = await Title(reads, id);
        // Another connection commits in between; the kept statement is reused, with its connection still open.
        await _app.WithDb(db => db.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Ændret bag om ryggen")));
        var after = await Title(reads, id);

        Assert.Equal("Før ændringen", before);
        Assert.Equal("Ændret bag om ryggen", after);
        Assert.Equal(KeepsConnections, reads.IdleConnections > 0);
        Assert.Null(await Title(reads, Guid.NewGuid()));
    }

    [Fact]
    public async Task A_plan_read_answers_the_version_saved_last_with_its_etag()
    {
        var client = await _app.ClientFor(Users.Secretary(Committee.Oeu));
        var id = await NewPlan("Før gemning", "Første mål");
        var first = await (await client.GetAsync($"/api/plans/{id}")).ReadOk<PlanResponse>();

        // Saved through the API, then read again: the kept statement gives the new title, document and version.
        using var save = new HttpRequestMessage(HttpMethod.Put, $"/api/plans/{id}") { Content = JsonContent.Create(Plan("Efter gemning", "Andet mål")) };
        save.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(first.ETag));
        var saved = await (await client.SendAsync(save)).ReadOk<PlanResponse>();
        var again = await client.GetAsync($"/api/plans/{id}");
        var read = await again.ReadOk<PlanResponse>();

        Assert.Equal("Før gemning", first.Title);
        Assert.Equal("Første mål", first.Objectives[0].Goals[0].Text);
        Assert.Equal("Efter gemning", read.Title);
        Assert.Equal("Andet mål", read.Objectives[0].Goals[0].Text);
        Assert.Equal(saved.ETag, read.ETag);
        Assert.Equal(read.ETag, again.Headers.ETag?.ToString());
        Assert.NotEqual(first.ETag, read.ETag);
        Assert.Equal(DateTimeKind.Utc, read.UpdatedUtc.Kind);
        Assert.True(read.UpdatedUtc >= first.UpdatedUtc);
    }

    [Fact]
    public async Task A_context_names_its_database_as_ef_core_does_lease_after_lease()
    {
        // OnSqlite is asked of the provider once per context; pooled contexts are leased again and again.
        for (var lease = 0; lease < 3; lease++)
        {
            var (remembered, asked) = await _app.WithDb(db => Task.FromResult((db.OnSqlite, db.Database.IsSqlite())));

            Assert.Equal(KeepsConnections, remembered);
            Assert.Equal(asked, remembered);
        }
    }

    private async Task<Guid> NewPlan(string title, string goal = "Et mål")
    {
        var client = await _app.ClientFor(Users.Secretary(Committee.Oeu));
        return (await (await client.PostAsJsonAsync("/api/plans", Plan(title, goal))).ReadOk<PlanResponse>()).Id;
    }

    private static object Plan(string title, string goal) => new
    {
        committee = "ØU",
        title,
        objectives = new[] { new { title = "Målsætning", goals = new[] { new { number = "1", text = goal, indicators = new[] { new { text = "Andelen stiger med 5 %" } }, activities = new[] { new { text = "Aktivitet" } } } } } },
    };

    [Fact]
    public async Task Inside_a_transaction_a_read_sees_the_transactions_own_writes()
    {
        var reads = _app.Services.GetRequiredService<PreparedReads>();
        var id = await NewPlan("Før transaktionen");

        string? inside;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ApprovalsDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Plans.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "I transaktionen"));
            inside = await reads.ReadAsync(db, TitleOf, r => r.Read() ? r.GetString(0) : null, CancellationToken.None, ("@id", (object)id));
            await transaction.RollbackAsync();
        }

        Assert.Equal("I transaktionen", inside);
        Assert.Equal("Før transaktionen", await Title(reads, id));
    }

    [Fact]
    public async Task A_list_parameter_matches_every_item_whatever_its_length()
    {
        var reads = _app.Services.GetRequiredService<PreparedReads>();
        string[] titles = ["Liste en", "Liste to", "Liste tre"];
        foreach (var title in titles)
        {
            await NewPlan(title);
        }

        var sql = new ProviderSql(sqlite => $"""SELECT "Title" FROM "Plans" WHERE {PreparedReads.OneOf(sqlite, "\"Title\"", "@titles")}""");
        Task<List<string>> TitlesOf(params string[] wanted) => _app.WithDb(db => reads.ReadAsync(db, sql.For(db), r =>
        {
            var found = new List<string>();
            while (r.Read())
            {
                found.Add(r.GetString(0));
            }

            return found;
        }, CancellationToken.None, ("@titles", (object)wanted)));

        Assert.Equal(titles.Order(), (await TitlesOf([.. titles, "Ingen plan har denne titel"])).Order());
        Assert.Equal(["Liste to"], await TitlesOf("Liste to"));
        Assert.Empty(await TitlesOf());
    }

    [Fact]
    public async Task A_statement_that_fails_leaves_no_connection_behind_and_the_next_read_works()
    {
        var reads = _app.Services.GetRequiredService<PreparedReads>();
        var id = await _app.WithDb(db => db.Plans.Select(p => p.Id).FirstAsync());
        await Title(reads, id);
        var kept = reads.IdleConnections;

        await Assert.ThrowsAnyAsync<Exception>(() => _app.WithDb(db => reads.ReadAsync(
            db, """SELECT "NoSuchColumn" FROM "Plans" WHERE "Id" = @id""", r => r.Read(), CancellationToken.None, ("@id", (object)id))));

        Assert.Equal(KeepsConnections ? kept - 1 : 0, reads.IdleConnections);
        Assert.NotNull(await Title(reads, id));
    }

    [Fact]
    public async Task Once_disposed_it_keeps_no_connection_open_and_reads_no_more()
    {
        var reads = new PreparedReads(KeepsConnections ? _app.Database.ConnectionString : null);
        var id = await _app.WithDb(db => db.Plans.Select(p => p.Id).FirstAsync());
        Assert.NotNull(await Title(reads, id));
        Assert.Equal(KeepsConnections ? 1 : 0, reads.IdleConnections);

        reads.Dispose();

        Assert.Equal(0, reads.IdleConnections);
        if (KeepsConnections)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => Title(reads, id));
        }
    }

    private Task<string?> Title(PreparedReads reads, Guid id) =>
        _app.WithDb(db => reads.ReadAsync(db, TitleOf, r => r.Read() ? r.GetString(0) : null, CancellationToken.None, ("@id", (object)id)));
}
