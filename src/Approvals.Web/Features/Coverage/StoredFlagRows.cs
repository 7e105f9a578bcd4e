using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Approvals.Core;
using Approvals.Core.Plans;
using Approvals.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Approvals.Web.Features.Coverage;

/// <summary>
/// The plans in scope of the JSON report, one row at a time, in the report's order (<see cref="CoverageReport.Query"/>'s).
/// On SQLite the row's columns are read where SQLite holds them (<see cref="SqliteRows"/>); elsewhere from
/// <see cref="CoverageReport.Plans"/>. A row's spans are valid until the next <see cref="ReadAsync"/>.
/// </summary>
internal abstract class StoredFlagRows : IAsyncDisposable
{
    public abstract ValueTask<bool> ReadAsync(CancellationToken ct);

    public abstract string CommitteeCode { get; }

    public abstract int GoalCount { get; }

    public abstract int FlaggedGoalCount { get; }

    /// <summary>The stored <c>FlaggedGoals</c> array, as UTF-8.</summary>
    public abstract ReadOnlySpan<byte> FlaggedGoals { get; }

    /// <summary>Writes the row's plan fields: committee, planId, planTitle, stage.</summary>
    public abstract void WritePlanFields(Utf8JsonWriter writer);

    public abstract ValueTask DisposeAsync();

    /// <summary>The statement the report steps on SQLite, with <c>?1</c> for the committee and <c>?2</c> for the stage when filtered.</summary>
    internal static string SqliteSql(bool byCommittee, bool byStage) => SqliteRows.Sql(byCommittee, byStage);

    public static async Task<StoredFlagRows> OpenAsync(ApprovalsDbContext db, Committee? committee, string? stage, CancellationToken ct) =>
        db.OnSqlite && db.Database.CurrentTransaction is null
            ? await SqliteRows.PrepareAsync(db, committee, TextRules.Identifier(stage), ct)
            : new QueriedRows(CoverageReport.Plans(db, committee, stage).GetAsyncEnumerator(ct));

    /// <summary>The rows of EF Core's query: PostgreSQL's.</summary>
    private sealed class QueriedRows(IAsyncEnumerator<PlanFlagColumns> plans) : StoredFlagRows
    {
        public override ValueTask<bool> ReadAsync(CancellationToken ct) => plans.MoveNextAsync();

        public override string CommitteeCode => plans.Current.CommitteeCode;

        public override int GoalCount => plans.Current.GoalCount;

        public override int FlaggedGoalCount => plans.Current.FlaggedGoalCount;

        public override ReadOnlySpan<byte> FlaggedGoals => plans.Current.FlaggedGoals;

        public override void WritePlanFields(Utf8JsonWriter writer)
        {
            var plan = plans.Current;
            writer.WriteString("committee"u8, plan.CommitteeCode);
            writer.WriteString("planId"u8, plan.Id);
            writer.WriteString("planTitle"u8, plan.Title);
            writer.WriteString("stage"u8, plan.Stage);
        }

        public override ValueTask DisposeAsync() => plans.DisposeAsync();
    }

    /// <summary>
    /// A statement of SQLite's own on the context's connection, stepped row by row: each column is read as the bytes
    /// SQLite holds, where it holds them. Through EF Core (and Microsoft.Data.Sqlite's reader) every row was copied
    /// into a new array, its strings decoded and a record built, which took about a third of the report's CPU at
    /// 10,000 plans. The SQL is <see cref="CoverageReport.Query"/>'s, so it reads by the same index.
    /// </summary>
    private sealed class SqliteRows : StoredFlagRows
    {
        private const int IdColumn = 0, CommitteeColumn = 1, TitleColumn = 2, StageColumn = 3, GoalCountColumn = 4, FlaggedCountColumn = 5, FlaggedGoalsColumn = 6;

        // Microsoft.Data.Sqlite's default command timeout: how long a step waits on a database that is busy.
        private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

        private static readonly (byte[] Utf8, string Code)[] Committees =
            Committee.All.Select(c => (Encoding.UTF8.GetBytes(c.Code), c.Code)).ToArray();

        private readonly ApprovalsDbContext _db;
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;
        private readonly bool _opened;
        private bool _stepped;

        private SqliteRows(ApprovalsDbContext db, SqliteConnection connection, sqlite3_stmt statement, bool opened)
        {
            _db = db;
            _connection = connection;
            _statement = statement;
            _opened = opened;
        }

