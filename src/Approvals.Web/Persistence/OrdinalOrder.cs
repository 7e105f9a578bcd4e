using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Approvals.Web.Persistence;

/// <summary>
/// The collation that orders text by code point, on either provider, so a list is paged in the same order on SQLite
/// and on PostgreSQL whatever the server's default collation (the official image sorts "ØU" between KFU and SOU, and
/// "a" before "B"). Code point order is what .NET's ordinal comparison gives for every character outside the
/// surrogate range.
/// </summary>
public static class OrdinalOrder
{
    public static string CollationOf(DatabaseFacade database) => database.IsSqlite() ? "BINARY" : "C";
}
