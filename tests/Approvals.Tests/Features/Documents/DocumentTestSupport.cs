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

    // Ids are left out: an import creates new items, so only what the document says is compared.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
        {
            Modifiers = { WithoutIds },
        },
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

    private static void WithoutIds(System.Text.Json.Serialization.Metadata.JsonTypeInfo info)
    {
        if (info.Properties.FirstOrDefault(p => p.Name == "Id") is { } id)
        {
            info.Properties.Remove(id);
        }
    }

    /// <summary>A plan's content as indented JSON without the items' ids, so a difference shows where it is.</summary>
    public static string Json(PlanContent content) => JsonSerializer.Serialize(content, Indented);

    public static PlanContent Content(params Objective[] objectives) => new(objectives);

    public static ResultGoal Goal(string number, string text, string[] indicators, string[]? activities = null) =>
        new(number, text, indicators.Select(i => new Indicator(i)).ToList(), (activities ?? []).Select(a => new Activity(a)).ToList());
}
