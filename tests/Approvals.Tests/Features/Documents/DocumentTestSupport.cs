using System.Text.Encodings.Web;
using System.Text.Json;
using Approvals.Core.Plans;
using Approvals.Web.Features.Documents;
using Approvals.Web.Features.Plans;
using Microsoft.Extensions.Logging.Abstractions;

namespace Approvals.Tests.Features.Documents;

/// <summary>The import as the API and page run it (reader, input rules, flags), without HTTP.</summary>
public static class Importer
{
    private static readonly PlanImport Import = new(new PlanInputValidator(), NullLogger<PlanImport>.Instance);

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task<ImportOutcome> Read(byte[] docx, Committee committee) => Import.PreviewAsync(docx, committee, CancellationToken.None);

    /// <summary>Reads a document that must import; fails with the problem otherwise.</summary>
    public static async Task<ImportOutcome> ReadOk(byte[] docx, Committee committee)
    {
        var outcome = await Read(docx, committee);
        Assert.True(outcome.Succeeded,
            $"The import failed: {outcome.Problem?.Message} {string.Join("; ", outcome.Failures.Select(f => $"{f.PropertyName}: {f.ErrorMessage}"))}");
        return outcome;
    }

    /// <summary>A plan's content as indented JSON, so a difference shows where it is.</summary>
    public static string Json(PlanContent content) => JsonSerializer.Serialize(content, Indented);

    public static PlanContent Content(params Objective[] objectives) => new(objectives);

    public static ResultGoal Goal(string number, string text, string[] indicators, string[]? activities = null) =>
        new(number, text, indicators.Select(i => new Indicator(i)).ToList(), (activities ?? []).Select(a => new Activity(a)).ToList());
}
