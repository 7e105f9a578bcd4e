using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Approvals.Core.Plans;
using Approvals.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Approvals.Tests.Api;

/// <summary>
/// Hostile requests to every operation the OpenAPI document lists (so an operation added later is fuzzed without
/// touching this test): wrong types, huge, empty and invisible strings, broken JSON, wrong content types, bad ids and
/// missing or odd headers, as anonymous and as users of every role. No answer may be a 5xx; every problem answer names
/// its type; and a write that was refused (4xx) must have changed nothing. Bounded in time: the cases are taken
/// round-robin over the operations until <see cref="Budget"/> is spent.
/// </summary>
public sealed class OpenApiFuzzTests(ApprovalsApp app, ITestOutputHelper output) : IClassFixture<ApprovalsApp>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    // Each operation gets at least this many cases, past the budget if a loaded machine answers slowly, up to the limit.
    private const int MinimumPerOperation = 10;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static readonly string[] HostileStrings =
    [
        "", " ", "\u200b", "\u0000", "Tekst med \u0000 og \u0007 inde i", "\u2060\u00ad", "\u202eesrever", "\ud800", "😀", "-1", "0", "2147483648", "1e309", "null", "true",
        "'; DROP TABLE \"Plans\"; --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "{}", "[]", new string('x', 5000), new string('Æ', 120_000),
    ];

    private static readonly JsonNode?[] WrongTypes = [JsonValue.Create(123), JsonValue.Create(true), new JsonObject(), new JsonArray(), JsonValue.Create(-1.5), null];

    // Values that get a request past the first checks, so the fuzz reaches the code behind them.
    private static readonly Dictionary<string, string[]> Plausible = new(StringComparer.OrdinalIgnoreCase)
    {
        ["committee"] = ["BIU", "sou", "ØU", "XYZ"],
        ["stage"] = ["draft", "administrative-review", "DRAFT"],
        ["action"] = ["submit", "approve", "return", " submit", "SUBMIT"],
        // Not the callers' own accounts: failed sign-ins count towards an account's lock-out.
        ["email"] = ["fuzz.nobody@approvals.local", "ingen@approvals.local"],
        ["password"] = ["wrong-password-1"],
        ["lang"] = ["da", "en", "fr"],
        ["format"] = ["csv", "json", "xml"],
        ["title"] = ["Fuzzplan"],
        ["number"] = ["1", "1."],
        ["text"] = ["Andelen skal stige med 5 %"],
        ["id"] = ["committee-plan"],
    };

    // Ends the session of the token it is sent with, by design: fuzzed with the callers' tokens, it would sign them all
    // out and leave every later request a 401. (Its own rules are tested with sessions of their own in Accounts.)
    private static readonly string[] SessionEnding = ["logout"];

    // Body properties a client leaves out at first: a new item's id (GET gives it one), a comment's anchor (the whole plan).
    private static readonly string[] LeftOutInExamples = ["id", "anchor"];

    private static readonly string[] Callers =
    [
        "", Users.Secretary(Committee.Biu), Users.Secretary(Committee.Sou), Users.AdministrativeReviewer, Users.CommitteeApprover(Committee.Biu),
        Users.CouncilApprover, Users.Coordinator, Users.Administrator,
    ];

    [Fact]
    public async Task Hostile_requests_to_every_operation_never_answer_5xx_and_refused_writes_change_nothing()
    {
        var coordinator = await app.ClientFor(Users.Coordinator);
        using var document = JsonDocument.Parse(await coordinator.GetStringAsync("/openapi/v1.json"));
        var operations = Operations(document.RootElement).Where(o => !SessionEnding.Contains(o.Id)).ToList();
        Assert.True(operations.Count >= 15, $"Only {operations.Count} operations found in the OpenAPI document; is the parser broken?");

        var clients = new List<HttpClient>();
        foreach (var email in Callers)
        {
            clients.Add(email.Length == 0 ? app.CreateClient() : await app.ClientFor(email));
        }

        // A plan for each secretary among the callers to act on (the seed has none for BIU).
        await (await app.ClientFor(Users.Secretary(Committee.Biu))).PostAsJsonAsync("/api/plans", new { committee = "BIU", title = "Fuzzplan", objectives = Array.Empty<object>() });
        var plans = await coordinator.AllPlans("");
        var random = new Random(20261129);
        var context = new FuzzContext(random, plans, coordinator);
        var queues = operations.ToDictionary(o => o, o => new Queue<Case>(CasesFor(o, document.RootElement, context).OrderBy(_ => random.Next())));

        // Who gets past authorisation with a plausible request: most cases go to them, so the fuzz reaches the code behind it.
        var authorised = new Dictionary<Operation, List<int>>();
        foreach (var operation in operations)
        {
            authorised[operation] = [];
            for (var caller = 0; caller < clients.Count; caller++)
            {
                using var probe = await context.Request(operation, null, null, operation.Body is { } b ? Example(b, document.RootElement, null, 0)!.ToJsonString() : null, "application/json", null, Callers[caller]);
                using var answer = await clients[caller].SendAsync(probe);
                if ((int)answer.StatusCode is not (401 or 403))
                {
                    authorised[operation].Add(caller);
                }
            }
        }

        var failures = new List<string>();
        var counts = operations.ToDictionary(o => o, _ => new Dictionary<int, int>());
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var before = await Fingerprint();
        bool Short(Operation operation) => counts[operation].Values.Sum() < MinimumPerOperation;
        bool Goes(Operation operation) => queues[operation].Count > 0 && clock.Elapsed < Limit && (clock.Elapsed < Budget || Short(operation));
        while (queues.Keys.Any(Goes))
        {
            foreach (var (operation, queue) in queues)
            {
                if (!Goes(operation))
                {
                    continue;
                }

                var @case = queue.Dequeue();
                var caller = authorised[operation] is { Count: > 0 } allowed && random.Next(4) > 0 ? allowed[random.Next(allowed.Count)] : random.Next(clients.Count);
                var client = clients[caller];
                var writes = operation.Method != "GET";
                using var request = await @case.Build(context, Callers[caller]);
                var described = $"{request.Method} {request.RequestUri} as {(Callers[caller] is { Length: > 0 } u ? u : "anonymous")} ({@case.Name})";
                sent++;
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (Exception e)
                {
                    failures.Add($"{described}: the request threw {e.GetType().Name}: {e.Message}");
                    before = await Fingerprint();
                    continue;
                }

                using (response)
                {
                    var status = (int)response.StatusCode;
                    counts[operation][status] = counts[operation].GetValueOrDefault(status) + 1;
                    var body = await response.Content.ReadAsStringAsync();
                    if (status >= 500)
                    {
                        failures.Add($"{described}: {status} {Shorten(body)}");
                    }
                    else if (response.Content.Headers.ContentType?.MediaType == "application/problem+json" && !HasType(body))
                    {
                        failures.Add($"{described}: {status} problem without a type: {Shorten(body)}");
                    }

                    // Reads change nothing, so the state after one write is the state before the next.
                    if (writes)
                    {
                        var after = await Fingerprint();
                        if (status is >= 400 and < 500 && after != before)
                        {
                            failures.Add($"{described}: {status}, but the data changed");
                        }

                        before = after;
                    }
                }
            }
        }

        foreach (var (operation, statuses) in counts)
        {
            output.WriteLine($"{operation.Method,-6} {operation.Path,-40} {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        }

        output.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n" + string.Join("\n", failures.Take(30)));
        Assert.All(counts, c => Assert.True(c.Value.Values.Sum() >= MinimumPerOperation, $"{c.Key.Method} {c.Key.Path} got only {c.Value.Values.Sum()} requests within {Limit}"));

        // The fuzz reached past authorisation wherever a caller may call: a session lost on the way would leave only 401s.
        Assert.All(operations.Where(o => authorised[o].Count > 0), o => Assert.True(
            counts[o].Keys.Any(s => s is not (401 or 403)), $"{o.Method} {o.Path}: every fuzzed request was refused ({string.Join(", ", counts[o].Keys)}), though the probe got past authorisation"));
    }

    /// <summary>
    /// What a refused write must leave as it was: the rows of every table (so a table a later feature adds is checked
    /// too), each plan's concurrency token and stage, and which notifications were read. Not the number of
    /// notifications or data protection keys: consumers and the key ring add those in the background.
    /// </summary>
    private Task<string> Fingerprint() => app.WithDb(async db =>
    {
        var tables = db.Model.GetEntityTypes()
            .SelectMany(e => e.GetTableMappings().Select(m => m.Table.Name))
            .Where(t => t is not ("Notifications" or "DataProtectionKeys"))
            .Distinct()
            .Order(StringComparer.Ordinal);

        // One round trip: the fingerprint is taken after every write.
        var sql = string.Join(" UNION ALL ", tables.Select(t => $"SELECT '{t}' AS \"Table\", COUNT(*) AS \"Rows\" FROM \"{t}\""));
        var counts = await db.Database.SqlQueryRaw<TableRows>(sql).ToListAsync();
        var plans = await db.Plans.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.ConcurrencyToken, p.Stage }).ToListAsync();
        var read = await db.Notifications.CountAsync(n => n.ReadUtc != null);
        return $"{string.Join(",", counts.OrderBy(c => c.Table, StringComparer.Ordinal))}|{string.Join(",", plans)}|read={read}";
    });

    private static bool HasType(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("type", out var type) && type.GetString() is { Length: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private static IEnumerable<Operation> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                var parameters = method.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => new Parameter(
                        p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        p.TryGetProperty("schema", out var s) ? s.Clone() : default)).ToList()
                    : [];
                JsonElement? body = method.Value.TryGetProperty("requestBody", out var b)
                    && b.GetProperty("content").TryGetProperty("application/json", out var json) ? json.GetProperty("schema").Clone() : null;
                var id = method.Value.TryGetProperty("operationId", out var operationId) ? operationId.GetString() ?? "" : "";
                yield return new Operation(method.Name.ToUpperInvariant(), path.Name, id, parameters, body);
            }
        }
    }

    private static IEnumerable<Case> CasesFor(Operation operation, JsonElement document, FuzzContext context)
    {
        var valid = operation.Body is { } schema ? Example(schema, document, null, 0) : null;

        // The request as a client would send it, then with each part made hostile in turn.
        yield return new Case("plausible", (c, caller) => c.Request(operation, null, null, valid?.ToJsonString(), "application/json", null, caller));
        foreach (var parameter in operation.Parameters)
        {
            foreach (var value in ValuesFor(parameter))
            {
                yield return new Case($"{parameter.Name}={Describe(value)}", (c, caller) => c.Request(operation, parameter.Name, value, valid?.ToJsonString(), "application/json", null, caller));
            }
        }

        foreach (var ifMatch in new[] { "*", "W/\"0123\"", "\"0123\"", "garbage", "", "*, \"0123\"", "current", "W/current" })
        {
            yield return new Case($"If-Match: {ifMatch}", (c, caller) => c.Request(operation, null, null, valid?.ToJsonString(), "application/json", ifMatch, caller));
        }

        foreach (var accept in new[] { "text/csv", "application/xml", "*/*;q=0", "garbage///", "text/vnd.mermaid" })
        {
            yield return new Case($"Accept: {accept}", async (c, caller) =>
            {
                var request = await c.Request(operation, null, null, valid?.ToJsonString(), "application/json", null, caller);
                request.Headers.TryAddWithoutValidation("Accept", accept);
                return request;
            });
        }

        if (valid is null)
        {
            // A body where none is read, of a type nothing reads.
            yield return new Case("unexpected body", (c, caller) => c.Request(operation, null, null, "{\"x\":1}", "application/json", null, caller));
            yield break;
        }

        foreach (var (name, body) in BrokenBodies())
        {
            yield return new Case($"body: {name}", (c, caller) => c.Request(operation, null, null, body, "application/json", "current", caller));
        }

        foreach (var contentType in new[] { "text/plain", "application/xml", "application/json; charset=bogus", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/merge-patch+json" })
        {
            yield return new Case($"Content-Type: {contentType}", (c, caller) => c.Request(operation, null, null, valid.ToJsonString(), contentType, "current", caller));
        }

        foreach (var (path, replacement) in Mutations(valid))
        {
            yield return new Case($"body {path} = {Describe(replacement?.ToJsonString() ?? "null")}", (c, caller) => c.Request(operation, null, null, Replace(valid, path, replacement).ToJsonString(), "application/json", "current", caller));
        }

        yield return new Case("body: chunked over the limit", (c, caller) => c.Request(operation, null, null, valid.ToJsonString().Insert(1, new string(' ', 1_100_000)), "application/json", "current", caller, chunked: true));
    }

    private static IEnumerable<string?> ValuesFor(Parameter parameter)
    {
        var format = parameter.Schema.ValueKind == JsonValueKind.Object && parameter.Schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        if (format == "uuid")
        {
            return ["real", Guid.Empty.ToString(), Guid.NewGuid().ToString(), "not-a-guid", "%00", new string('f', 3000)];
        }

        if (format == "int32")
        {
            return ["-1", "0", "1", "2147483648", "1.5", "abc", "", "1e3"];
        }

        // A NUL in a path never reaches the app: Kestrel answers 400 itself, and the test host refuses to send it.
        return Plausible.GetValueOrDefault(parameter.Name, []).Concat(HostileStrings.Take(HostileStrings.Length - 1))
            .Where(v => parameter.In != "path" || !v.Contains('\0'))
            .Append(null).Cast<string?>();
    }

    private static IEnumerable<(string Name, string Body)> BrokenBodies() =>
    [
        ("empty", ""), ("{", "{"), ("array", "[1,2]"), ("string", "\"plan\""), ("null", "null"), ("number", "12"),
        ("trailing comma", "{\"a\":1,}"), ("comment", "{/*x*/}"), ("bom", "\ufeff{}"), ("not json", "<plan/>"),
        ("deep", new string('[', 5000) + new string(']', 5000)), ("invalid utf-8", "{\"title\":\"\u00ff\u00fe\"}"),
        ("duplicate keys", "{\"committee\":\"BIU\",\"committee\":\"SOU\"}"), ("lone surrogate", "{\"title\":\"\\ud800\",\"comment\":\"\\udc00\"}"),
        ("huge number", "{\"committee\":1e400}"),
    ];

    /// <summary>Every property of the body replaced in turn by a wrong type, a hostile string, or left out.</summary>
    private static IEnumerable<(string Path, JsonNode? Replacement)> Mutations(JsonNode valid)
    {
        foreach (var path in Paths(valid, "$"))
        {
            foreach (var wrong in WrongTypes)
            {
                yield return (path, wrong?.DeepClone());
            }

            foreach (var text in HostileStrings)
            {
                yield return (path, JsonValue.Create(text));
            }

            yield return (path + "!remove", null);
        }

        // Lists longer than any limit, and a list of nulls.
        foreach (var path in Paths(valid, "$").Where(p => Find(valid, p) is JsonArray))
        {
            yield return (path, new JsonArray(Enumerable.Range(0, 250).Select(_ => (JsonNode?)((JsonArray)Find(valid, path)!)[0]!.DeepClone()).ToArray()));
            yield return (path, new JsonArray(null, null));
        }
    }

    private static IEnumerable<string> Paths(JsonNode node, string at)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    yield return $"{at}.{key}";
                    if (value is not null)
                    {
                        foreach (var inner in Paths(value, $"{at}.{key}"))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray a when a.Count > 0 && a[0] is { } first:
                foreach (var inner in Paths(first, $"{at}[0]"))
                {
                    yield return inner;
                }

                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var step in Steps(path))
        {
            node = step is int i ? node?.AsArray()[i] : node?.AsObject()[(string)step];
        }

        return node;
    }

    private static JsonNode Replace(JsonNode valid, string path, JsonNode? replacement)
    {
        var copy = valid.DeepClone();
        var remove = path.EndsWith("!remove", StringComparison.Ordinal);
        var steps = Steps(remove ? path[..^"!remove".Length] : path).ToList();
        var parent = copy;
        foreach (var step in steps.SkipLast(1))
        {
            parent = step is int i ? parent.AsArray()[i]! : parent.AsObject()[(string)step]!;
        }

        switch (steps[^1])
        {
            case int index:
                parent.AsArray()[index] = replacement;
                break;
            case string key when remove:
                parent.AsObject().Remove(key);
                break;
            case string key:
                parent.AsObject()[key] = replacement;
                break;
        }

        return copy;
    }

    private static IEnumerable<object> Steps(string path)
    {
        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            yield return bracket < 0 ? part : part[..bracket];
            if (bracket >= 0)
            {
                yield return int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>A body a client would send, from the schema: plausible values by property name, one item per list.</summary>
    private static JsonNode? Example(JsonElement schema, JsonElement document, string? name, int depth)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = reference.GetString()!.Split('/')[^1];
            return Example(document.GetProperty("components").GetProperty("schemas").GetProperty(target), document, name, depth);
        }

        var types = schema.TryGetProperty("type", out var type)
            ? type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()]
            : ["object"];
        if (types.Contains("object") && schema.TryGetProperty("properties", out var properties) && depth < 12)
        {
            var node = new JsonObject();
            foreach (var property in properties.EnumerateObject())
            {
                node[property.Name] = LeftOutInExamples.Contains(property.Name) ? null : Example(property.Value, document, property.Name, depth + 1);
            }

            return node;
        }

        if (types.Contains("array") && schema.TryGetProperty("items", out var items))
        {
            return new JsonArray(Example(items, document, name, depth + 1));
        }

        if (types.Contains("integer") || types.Contains("number"))
        {
            return JsonValue.Create(1);
        }

        if (types.Contains("boolean"))
        {
            return JsonValue.Create(true);
        }

        return JsonValue.Create(name is not null && Plausible.TryGetValue(name, out var values) ? values[0] : "Fuzz");
    }

    private static string Describe(string? value) => value is null ? "(none)" : value.Length > 20 ? $"{value.Length} chars" : JsonSerializer.Serialize(value);

    private sealed record TableRows(string Table, long Rows);

    private sealed record Parameter(string Name, string In, JsonElement Schema);

    private sealed record Operation(string Method, string Path, string Id, IReadOnlyList<Parameter> Parameters, JsonElement? Body);

    private sealed record Case(string Name, Func<FuzzContext, string, Task<HttpRequestMessage>> Build);

    /// <summary>What cases share: known plan ids (to reach past the 404), and a client to read their current ETag.</summary>
    private sealed class FuzzContext(Random random, IReadOnlyList<Approvals.Web.Features.Plans.PlanSummary> plans, HttpClient reader)
    {
        public async Task<HttpRequestMessage> Request(
            Operation operation, string? hostileParameter, string? hostileValue, string? body, string contentType, string? ifMatch, string caller, bool chunked = false)
        {
            // Mostly a plan of the caller's own committee, where a secretary may act.
            var own = plans.Where(p => caller.Contains($".{Committee.Find(p.Committee)!.Slug}@", StringComparison.Ordinal)).ToList();
            var pool = own.Count > 0 && random.Next(4) > 0 ? own : plans;
            var planId = pool[random.Next(pool.Count)].Id;
            var path = operation.Path;
            var query = new List<string>();
            foreach (var parameter in operation.Parameters)
            {
                var value = parameter.Name == hostileParameter ? hostileValue : Default(parameter, planId);
                if (value == "real")
                {
                    value = planId.ToString();
                }

                switch (parameter.In)
                {
                    case "path":
                        path = path.Replace($"{{{parameter.Name}}}", Uri.EscapeDataString(value ?? ""), StringComparison.Ordinal);
                        break;
                    case "query" when value is not null:
                        query.Add($"{Uri.EscapeDataString(parameter.Name)}={Uri.EscapeDataString(value)}");
                        break;
                }
            }

            var request = new HttpRequestMessage(new HttpMethod(operation.Method), path + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
            if (operation.Body is not null || body is not null && operation.Method != "GET")
            {
                var bytes = Encoding.UTF8.GetBytes(body ?? "");
                request.Content = chunked ? new StreamContent(new NonSeekable(bytes)) : new ByteArrayContent(bytes);
                if (contentType.Length > 0)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }
            }

            // If-Match where the operation reads it: the hostile value under test, the given one, or the plan's current ETag.
            if (operation.Parameters.Any(p => p.Name == "If-Match"))
            {
                var header = hostileParameter == "If-Match" ? hostileValue : ifMatch ?? "current";
                if (header is not null && header.Contains("current", StringComparison.Ordinal))
                {
                    header = header.Replace("current", await ETagOf(planId) ?? "\"gone\"", StringComparison.Ordinal);
                }

                if (header is not null && !header.Any(char.IsControl))
                {
                    request.Headers.TryAddWithoutValidation("If-Match", header);
                }
            }

            return request;
        }

        private string? Default(Parameter parameter, Guid planId) => parameter.In switch
        {
            "path" when FormatOf(parameter) == "uuid" => planId.ToString(),
            "path" => Plausible.GetValueOrDefault(parameter.Name)?[0] ?? "1",
            _ => null,
        };

        private static string? FormatOf(Parameter parameter) =>
            parameter.Schema.ValueKind == JsonValueKind.Object && parameter.Schema.TryGetProperty("format", out var f) ? f.GetString() : null;

        private async Task<string?> ETagOf(Guid planId)
        {
            using var response = await reader.GetAsync($"/api/plans/{planId}");
            return response.Headers.ETag?.ToString();
        }
    }

    /// <summary>A body stream of unknown length, so the client sends it chunked.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
