using System.Runtime.CompilerServices;
using Approvals.Web.Persistence;

namespace Approvals.Tests.Infrastructure;

/// <summary>
/// SQLite as the app configures it, in this whole test process: before any test opens a connection, whichever runs
/// first, as the app does before its first (see <c>SqliteLibrary</c>).
/// </summary>
internal static class SqliteSetup
{
    [ModuleInitializer]
    internal static void Configure() => SqliteLibrary.Configure();
}
