using SQLitePCL;

namespace Approvals.Web.Persistence;

/// <summary>
/// The process-wide settings of the SQLite library, made once before its first connection opens.
/// </summary>
/// <remarks>
/// By default SQLite counts every allocation it makes for <c>sqlite3_memory_used</c> and its soft heap limit, under
/// one mutex for the whole process. The app's connections run on several threads at once (the kept writer, the
/// prepared reads, EF Core's pooled connections, the checkpoint worker), so that mutex was contended on most
/// allocations: a profile under load found about three quarters of the app's <c>futex</c> calls in SQLite's
/// <c>sqlite3Malloc</c> and <c>sqlite3_free</c> waiting for it or waking its waiter. The app reads neither the count
/// nor a heap limit, so the counting is switched off (<c>SQLITE_CONFIG_MEMSTATUS</c> 0); each connection's own
/// mutexes and the locks on the database file are untouched.
/// </remarks>
internal static class SqliteLibrary
{
    // Made once, on the first call, whichever thread makes it.
    private static readonly Lazy<int> Result = new(() =>
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    });

    /// <summary>
    /// Switches the allocation count off; SQLite's result code, the first call's for every later one. It is
    /// <c>SQLITE_MISUSE</c> (21) when the library was initialised before (a connection opened first): the setting is
    /// then SQLite's default, which is slower and as correct.
    /// </summary>
    public static int Configure() => Result.Value;

    /// <summary>Says at start-up whether the setting took: an operator who sees the warning knows why writes cost more.</summary>
    public static void Report(ILogger logger)
    {
        var result = Configure();
        if (result == raw.SQLITE_OK)
        {
            logger.LogInformation("SQLite counts no allocations: its connections do not wait for one another on its allocator.");
        }
        else
        {
            logger.LogWarning(
                "SQLite was initialised before the app could switch its allocation count off (result {Result}); its connections " +
                "wait for one another on every allocation, which costs CPU under load.", result);
        }
    }
}
