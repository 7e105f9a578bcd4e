using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
        var plans = await client.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/plans");

        Assert.NotEmpty(applied);
        Assert.Empty(pending);
        Assert.Equal(6, plans!.Count);
    }

    [Fact]
    public async Task The_migrations_match_the_model()
    {
        await using var app = await new ConfiguredApp(new Dictionary<string, string?> { ["Database:Schema"] = "Migrate" }).StartAsync();

        var changed = await app.WithDb(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(changed, "The EF model has changed since the last migration: run `bash tests/scripts/add-migration.sh <Name>`.");
    }
}
