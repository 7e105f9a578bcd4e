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
/// A row for <see cref="ChangeWriter.TryWriteAsync"/>: a new entity, or a changed one with <see cref="Read"/> its copy as
/// read. A new row's <see cref="Copy"/> names a column whose value the INSERT copies from a stored row.
/// </summary>
public readonly record struct RowChange(object Entity, object? Read = null, ColumnCopy? Copy = null);

/// <summary>
/// A new row's <see cref="Property"/> copied, by its INSERT, from <see cref="SourceProperty"/> of the stored
/// <see cref="Source"/> row whose primary key is the new row's <see cref="KeyProperty"/>: a large value the caller need
/// not read in order to write it (a submit's frozen document). The entity's own value of the property is not read. A
/// missing source row leaves the column null, which a required column refuses, and nothing is written.
/// </summary>
public sealed record ColumnCopy(string Property, Type Source, string SourceProperty, string KeyProperty);

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
/// <para>
/// <see cref="TryWriteAsync"/> writes rows of the same shapes from entities EF Core does not track, for a caller that
/// keeps a copy of each changed entity as it was read: the change tracker's work (attaching, detecting, accepting) is
/// then not done at all.
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
                    Dispose(statements);
                    return false;
                }

                statements.Add(update);
            }

            foreach (var entry in entries.Where(e => e.State == EntityState.Added))
            {
                if (Shapes[entry.Metadata]!.Insert(connection, entry) is not { } insert)
                {
                    Dispose(statements);
                    return false;
                }

                statements.Add(insert);
            }
        }
        catch
        {
            Dispose(statements);
            throw;
        }

        await WriteAsync(db, connection, statements, cancellationToken);
        db.ChangeTracker.AcceptAllChanges();
        return true;
    }

    /// <summary>
    /// Whether <see cref="TryWriteAsync"/> writes rows of every one of <paramref name="types"/> (the same shapes as
    /// <see cref="TrySaveAsync"/>, and every property a CLR member it can read), so a caller can choose to keep its
    /// entities out of the change tracker before it reads them.
    /// </summary>
    public static bool WritesUntracked(DbContext db, params Type[] types)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        return types.All(type => db.Model.FindEntityType(type) is { } entityType
            && Shapes.GetOrAdd(entityType, static (t, sql) => Shape.Of(t, sql), sql) is { Untracked: true });
    }

    /// <summary>
    /// Writes <paramref name="rows"/> in one transaction of its own without the change tracker: each is a new entity
    /// (inserted), or a changed one with a copy of it as it was read (<see cref="RowChange.Read"/>), whose columns that
    /// differ from the copy's are updated, checked on the key and concurrency tokens of the copy, as SaveChanges checks
    /// them. Only the changed columns are written, so a column another writer set in between without renewing the
    /// token (the deadline sweep's <c>NextDeadlineUtc</c>) keeps its value unless this change sets it too. A number the
    /// database gives a new row's key is set on the entity once the commit holds it. Failures are those of
    /// <see cref="TrySaveAsync"/>, with nothing written. Returns false, having written nothing, for a type
    /// <see cref="WritesUntracked"/> refuses. With <paramref name="kept"/> enabled (SQLite), the statements run on its
    /// connection instead of the context's, which is then neither opened nor used.
    /// </summary>
    public static async Task<bool> TryWriteAsync(DbContext db, IReadOnlyList<RowChange> rows, CancellationToken cancellationToken, KeptWriter? kept = null)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return false;
        }

        var connection = db.Database.GetDbConnection();
        var sql = db.GetService<ISqlGenerationHelper>();
        var shapes = new Shape[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (db.Model.FindEntityType(rows[i].Entity.GetType()) is not { } type
                || Shapes.GetOrAdd(type, static (t, sql) => Shape.Of(t, sql), sql) is not { Untracked: true } shape)
            {
                return false;
            }

            shapes[i] = shape;
        }

        var statements = new List<Statement>(rows.Count);
        try
        {
            // Changed rows first, as in TrySaveAsync.
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Read is { } read && shapes[i].Update(connection, read, rows[i].Entity) is { } update)
                {
                    statements.Add(update);
                }
            }

            for (var i = 0; i < rows.Count; i++)
            {
                if (rows[i].Read is null)
                {
                    statements.Add(shapes[i].Insert(connection, rows[i].Entity, rows[i].Copy is { } copy ? Copied(db, copy) : null));
                }
            }
        }
        catch
        {
            Dispose(statements);
            throw;
        }

        await WriteAsync(db, connection, statements, cancellationToken, kept is { Enabled: true } ? kept : null);
        return true;
    }

    // The copy's subquery, its {0} the new row's key value, or an exception naming what is wrong.
    private static CopiedColumn Copied(DbContext db, ColumnCopy copy)
    {
        var source = db.Model.FindEntityType(copy.Source) ?? throw new InvalidOperationException($"{copy.Source.Name} is not mapped.");
        var table = StoreObjectIdentifier.Table(source.GetTableName()!, source.GetSchema());
        var column = source.FindProperty(copy.SourceProperty)?.GetColumnName(table)
            ?? throw new InvalidOperationException($"{copy.Source.Name} has no column for {copy.SourceProperty}.");
        if (source.FindPrimaryKey() is not { Properties: [var key] })
        {
            throw new InvalidOperationException($"{copy.Source.Name} is not keyed by one column.");
        }

        var sql = db.GetService<ISqlGenerationHelper>();
        return new CopiedColumn(copy.Property, copy.KeyProperty,
            $"SELECT {sql.DelimitIdentifier(column)} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(key.GetColumnName(table)!)} = {{0}}");
    }

    private sealed record CopiedColumn(string Property, string KeyProperty, string Sql);

    // Prepares the statements, then runs them in one transaction (whose BEGIN takes the write gate's turn) and commits;
    // accepts them (sets the keys the database numbered) once the commit holds them. Disposes them either way. With
    // the kept writer their SQL and parameters run on its commands (compiled once per SQL text) instead, in its
    // transaction under the gate's turn, and the context's commands that carried them are never executed.
    private static async Task WriteAsync(
        DbContext db, DbConnection connection, List<Statement> statements, CancellationToken cancellationToken, KeptWriter? kept = null)
    {
        try
        {
            if (kept is null && connection is SqliteConnection { State: System.Data.ConnectionState.Open })
            {
                // Compiled now, outside the write gate's turn.
                foreach (var statement in statements)
                {
                    await statement.Command.PrepareAsync(cancellationToken);
                }
            }

            var provider = kept is not null || connection is SqliteConnection ? "sqlite" : "postgresql";
            using (var activity = Features.Operations.ApprovalsTelemetry.StartDatabaseSave(provider, statements.Count))
            {
                try
                {
                    await (kept is null ? OnContextAsync() : kept.WriteAsync(OnKeptAsync, cancellationToken));
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
        }
        catch (DbException e)
        {
            // The context's own interceptors do not see these statements: a connection left read-only by a database
            // that refused writes must leave the pool, as when one of EF Core's commands meets it. (The kept writer
            // shows its own refusals.)
            if (kept is null)
            {
                foreach (var stale in db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<StaleConnectionInterceptor>() ?? [])
                {
                    stale.Failed(connection, e);
                }
            }

            throw new DbUpdateException("The changes were not saved: " + e.Message, e);
        }
        finally
        {
            Dispose(statements);
        }

        async Task OnContextAsync()
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var statement in statements)
            {
                statement.Command.Transaction = transaction.GetDbTransaction();
                await statement.ExecuteAsync(statement.Command, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        async Task OnKeptAsync(Func<string, SqliteCommand> commandFor, CancellationToken ct)
        {
            foreach (var statement in statements)
            {
                var command = commandFor(statement.Command.CommandText);
                foreach (DbParameter parameter in statement.Command.Parameters)
                {
                    command.Parameters.Add(parameter);
                }

                await statement.ExecuteAsync(command, ct);
            }
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
        /// <summary>The statement's SQL and parameters; also the command it runs on, unless run on another (<see cref="KeptWriter"/>).</summary>
        public DbCommand Command { get; } = command;

        public abstract Task ExecuteAsync(DbCommand command, CancellationToken cancellationToken);

        public virtual void Accept()
        {
        }
    }

    private sealed class UpdateStatement(DbCommand command, string entityName) : Statement(command)
    {
        public override async Task ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new DbUpdateConcurrencyException(
                    $"The {entityName} was changed or deleted since it was read; nothing was saved.");
            }
        }
    }

    private sealed class InsertStatement(DbCommand command, IProperty? generatedKey, Action<object?> setKey) : Statement(command)
    {
        private object? _key;

        public override async Task ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
        {
            if (generatedKey is null)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }

            var key = await command.ExecuteScalarAsync(cancellationToken);
            _key = Convert.ChangeType(key, generatedKey.ClrType, System.Globalization.CultureInfo.InvariantCulture);
        }

        // The number the database gave the row, set once the commit holds it (as SaveChanges sets it).
        public override void Accept()
        {
            if (generatedKey is not null)
            {
                setKey(_key);
            }
        }
    }

    /// <summary>What the writer knows of one entity type: its table, columns, key and tokens; null when it leaves the type to SaveChanges.</summary>
    private sealed class Shape
    {
        private readonly ConcurrentDictionary<string, string> _updates = new();
        private readonly ConcurrentDictionary<CopiedColumn, string> _copyInserts = new();
        private readonly ISqlGenerationHelper _sql;
        private readonly string _table;
        private readonly StoreObjectIdentifier _tableId;
        private readonly string _name;
        private readonly IProperty[] _properties;
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
            _name = type.DisplayName();
            _properties = [.. type.GetProperties()];
            _key = key;
            _generatedKey = generatedKey;
            _tokens = _properties.Where(p => p.IsConcurrencyToken && !p.IsPrimaryKey()).ToArray();
            _inserted = _properties.Where(p => p != generatedKey).ToArray();
            _insertSql = $"INSERT INTO {_table} ({string.Join(", ", _inserted.Select(Column))}) " +
                         $"VALUES ({string.Join(", ", _inserted.Select((_, i) => "@p" + i))})" +
                         (generatedKey is null ? "" : $" RETURNING {Column(generatedKey)}");
            // Written without the change tracker only when every value is a CLR member's (no shadow property to keep
            // elsewhere) and a numbered key can be set back on the entity.
            Untracked = _properties.All(p => !p.IsShadowProperty()) && (generatedKey is null || generatedKey.PropertyInfo?.SetMethod is not null);
        }

        /// <summary>Whether <see cref="TryWriteAsync"/> may write this type's rows from the entities alone.</summary>
        public bool Untracked { get; }

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

            return Insert(connection, p => entry.Property(p.Name).CurrentValue, value => entry.Property(_generatedKey!.Name).CurrentValue = value);
        }

        /// <summary>
        /// The INSERT of a new entity's row, not tracked: every value read from the entity's own members, but the
        /// <paramref name="copied"/> property's, which its subquery copies.
        /// </summary>
        public Statement Insert(DbConnection connection, object entity, CopiedColumn? copied = null) =>
            Insert(connection, p => p.GetGetter().GetClrValueUsingContainingEntity(entity), value => _generatedKey!.PropertyInfo!.SetValue(entity, value), copied);

        private InsertStatement Insert(DbConnection connection, Func<IProperty, object?> value, Action<object?> setKey, CopiedColumn? copied = null)
        {
            var command = connection.CreateCommand();
            var copiedAt = -1;
            if (copied is { } copy)
            {
                copiedAt = Array.FindIndex(_inserted, p => p.Name == copy.Property);
                var keyAt = Array.FindIndex(_inserted, p => p.Name == copy.KeyProperty);
                if (copiedAt < 0 || keyAt < 0 || copiedAt == keyAt)
                {
                    command.Dispose();
                    throw new InvalidOperationException($"A {_name}'s {copy.Property} cannot be copied by its {copy.KeyProperty}: both must be columns it inserts, and differ.");
                }

                command.CommandText = _copyInserts.GetOrAdd(copy, static (c, state) => state.Shape.InsertCopying(state.CopiedAt, string.Format(
                    System.Globalization.CultureInfo.InvariantCulture, c.Sql, "@p" + state.KeyAt)), (Shape: this, CopiedAt: copiedAt, KeyAt: keyAt));
            }
            else
            {
                command.CommandText = _insertSql;
            }

            for (var i = 0; i < _inserted.Length; i++)
            {
                if (i != copiedAt)
                {
                    command.Parameters.Add(Parameter(command, _inserted[i], "@p" + i, value(_inserted[i])));
                }
            }

            return new InsertStatement(command, _generatedKey, setKey);
        }

        private string InsertCopying(int copiedAt, string subquery) =>
            $"INSERT INTO {_table} ({string.Join(", ", _inserted.Select(Column))}) " +
            $"VALUES ({string.Join(", ", _inserted.Select((_, i) => i == copiedAt ? $"({subquery})" : "@p" + i))})" +
            (_generatedKey is null ? "" : $" RETURNING {Column(_generatedKey)}");

        /// <summary>The UPDATE of the entry's modified columns, checked on its key and tokens as read; null if a key changed or a token read was null.</summary>
        public Statement? Update(DbConnection connection, EntityEntry entry)
        {
            var modified = entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata).ToArray();
            if (modified.Length == 0 || modified.Any(p => p.IsKey()))
            {
                return null;
            }

            return Update(connection, modified, p => entry.Property(p.Name).CurrentValue, p => entry.Property(p.Name).OriginalValue);
        }

        /// <summary>
        /// The UPDATE of the columns in which <paramref name="entity"/> differs from <paramref name="read"/>, its copy as
        /// read (compared as the change tracker compares them, by each property's value comparer), checked on the
        /// copy's key and tokens; null when nothing differs. A changed key or a null token read throws: the caller's
        /// rows are then not ones this writer may write.
        /// </summary>
        public Statement? Update(DbConnection connection, object read, object entity)
        {
            var modified = _properties
                .Where(p => !p.GetValueComparer().Equals(p.GetGetter().GetClrValueUsingContainingEntity(read), p.GetGetter().GetClrValueUsingContainingEntity(entity)))
                .ToArray();
            if (modified.Length == 0)
            {
                return null;
            }

            if (modified.Any(p => p.IsKey()))
            {
                throw new InvalidOperationException($"The key of a {_name} changed; a changed key is SaveChanges' to write.");
            }

            return Update(connection, modified, p => p.GetGetter().GetClrValueUsingContainingEntity(entity), p => p.GetGetter().GetClrValueUsingContainingEntity(read))
                ?? throw new InvalidOperationException($"A {_name} read with a null concurrency token cannot be written past SaveChanges.");
        }

        private UpdateStatement? Update(DbConnection connection, IProperty[] modified, Func<IProperty, object?> current, Func<IProperty, object?> original)
        {
            var command = connection.CreateCommand();
            var signature = string.Join(",", modified.Select(p => p.GetIndex()));
            command.CommandText = _updates.GetOrAdd(signature, _ =>
                $"UPDATE {_table} SET {string.Join(", ", modified.Select((p, i) => $"{Column(p)} = @s{i}"))} " +
                $"WHERE {string.Join(" AND ", _key.Select((p, i) => $"{Column(p)} = @k{i}").Concat(_tokens.Select((p, i) => $"{Column(p)} = @t{i}")))}");
            for (var i = 0; i < modified.Length; i++)
            {
                command.Parameters.Add(Parameter(command, modified[i], "@s" + i, current(modified[i])));
            }

            for (var i = 0; i < _key.Length; i++)
            {
                command.Parameters.Add(Parameter(command, _key[i], "@k" + i, original(_key[i])));
            }

            for (var i = 0; i < _tokens.Length; i++)
            {
                if (original(_tokens[i]) is not { } token)
                {
                    command.Dispose();
                    return null;
                }

                command.Parameters.Add(Parameter(command, _tokens[i], "@t" + i, token));
            }

            return new UpdateStatement(command, _name);
        }

        private string Column(IProperty property) => _sql.DelimitIdentifier(property.GetColumnName(_tableId)!);

        private static DbParameter Parameter(DbCommand command, IProperty property, string name, object? value) =>
            ((RelationalTypeMapping)property.GetRelationalTypeMapping()).CreateParameter(command, name, value, property.IsNullable);
    }
}
