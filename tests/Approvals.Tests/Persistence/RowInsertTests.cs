using System.Data.Common;
using System.Globalization;
using Approvals.Persistence;
using Approvals.Tests.Infrastructure;
using Approvals.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approvals.Tests.Persistence;

/// <summary>
/// An inbox entry written by <see cref="RowInsert{TRow}"/> (every delivery's write) must be stored exactly as EF Core's
/// SaveChanges stores it, column for column: a date in another text form would sort and compare wrongly in SQL on
/// SQLite, a Guid in lower case would not be found by EF Core's queries, and a column added to the entity but not to
/// the insert would be left empty.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class RowInsertTests(ApprovalsApp app)
{
    [Fact]
    public async Task A_row_inserted_by_hand_is_stored_as_save_changes_stores_it_column_for_column()
    {
        // Every column given a value that is not its default, dates to the microsecond (what both databases keep).
        var at = new DateTime(2027, 3, 1, 12, 30, 15, DateTimeKind.Utc).AddMicroseconds(123);
        Notification Entry() => new()
        {
            Id = Guid.NewGuid(),
            EventId = Guid.NewGuid(),
            RecipientId = "modtager-1",
            PlanId = Guid.NewGuid(),
            Kind = "PlanApproved",
            Subject = "Handleplan godkendt: Æblehaven",
            Body = "Planen er godkendt af Økonomiudvalget.",
            Link = "https://handleplaner.example.dk/planer/1",
            OccurredUtc = at,
            CreatedUtc = at.AddSeconds(1),
            ReadUtc = at.AddMinutes(5),
            EmailedUtc = at.AddMinutes(1),
            EmailAttempts = 2,
            NextEmailAttemptUtc = at.AddMinutes(30),
            EmailLastError = "SMTP 451",
            ClaimToken = Guid.NewGuid(),
            LeaseUntilUtc = at.AddMinutes(2),
        };
        var (bySave, byHand) = (Entry(), Entry());
        (byHand.PlanId, byHand.ClaimToken) = (bySave.PlanId, bySave.ClaimToken);

        await app.WithDb(async db =>
        {
            db.Notifications.Add(bySave);
            return await db.SaveChangesAsync();
        });
        var inserted = await app.WithDb(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var count = await RowInsert<Notification>.InsertAsync(db, [byHand], CancellationToken.None);
            await transaction.CommitAsync();
            return count;
        });
        Assert.Equal(1, inserted);

        var stored = await app.WithDb(async db => (
            Saved: await StoredColumnsAsync(db, bySave.Id),
            ByHand: await StoredColumnsAsync(db, byHand.Id)));
        var differing = stored.Saved.Keys
            .Where(column => column is not (nameof(Notification.Id) or nameof(Notification.EventId)))
            .Where(column => stored.Saved[column] != stored.ByHand[column])
            .Select(column => $"{column}: saved {stored.Saved[column]}, inserted {stored.ByHand[column]}")
            .ToList();

        Assert.Empty(differing);
        Assert.Equal(typeof(Notification).GetProperties().Length, stored.Saved.Count);

        // And EF Core reads the row back as it was written, found by its Guid key.
        var read = await app.WithDb(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Id == byHand.Id));
        Assert.Equal(byHand.EventId, read.EventId);
        Assert.Equal(at, read.OccurredUtc);
        Assert.Equal(DateTimeKind.Utc, read.LeaseUntilUtc!.Value.Kind);
        Assert.Equal(byHand.ClaimToken, read.ClaimToken);
    }

    [Fact]
    public async Task Rows_that_break_the_unique_index_fail_and_leave_nothing_of_their_transaction()
    {
        var eventId = Guid.NewGuid();
        Notification Entry(string recipient) => new()
        {
            Id = Guid.NewGuid(), EventId = eventId, RecipientId = recipient, PlanId = Guid.NewGuid(), Kind = "PlanSubmitted",
            Subject = "s", Body = "b", Link = "https://handleplaner.example.dk/planer/2", OccurredUtc = DateTime.UtcNow, CreatedUtc = DateTime.UtcNow,
        };

        // (EventId, RecipientId) is unique: the third row repeats the first's, so the transaction holds none of them.
        await Assert.ThrowsAnyAsync<DbException>(() => app.WithDb(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var count = await RowInsert<Notification>.InsertAsync(db, [Entry("a"), Entry("b"), Entry("a")], CancellationToken.None);
            await transaction.CommitAsync();
            return count;
        }));

        Assert.Equal(0, await app.WithDb(db => db.Notifications.CountAsync(n => n.EventId == eventId)));
    }

    [Fact]
    public async Task A_row_insert_outside_a_transaction_is_refused_and_writes_nothing()
    {
        var eventId = Guid.NewGuid();
        var entry = new Notification
        {
            Id = Guid.NewGuid(), EventId = eventId, RecipientId = "a", PlanId = Guid.NewGuid(), Kind = "PlanSubmitted",
            Subject = "s", Body = "b", Link = "https://handleplaner.example.dk/planer/3", OccurredUtc = DateTime.UtcNow, CreatedUtc = DateTime.UtcNow,
        };

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDb(async db =>
        {
            await db.Database.OpenConnectionAsync();
            return await RowInsert<Notification>.InsertAsync(db, [entry], CancellationToken.None);
        }));
        Assert.Equal(0, await app.WithDb(db => db.Notifications.CountAsync(n => n.EventId == eventId)));
    }

    [Fact]
    public async Task An_entity_whose_key_the_database_numbers_is_refused_before_anything_is_written()
    {
        var before = await app.WithDb(db => db.Outbox.CountAsync());
        var message = new OutboxMessage
        {
            MessageId = Guid.NewGuid(), PlanId = Guid.NewGuid(), Type = "Approvals.Core.Contracts.PlanApproved", Body = "{}",
            CreatedUtc = DateTime.UtcNow, NextAttemptUtc = DateTime.UtcNow, SentUtc = DateTime.UtcNow,
        };

        // Written as 0, the key would collide with the database's numbering: the insert says so instead.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDb(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            return await RowInsert<OutboxMessage>.InsertAsync(db, [message], CancellationToken.None);
        }));
        Assert.Contains("numbered by the database", refused.Message);
        Assert.Equal(before, await app.WithDb(db => db.Outbox.CountAsync()));
    }

    /// <summary>The row's columns as the database holds them: each value's type and its invariant text.</summary>
    private static async Task<Dictionary<string, string>> StoredColumnsAsync(ApprovalsDbContext db, Guid id)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """SELECT * FROM "Notifications" WHERE "Id" = @id""";
        command.Parameters.Add(ModelParameters.For<Notification>(db, command, nameof(Notification.Id), "@id", id));
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no row {id}");
        var columns = new Dictionary<string, string>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.GetValue(i);
            columns[reader.GetName(i)] = $"{value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}";
        }

        return columns;
    }
}
