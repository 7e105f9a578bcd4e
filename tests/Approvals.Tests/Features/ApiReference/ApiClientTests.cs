using Approvals.Tests.Infrastructure;
using Approvals.Web.Features.ApiReference;
using Xunit.Abstractions;

namespace Approvals.Tests.Features.ApiReference;

/// <summary>
/// The served OpenAPI document as integrators' tools take it: Redocly's recommended rules, and TypeScript types from
/// openapi-typescript that a small client doing the whole flow (tests/node/flow.ts) must type-check against.
/// </summary>
[Collection(AppCollection.Name)]
[Trait(TestTraits.Category, TestTraits.NoDatabase)]
public sealed class ApiClientTests(ApprovalsApp app, ITestOutputHelper output)
{
    [Fact]
    public async Task The_document_passes_the_recommended_lint_rules_without_errors()
    {
        using var work = NodeTools.NewWorkFolder();
        await File.WriteAllTextAsync(work.File("openapi.json"), await app.CreateClient().GetStringAsync(ApiReferenceExtensions.DocumentPath));

        var (exit, lint) = await NodeTools.RunAsync("redocly", work.Path, "lint", "openapi.json", "--format=stylish");

        // The warnings stay visible in the test output; errors fail the build.
        output.WriteLine(lint);
        Assert.True(exit == 0, $"redocly lint found errors:\n{lint}");
        Assert.Contains("Your API description is valid", lint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typescript_client_of_the_whole_flow_type_checks_against_the_generated_types()
    {
        using var work = NodeTools.NewWorkFolder();
        await File.WriteAllTextAsync(work.File("openapi.json"), await app.CreateClient().GetStringAsync(ApiReferenceExtensions.DocumentPath));
        File.Copy(Path.Combine(NodeTools.Folder, "flow.ts"), work.File("flow.ts"));

        var (generated, generation) = await NodeTools.RunAsync("openapi-typescript", work.Path, "openapi.json", "-o", "api.d.ts");
        Assert.True(generated == 0, $"openapi-typescript failed:\n{generation}");
        var (exit, check) = await NodeTools.RunAsync("tsc", work.Path,
            "--noEmit", "--strict", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--lib", "es2022,dom",
            "flow.ts", "api.d.ts");

        output.WriteLine(check);
        Assert.True(exit == 0, $"The flow does not type-check against the generated types:\n{check}");
    }
}
