using System.Runtime.CompilerServices;
using Approvals.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Approvals.Persistence;

/// <summary>
/// One set of compiled queries (<typeparamref name="T"/>, whose properties are <c>EF.CompileAsyncQuery</c>
/// delegates) per EF Core model. A compiled query skips what EF Core does for a LINQ query on every execution:
/// extracting its parameters from the expression tree and looking its translation up in the query cache by comparing
/// trees (about a tenth of a transition's CPU went there). A compiled query serves only the model it was first run
/// with, and one process can host apps with two models (the tests, on two providers): hence one set per model.
/// </summary>
public static class Compiled<T>
    where T : class, new()
{
    private static readonly ConditionalWeakTable<IModel, T> PerModel = [];

    public static T For(DbContext db) => PerModel.GetValue(db.Model, static _ => new T());
}

/// <summary>The plan row's hot reads: by id, without the content document (see <see cref="PlanContentLoading"/>).</summary>
public sealed class PlanRowQueries
{
    /// <summary>The plan's row, not tracked, without its content document: what a read of the plan's actions, history or metadata needs.</summary>
    public Func<ApprovalsDbContext, Guid, CancellationToken, Task<Plan?>> Untracked { get; } = EF.CompileAsyncQuery(
        (ApprovalsDbContext db, Guid id, CancellationToken ct) => db.Plans.AsNoTracking().IgnoreAutoIncludes().FirstOrDefault(p => p.Id == id));
}
