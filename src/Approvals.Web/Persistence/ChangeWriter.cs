using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approvals.Web.Persistence;

/// <summary>
/// Saves a context's pending changes by statements of its own when they have a plain shape: rows changed in their own
/// columns (each UPDATE checks the key and the concurrency tokens read, as SaveChanges does) and new rows, whose key the
/// code sets or the database numbers (read back by <c>RETURNING</c>). Everything is built and bound before the
/// transaction begins, so the write gate's turn (taken at BEGIN, see <see cref="Approvals.Persistence.WriteGate"/>)
/// covers the statements and the commit only, not EF Core's building of them: on SQLite every write waits for that
/// turn, so its length, not the CPU alone, bounds how many transitions a second the app takes.
/// <para>
/// Changes of any other shape (a deleted row, a changed key, a value the database generates on update, a new row
/// referring to another new row, owned or complex parts, a token that was null) are left to SaveChanges:
/// <see cref="TrySaveAsync"/> then writes nothing and returns false. Values are bound through each property's type
/// mapping, so they are stored exactly as SaveChanges stores them.
/// </para>
/// </summary>
public static class ChangeWriter
{
    private static readonly ConcurrentDictionary<IEntityType, Shape?> Shapes = new();

    /// <summary>
    /// Writes the pending changes of <paramref name="db"/> in one transaction of its own and accepts them, or returns false
    /// having written nothing when their shape is not one it writes. A row changed since it was read fails with
    /// <see cref="DbUpdateConcurrencyException"/>, any other failure of a statement with <see cref="DbUpdateException"/>;
    /// either way nothing is written and the changes stay pending.
    /// </summary>
    public static async Task<bool> TrySaveAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return false;
        }

        // Detects changes once, as SaveChanges would.
        var entries = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
        if (entries.Count == 0)
        {
            return true;
        }

        var connection = db.Database.GetDbConnection();
        var sql = db.GetService<ISqlGenerationHelper>();
        var statements = new List<Statement>(entries.Count);
        var added = new HashSet<IEntityType>();
        foreach (var entry in entries)
        {
            var shape = Shapes.GetOrAdd(entry.Metadata, static (type, sql) => Shape.Of(type, sql), sql);
            if (shape is null || entry.State is not (EntityState.Modified or EntityState.Added))
            {
                return false;
            }

            if (entry.State == EntityState.Added)
            {
                added.Add(entry.Metadata);
            }
        }

        // A new row whose foreign key points at another new row would need their order worked out (and its key read
        // back first): SaveChanges does that.
        if (entries.Any(e => e.State == EntityState.Added && e.Metadata.GetForeignKeys().Any(fk => added.Contains(fk.PrincipalEntityType))))
        {
            return false;
        }

        try
        {
            // Changed rows first: a stale one fails before anything is inserted.
            foreach (var entry in entries.Where(e => e.State == EntityState.Modified))
            {
                if (Shapes[entry.Metadata]!.Update(connection, entry) is not { } update)
                {
                    return false;
                }

                statements.Add(update);
            }

            foreach (var entry in entries.Where(e => e.State == EntityState.Added))
            {
                if (Shapes[entry.Metadata]!.Insert(connection, entry) is not { } insert)
                {
                    return false;
                }

                statements.Add(insert);
            }

            if (connection is SqliteConnection { State: System.Data.ConnectionState.Open })
            {
                // Compiled now, outside the write gate's turn.
                foreach (var statement in statements)
                {
                    await statement.Command.PrepareAsync(cancellationToken);
                }
            }

            using (var activity = Features.Operations.ApprovalsTelemetry.StartDatabaseSave(connection is SqliteConnection ? "sqlite" : "postgresql", statements.Count))
            {
                try
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    foreach (var statement in statements)
                    {
                        statement.Command.Transaction = transaction.GetDbTransaction();
                        await statement.ExecuteAsync(cancellationToken);
                    }

                    await transaction.CommitAsync(cancellationToken);
                }
                catch (Exception e)
                {
                    activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
                    throw;
                }
            }

            foreach (var statement in statements)
            {
                statement.Accept();
            }

            db.ChangeTracker.AcceptAllChanges();
            return true;
        }
        catch (DbException e)
        {
            // The context's own interceptors do not see these statements: a connection left read-only by a database
            // that refused writes must leave the pool, as when one of EF Core's commands meets it.
            foreach (var stale in db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<StaleConnectionInterceptor>() ?? [])
            {
                stale.Failed(connection, e);
            }

            throw new DbUpdateException("The changes were not saved: " + e.Message, e);
        }
        finally
        {
            Dispose(statements);
        }
    }

    private static void Dispose(List<Statement> statements)
    {
        foreach (var statement in statements)
        {
            statement.Command.Dispose();
        }
    }

    private abstract class Statement(DbCommand command)
    {
        public DbCommand Command { get; } = command;

        public abstract Task ExecuteAsync(CancellationToken cancellationToken);

        public virtual void Accept()
        {
        }
    }

    private sealed class UpdateStatement(DbCommand command, EntityEntry entry) : Statement(command)
    {
        public override async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            if (await Command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new DbUpdateConcurrencyException(
                    $"The {entry.Metadata.DisplayName()} was changed or deleted since it was read; nothing was saved.");
            }
        }
    }

    private sealed class InsertStatement(DbCommand command, EntityEntry entry, IProperty? generatedKey) : Statement(command)
    {
        private object? _key;

        public override async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            if (generatedKey is null)
            {
                await Command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }

            var key = await Command.ExecuteScalarAsync(cancellationToken);
            _key = Convert.ChangeType(key, generatedKey.ClrType, System.Globalization.CultureInfo.InvariantCulture);
        }

        // The number the database gave the row, set once the commit holds it (as SaveChanges sets it).
        public override void Accept()
        {
            if (generatedKey is not null)
            {
                entry.Property(generatedKey.Name).CurrentValue = _key;
            }
        }
    }

    /// <summary>What the writer knows of one entity type: its table, columns, key and tokens; null when it leaves the type to SaveChanges.</summary>
    private sealed class Shape
    {
        private readonly ConcurrentDictionary<string, string> _updates = new();
        private readonly ISqlGenerationHelper _sql;
        private readonly string _table;
        private readonly StoreObjectIdentifier _tableId;
        private readonly IProperty[] _key;
        private readonly IProperty[] _tokens;
        private readonly IProperty? _generatedKey;
        private readonly IProperty[] _inserted;
        private readonly string _insertSql;

        private Shape(IEntityType type, ISqlGenerationHelper sql, StoreObjectIdentifier table, IProperty[] key, IProperty? generatedKey)
        {
            _sql = sql;
            _tableId = table;
            _table = sql.DelimitIdentifier(table.Name, table.Schema);
            _key = key;
            _generatedKey = generatedKey;
            _tokens = type.GetProperties().Where(p => p.IsConcurrencyToken && !p.IsPrimaryKey()).ToArray();
            _inserted = type.GetProperties().Where(p => p != generatedKey).ToArray();
            _insertSql = $"INSERT INTO {_table} ({string.Join(", ", _inserted.Select(Column))}) " +
                         $"VALUES ({string.Join(", ", _inserted.Select((_, i) => "@p" + i))})" +
                         (generatedKey is null ? "" : $" RETURNING {Column(generatedKey)}");
        }

        public static Shape? Of(IEntityType type, ISqlGenerationHelper sql)
        {
            if (type.IsOwned() || type.GetComplexProperties().Any() || type.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
                || type.GetTableName() is not { } tableName || type.BaseType is not null || type.GetDirectlyDerivedTypes().Any()
                || type.FindPrimaryKey() is not { } primaryKey)
            {
                return null;
            }

            var table = StoreObjectIdentifier.Table(tableName, type.GetSchema());
            // Only a key of one integer the database numbers is generated; any other value the database makes up is
            // SaveChanges' to read back.
            var generatedKey = primaryKey.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } key] && (key.ClrType == typeof(long) || key.ClrType == typeof(int))
                ? key
                : null;
            if (type.GetProperties().Any(p => p.GetColumnName(table) is null || (!p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never)))
            {
                return null;
            }

            return new Shape(type, sql, table, [.. primaryKey.Properties], generatedKey);
        }

        /// <summary>The INSERT of the entry's row; null when a key the code should have set is still EF Core's temporary value.</summary>
        public Statement? Insert(DbConnection connection, EntityEntry entry)
        {
            if (_key.Any(k => k != _generatedKey && entry.Property(k.Name).IsTemporary))
            {
                return null;
            }

            var command = connection.CreateCommand();
            command.CommandText = _insertSql;
            for (var i = 0; i < _inserted.Length; i++)
            {
                command.Parameters.Add(Parameter(command, _inserted[i], "@p" + i, entry.Property(_inserted[i].Name).CurrentValue));
            }

            return new InsertStatement(command, entry, _generatedKey);
        }

        /// <summary>The UPDATE of the entry's modified columns, checked on its key and tokens as read; null if a key changed or a token read was null.</summary>
        public Statement? Update(DbConnection connection, EntityEntry entry)
        {
            var modified = entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata).ToArray();
            if (modified.Length == 0 || modified.Any(p => p.IsKey()))
            {
                return null;
            }

            var command = connection.CreateCommand();
            var signature = string.Join(",", modified.Select(p => p.GetIndex()));
            command.CommandText = _updates.GetOrAdd(signature, _ =>
                $"UPDATE {_table} SET {string.Join(", ", modified.Select((p, i) => $"{Column(p)} = @s{i}"))} " +
                $"WHERE {string.Join(" AND ", _key.Select((p, i) => $"{Column(p)} = @k{i}").Concat(_tokens.Select((p, i) => $"{Column(p)} = @t{i}")))}");
            for (var i = 0; i < modified.Length; i++)
            {
                command.Parameters.Add(Parameter(command, modified[i], "@s" + i, entry.Property(modified[i].Name).CurrentValue));
            }

            for (var i = 0; i < _key.Length; i++)
            {
                command.Parameters.Add(Parameter(command, _key[i], "@k" + i, entry.Property(_key[i].Name).OriginalValue));
            }

            for (var i = 0; i < _tokens.Length; i++)
            {
                if (entry.Property(_tokens[i].Name).OriginalValue is not { } token)
                {
                    command.Dispose();
                    return null;
                }

                command.Parameters.Add(Parameter(command, _tokens[i], "@t" + i, token));
            }

            return new UpdateStatement(command, entry);
        }

        private string Column(IProperty property) => _sql.DelimitIdentifier(property.GetColumnName(_tableId)!);

        private static DbParameter Parameter(DbCommand command, IProperty property, string name, object? value) =>
            ((RelationalTypeMapping)property.GetRelationalTypeMapping()).CreateParameter(command, name, value, property.IsNullable);
    }
}