        public static string Sql(bool byCommittee, bool byStage)
        {
            var filters = new List<string>(2);
            if (byCommittee)
            {
                filters.Add("\"CommitteeCode\" = ?1");
            }

            if (byStage)
            {
                filters.Add("\"Stage\" = ?2");
            }

            return $"""
                SELECT "Id", "CommitteeCode", "Title", "Stage", "GoalCount", "FlaggedGoalCount", "FlaggedGoals"
                FROM "Plans"
                {(filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters))}
                ORDER BY {CoverageOrder.OrderBySql}
                """;
        }

        public static async Task<StoredFlagRows> PrepareAsync(ApprovalsDbContext db, Committee? committee, string? stage, CancellationToken ct)
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            var opened = connection.State != System.Data.ConnectionState.Open;
            if (opened)
            {
                await db.Database.OpenConnectionAsync(ct);
            }

            sqlite3_stmt? statement = null;
            try
            {
                var handle = connection.Handle!;
                Check(raw.sqlite3_prepare_v2(handle, Sql(committee is not null, stage is not null), out statement), handle);
                if (committee is not null)
                {
                    Check(raw.sqlite3_bind_text(statement, 1, committee.Code), handle);
                }

                if (stage is not null)
                {
                    Check(raw.sqlite3_bind_text(statement, 2, stage), handle);
                }

                return new SqliteRows(db, connection, statement, opened);
            }
            catch
            {
                statement?.Dispose();
                if (opened)
                {
                    await db.Database.CloseConnectionAsync();
                }

                throw;
            }
        }

        public override ValueTask<bool> ReadAsync(CancellationToken ct)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var rc = raw.sqlite3_step(_statement);
                switch (rc)
                {
                    case raw.SQLITE_ROW:
                        _stepped = true;
                        return ValueTask.FromResult(true);
                    case raw.SQLITE_DONE:
                        return ValueTask.FromResult(false);
                    // Busy before its first row (another connection recovering the WAL, say): wait and start again.
                    // Once a row has been read the statement holds its read transaction, and starting again would repeat rows.
                    case raw.SQLITE_BUSY or raw.SQLITE_LOCKED when !_stepped && waited.Elapsed < BusyTimeout:
                        ct.ThrowIfCancellationRequested();
                        raw.sqlite3_reset(_statement);
                        Thread.Sleep(1);
                        break;
                    default:
                        Check(rc, _connection.Handle!);
                        return ValueTask.FromResult(false);
                }
            }
        }

        public override string CommitteeCode
        {
            get
            {
                var code = raw.sqlite3_column_blob(_statement, CommitteeColumn);
                foreach (var (utf8, name) in Committees)
                {
                    if (code.SequenceEqual(utf8))
                    {
                        return name;
                    }
                }

                return Encoding.UTF8.GetString(code);
            }
        }

        public override int GoalCount => raw.sqlite3_column_int(_statement, GoalCountColumn);

        public override int FlaggedGoalCount => raw.sqlite3_column_int(_statement, FlaggedCountColumn);

        public override ReadOnlySpan<byte> FlaggedGoals => raw.sqlite3_column_blob(_statement, FlaggedGoalsColumn);

        public override void WritePlanFields(Utf8JsonWriter writer)
        {
            writer.WriteString("committee"u8, raw.sqlite3_column_blob(_statement, CommitteeColumn));
            // EF Core stores a Guid on SQLite as upper-case text; the report writes it as JSON does, in lower case.
            var id = raw.sqlite3_column_blob(_statement, IdColumn);
            if (!Utf8Parser.TryParse(id, out Guid planId, out var read) || read != id.Length)
            {
                throw new InvalidDataException($"A plan's stored id is not a Guid: '{Encoding.UTF8.GetString(id)}'.");
            }

            writer.WriteString("planId"u8, planId);
            writer.WriteString("planTitle"u8, raw.sqlite3_column_blob(_statement, TitleColumn));
            writer.WriteString("stage"u8, raw.sqlite3_column_blob(_statement, StageColumn));
        }

        public override async ValueTask DisposeAsync()
        {
            _statement.Dispose();
            if (_opened)
            {
                await _db.Database.CloseConnectionAsync();
            }
        }

        private static void Check(int rc, sqlite3 handle)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, handle);
            }
        }
    }
}
