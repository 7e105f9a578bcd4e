using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Approvals.Persistence;

/// <summary>
/// Takes the <see cref="WriteGate"/> for every write of the app's DbContext, so no call site has to remember
/// to: a SaveChanges holds the turn until it has saved, an explicit transaction from its begin until its commit,
/// rollback or disposal, and an ExecuteUpdate, ExecuteDelete or raw SQL statement outside a transaction for that
/// one statement. Writes nested in a held turn (a SaveChanges inside a transaction) share it. Queries never wait.
/// <para>
/// The turn belongs to the connection: an EF Core connection is used by one flow at a time, and SQLite's write
/// lock belongs to the connection too. A transaction disposed without commit or rollback raises no interceptor
/// event, so <see cref="OnTransactionDisposed"/> is wired to EF Core's <c>TransactionDisposed</c> event (see
/// <see cref="AddTo"/>); closing the connection ends any turn still held, as a last resort.
/// </para>
/// </summary>
public sealed class WriteGateInterceptor(WriteGate gate)
    : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    private readonly ConditionalWeakTable<DbConnection, Hold> _holds = [];
    private readonly ConditionalWeakTable<DbTransaction, Hold> _transactions = [];

    [Flags]
    private enum Reason
    {
        None = 0,
        SaveChanges = 1,
        Transaction = 2,
        Command = 4,
    }

    /// <summary>Adds the interceptor to a DbContext's options, with the event that tells it a transaction was disposed.</summary>
    public void AddTo(DbContextOptionsBuilder options)
    {
        options.AddInterceptors(this);
        options.LogTo((id, _) => id == RelationalEventId.TransactionDisposed, OnTransactionDisposed);
    }

    public void OnTransactionDisposed(EventData eventData)
    {
        if (eventData is TransactionEventData { Transaction: { } transaction } && _transactions.TryGetValue(transaction, out var hold))
        {
            _transactions.Remove(transaction);
            hold.Release(Reason.Transaction);
        }
    }

    // SaveChanges: the turn covers EF Core's own transaction and every statement of the save.

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context)
        {
            Enter(context.Database.GetDbConnection(), Reason.SaveChanges);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            await EnterAsync(context.Database.GetDbConnection(), Reason.SaveChanges, cancellationToken);
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Leave(eventData.Context, Reason.SaveChanges);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Reason.SaveChanges);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Leave(eventData.Context, Reason.SaveChanges);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Reason.SaveChanges);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Leave(eventData.Context, Reason.SaveChanges);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Reason.SaveChanges);
        return Task.CompletedTask;
    }

    // A save that loses on a concurrency token ends in neither SavedChanges nor SaveChangesFailed: EF Core raises
    // only this. The save's own transaction still holds the turn until EF Core disposes it, a moment later; without
    // this the turn stayed held until the connection closed, and a flow that wrote on another connection before
    // that waited for itself.

    public InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        Leave(eventData.Context, Reason.SaveChanges);
        return result;
    }

    public ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context, Reason.SaveChanges);
        return ValueTask.FromResult(result);
    }

    // Explicit transactions: SQLite's BEGIN IMMEDIATE takes the database's write lock, so the turn is taken
    // before it. The transaction is begun here, so a begin that fails gives the turn back at once.

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (!gate.Serialises || result.HasResult)
        {
            return result;
        }

        var hold = Enter(connection, Reason.Transaction);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            hold.Release(Reason.Transaction);
            throw;
        }
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        if (!gate.Serialises || result.HasResult)
        {
            return result;
        }

        var hold = await EnterAsync(connection, Reason.Transaction, cancellationToken);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(
                await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            hold.Release(Reason.Transaction);
            throw;
        }
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Track(connection, result);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Track(connection, result);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ended(transaction);
        return Task.CompletedTask;
    }

    // A failed commit or rollback may leave the transaction open (and SQLite's lock held) until it is
    // disposed, so the turn is kept until then.

    // Statements outside SaveChanges: ExecuteUpdate, ExecuteDelete and raw SQL write; LINQ queries only read.

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (Writes(eventData))
        {
            Enter(command.Connection!, Reason.Command);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Writes(eventData))
        {
            await EnterAsync(command.Connection!, Reason.Command, cancellationToken);
        }

        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Leave(command.Connection, Reason.Command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(command.Connection, Reason.Command);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Leave(command.Connection, Reason.Command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(command.Connection, Reason.Command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Leave(command.Connection, Reason.Command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(command.Connection, Reason.Command);
        return Task.CompletedTask;
    }

    // A closed connection holds no lock: whatever turn it still held is over.

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        LeaveAll(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        LeaveAll(connection);
        return ValueTask.FromResult(result);
    }

    private static bool Writes(CommandEventData eventData) => eventData.CommandSource is
        CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete or
        CommandSource.ExecuteSqlRaw or CommandSource.Migrations;

    private Hold Enter(DbConnection connection, Reason reason)
    {
        var hold = _holds.GetValue(connection, _ => new Hold(gate));
        if (gate.Serialises)
        {
            // Synchronous EF Core calls (the data protection key store saves this way) wait synchronously.
            hold.EnterAsync(reason, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return hold;
    }

    private async ValueTask<Hold> EnterAsync(DbConnection connection, Reason reason, CancellationToken cancellationToken)
    {
        var hold = _holds.GetValue(connection, _ => new Hold(gate));
        if (gate.Serialises)
        {
            await hold.EnterAsync(reason, cancellationToken);
        }

        return hold;
    }

    private void Leave(DbContext? context, Reason reason)
    {
        if (context is not null)
        {
            Leave(context.Database.GetDbConnection(), reason);
        }
    }

    private void Leave(DbConnection? connection, Reason reason)
    {
        if (connection is not null && _holds.TryGetValue(connection, out var hold))
        {
            hold.Release(reason);
        }
    }

    private void LeaveAll(DbConnection connection)
    {
        if (_holds.TryGetValue(connection, out var hold))
        {
            hold.Release(Reason.SaveChanges | Reason.Transaction | Reason.Command);
        }
    }

    private void Track(DbConnection connection, DbTransaction transaction)
    {
        if (_holds.TryGetValue(connection, out var hold) && hold.Holds(Reason.Transaction))
        {
            _transactions.AddOrUpdate(transaction, hold);
        }
    }

    private void Ended(DbTransaction transaction)
    {
        if (_transactions.TryGetValue(transaction, out var hold))
        {
            _transactions.Remove(transaction);
            hold.Release(Reason.Transaction);
        }
    }

    /// <summary>One connection's turn at the gate, held while any reason for it lasts.</summary>
    private sealed class Hold(WriteGate gate)
    {
        private readonly Lock _lock = new();
        private IDisposable? _turn;
        private Reason _reasons;

        public bool Holds(Reason reason)
        {
            lock (_lock)
            {
                return (_reasons & reason) != 0;
            }
        }

        public async ValueTask EnterAsync(Reason reason, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (_turn is not null)
                {
                    _reasons |= reason;
                    return;
                }
            }

            // The connection is used by one flow at a time, so no second entry races this one.
            var turn = await gate.EnterAsync(cancellationToken);
            lock (_lock)
            {
                _turn = turn;
                _reasons |= reason;
            }
        }

        public void Release(Reason reasons)
        {
            IDisposable? turn = null;
            lock (_lock)
            {
                _reasons &= ~reasons;
                if (_reasons == Reason.None)
                {
                    (turn, _turn) = (_turn, null);
                }
            }

            turn?.Dispose();
        }
    }
}
