using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Approvals.Persistence;

/// <summary>
/// Stores DateTimes as UTC and reads them back marked as UTC. A value of unspecified kind is taken to be
/// UTC already (the model's convention: every DateTime property is named and meant as UTC).
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
