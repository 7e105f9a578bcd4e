// The integrator's flow, written against the types openapi-typescript makes from the served document
// (GeneratedClientTests copies this file next to the generated api.d.ts and type-checks both with tsc --strict).
// No casts and no hand-written types: when the document stops describing what the server does, this stops compiling.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Schemas = components["schemas"];

// Response headers and text bodies the document must declare (openapi-fetch does not type them itself).
type PlanETag = paths["/api/plans/{id}"]["get"]["responses"][200]["headers"]["ETag"];
type ActionsETag = paths["/api/plans/{id}/actions"]["get"]["responses"][200]["headers"]["ETag"];
type TransitionETag = paths["/api/plans/{id}/transitions"]["post"]["responses"][200]["headers"]["ETag"];
type CoverageCsv = paths["/api/reports/missing-indicators"]["get"]["responses"][200]["content"]["text/csv"];
type MermaidText = paths["/api/workflows/{id}/diagram"]["get"]["responses"][200]["content"]["text/vnd.mermaid"];
type UnmetGuards = Schemas["UnmetGuardsProblemDetails"]["unmetGuards"];
type Severity = Schemas["FlagSeverity"];

function etagOf(response: Response): string {
    const etag: PlanETag | ActionsETag | TransitionETag | null = response.headers.get("ETag");
    if (etag === null) {
        throw new Error("The answer has no ETag header.");
    }
    return etag;
}

// Sign in: 200 with the token, or a 401 problem; then every request carries the token.
async function signIn(baseUrl: string, email: string, password: string) {
    const client = createClient<paths>({ baseUrl });
    const login = await client.POST("/api/auth/login", { body: { email, password } });
    if (login.error) {
        const status: number | null | undefined = login.error.status;
        const traceId: string | undefined = login.error.traceId;
        throw new Error(`Sign-in failed (${status}): ${login.error.detail ?? ""} [${traceId ?? ""}]`);
    }
    const token: string = login.data.accessToken;
    client.use({
        onRequest({ request }) {
            request.headers.set("Authorization", `Bearer ${token}`);
            return request;
        },
    });
    return client;
}

export async function flow(baseUrl: string, email: string, password: string, reviewerEmail: string): Promise<void> {
    const client = await signIn(baseUrl, email, password);

    const me = await client.GET("/api/auth/me");
    const committee: string | null = me.data?.committee ?? null;

    // List, narrowed by committee (camelCase query names), with counts as numbers.
    const list = await client.GET("/api/plans", { params: { query: { committee: committee ?? undefined } } });
    // A page of the list: its items and the total over every page.
    const total: number = list.data?.total ?? 0;
    if (!list.data || total === 0 || list.data.items.length === 0) {
        throw new Error("No plans to work on.");
    }
    const first: Schemas["PlanSummary"] = list.data.items[0];
    const flagged: number = first.flaggedGoalCount + first.errorCount + first.warningCount;

    // Read one with its ETag.
    const read = await client.GET("/api/plans/{id}", { params: { path: { id: first.id } } });
    if (read.error) {
        throw new Error(read.error.detail ?? "The plan could not be read.");
    }
    let etag = etagOf(read.response);
    const revision: number = read.data.revision;
    const bodyETag: string = read.data.eTag;

    // A validation error: 400 with `errors` naming each field.
    const invalid = await client.PUT("/api/plans/{id}", {
        params: { path: { id: first.id }, header: { "If-Match": etag } },
        body: { committee: read.data.committee, title: "", objectives: [] },
    });
    if (invalid.response.status === 400 && invalid.error) {
        const errors: { [field: string]: string[] } | undefined = "errors" in invalid.error ? invalid.error.errors : undefined;
        console.log(Object.keys(errors ?? {}));
    }

    // The flags, with their severities as strings.
    const validation = await client.GET("/api/plans/{id}/validation", { params: { path: { id: first.id }, query: { lang: "en" } } });
    const severities: Severity[] = validation.data?.flags.map((f) => f.severity) ?? [];
    const goalPaths: (number | null)[] = validation.data?.flags.map((f) => f.path.goal) ?? [];

    // Submit: the action the plan offers, with If-Match (required) and no comment (optional).
    const actions = await client.GET("/api/plans/{id}/actions", { params: { path: { id: first.id } } });
    if (actions.error) {
        throw new Error(actions.error.detail ?? "No actions.");
    }
    etag = etagOf(actions.response);
    const submit = actions.data.actions.find((a) => a.allowed && !a.commentRequired);
    if (submit) {
        const submitted = await client.POST("/api/plans/{id}/transitions", {
            params: { path: { id: first.id }, header: { "If-Match": etag } },
            body: { action: submit.action },
        });
        if (submitted.error) {
            const guards: UnmetGuards | undefined = "unmetGuards" in submitted.error ? submitted.error.unmetGuards : undefined;
            const reasons: string[] = (guards ?? []).flatMap((g) => g.findings.map((f) => f.message));
            throw new Error(`${submitted.response.status}: ${submitted.error.detail ?? ""} ${reasons.join("; ")}`);
        }
        etag = etagOf(submitted.response);
        const stage: string = submitted.data.stage;
        const newETag: string = submitted.data.eTag;
        console.log(stage, newETag === etag);
    }

    // Return, by a reviewer: a comment is required by the workflow, and the answer carries the journal entry.
    const reviewer = await signIn(baseUrl, reviewerEmail, password);
    const returned = await reviewer.POST("/api/plans/{id}/transitions", {
        params: { path: { id: first.id }, header: { "If-Match": etag } },
        body: { action: "return", comment: "Goal 2 needs an indicator that can be measured." },
    });
    const entryComment: string | null | undefined = returned.data?.entry.comment;
    console.log(entryComment);

    // History, revisions and the report (JSON and CSV).
    const history = await client.GET("/api/plans/{id}/history", { params: { path: { id: first.id } } });
    const revisions: number[] = history.data?.map((h) => h.revision) ?? [];
    const report = await client.GET("/api/reports/missing-indicators", { params: { query: { committee: "SOU", format: "csv" } }, parseAs: "text" });
    const csv: CoverageCsv | undefined = report.data;
    // JSON unless CSV is asked for: the JSON answer is the object, the CSV one the string.
    const summary = (await client.GET("/api/reports/missing-indicators")).data;
    const share: number | null | undefined = typeof summary === "object" ? summary.summary[0]?.shareCovered : undefined;
    const diagram: MermaidText = "stateDiagram-v2";

    // Notifications: unread first; `read` is always there.
    const inbox = await client.GET("/api/notifications", { params: { query: { take: 20 } } });
    if (inbox.data) {
        const unread: number = inbox.data.unreadCount;
        const firstRead: boolean | undefined = inbox.data.items[0]?.read;
        const allRead: boolean = inbox.data.items.every((n) => n.read);
        const unreadItem = inbox.data.items.find((n) => !n.read);
        if (unreadItem) {
            await client.POST("/api/notifications/{id}/read", { params: { path: { id: unreadItem.id } } });
        }
        console.log(unread, firstRead, allRead);
    }

    console.log(flagged, revision, bodyETag, severities, goalPaths, revisions, csv?.length, share, diagram);
}
