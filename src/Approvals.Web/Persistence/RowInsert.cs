using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approvals.Web.Persistence;

/// <summary>
/// An INSERT of whole new rows of <typeparamref name="TRow"/>, every mapped column, written from the model once per
/// model (so once per provider) and run as one command re-bound for each row, in the context's transaction. For a hot
/// write of new rows only: EF Core's SaveChanges builds the same statement again on every save (its modification
/// commands, the SQL text, the dependency sort), and tracks the rows afterwards for nothing. Each value is bound
/// through its property's own type mapping, so it is stored exactly as SaveChanges stores it (the UTC conversion of
/// every date, a Guid as upper-case text on SQLite and as uuid on PostgreSQL).
/// <para>For an entity of plain columns whose key the code sets: one with owned or complex parts, or with an integer
/// key the database numbers, is refused when the statement is first built. The rows are not tracked. A constraint the database checks (a unique index) fails as the provider's
/// own exception, not EF Core's <see cref="DbUpdateException"/>.</para>
/// </summary>
public sealed class RowInsert<TRow>
    where TRow : class
{
    private static readonly ConcurrentDictionary<IModel, RowInsert<TRow>> ByModel = new();

    private readonly string _sql;
    private readonly Column[] _columns;

    private RowInsert(IModel model, ISqlGenerationHelper sql)
    {
        var entity = model.FindEntityType(typeof(TRow))
            ?? throw new InvalidOperationException($"{typeof(TRow).Name} is not in the model.");
        if (entity.GetComplexProperties().Any() || entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
        {
            throw new InvalidOperationException($"{typeof(TRow).Name} has owned or complex parts, which a row insert does not write.");
        }

        // An integer key EF Core leaves to the database (SQLite's rowid, PostgreSQL's identity) would be written as 0.
        if (entity.FindPrimaryKey()?.Properties is [{ ValueGenerated: ValueGenerated.OnAdd, ClrType: var keyType }]
            && (keyType == typeof(long) || keyType == typeof(int)))
        {
            throw new InvalidOperationException($"{typeof(TRow).Name}'s key is numbered by the database, which a row insert does not read back.");
        }

        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        _columns = entity.GetProperties()
            .Select((property, i) => new Column(
                property.GetColumnName(table) ?? throw new InvalidOperationException($"{typeof(TRow).Name}.{property.Name} has no column."),
                "@p" + i,
                (RelationalTypeMapping)property.GetRelationalTypeMapping(),
                property.GetGetter(),
                property.IsNullable))
            .ToArray();
        _sql = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
               $"({string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Name)))}) " +
               $"VALUES ({string.Join(", ", _columns.Select(c => c.Parameter))})";
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> on the context's open connection, in its current transaction (the caller's
    /// to begin and commit, so the rows are written with whatever else it holds). Returns the rows inserted.
    /// </summary>
    public static async Task<int> InsertAsync(DbContext db, IReadOnlyCollection<TRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A row insert runs in the caller's transaction; none is open.");
        return await InsertAsync(db, sql =>
        {
            command.CommandText = sql;
            return command;
        }, rows, cancellationToken);
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> by the command <paramref name="commandFor"/> gives for the statement's SQL, set
    /// up by the caller in its transaction (<see cref="KeptWriter"/>'s); <paramref name="db"/> only gives the model.
    /// Returns the rows inserted.
    /// </summary>
    public static async Task<int> InsertAsync(
        DbContext db, Func<string, System.Data.Common.DbCommand> commandFor, IReadOnlyCollection<TRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var insert = For(db);
        var command = commandFor(insert._sql);
        var inserted = 0;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            foreach (var column in insert._columns)
            {
                command.Parameters.Add(column.Mapping.CreateParameter(
                    command, column.Parameter, column.Getter.GetClrValueUsingContainingEntity(row), column.Nullable));
            }

            // The same command for every row: the statement is prepared for the first and bound again for the rest.
            inserted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return inserted;
    }

    private static RowInsert<TRow> For(DbContext db) =>
        ByModel.GetOrAdd(db.Model, static (model, context) => new RowInsert<TRow>(model, context.GetService<ISqlGenerationHelper>()), db);

    private sealed record Column(string Name, string Parameter, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable);
}

/// <summary>Parameters for SQL written by hand, bound as EF Core binds the property they are compared with or stored in.</summary>
public static class ModelParameters
{
    /// <summary>A parameter holding <paramref name="value"/> as <typeparamref name="TEntity"/>'s <paramref name="property"/> is stored.</summary>
    public static System.Data.Common.DbParameter For<TEntity>(
        DbContext db, System.Data.Common.DbCommand command, string property, string parameterName, object? value)
    {
        var mapped = db.Model.FindEntityType(typeof(TEntity))?.FindProperty(property)
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{property} is not in the model.");
        return ((RelationalTypeMapping)mapped.GetRelationalTypeMapping()).CreateParameter(command, parameterName, value, mapped.IsNullable);
    }
}
