// A clinician's day through openapi-fetch, typed by openapi-typescript from the committed
// docs/openapi.yaml, as a front end on another origin would write it. `./run` checks it with
// `tsc --strict`, refuses `any` and type assertions, and runs it against a live server.
import createClient from "openapi-fetch";

import type { components, paths } from "./generated/schema.js";

type Problem = components["schemas"]["Problem"];

const PHQ9_SCORING_14 = [2, 2, 2, 2, 2, 2, 1, 1, 0];

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set`);
  }
  return value;
}

/** The record of a successful answer, or an error naming the problem document. */
function expectData<T>(
  answer: { data?: T; error?: Problem; response: Response },
  what: string,
): T {
  if (answer.data === undefined) {
    const problem = answer.error;
    throw new Error(`${what}: ${answer.response.status} ${problem?.title}: ${problem?.detail}`);
  }
  return answer.data;
}

function daysFromToday(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

const baseUrl = setting("ROOTWISE_URL");
const email = setting("ROOTWISE_EMAIL");
const password = setting("ROOTWISE_PASSWORD");

const anonymous = createClient<paths>({ baseUrl });
const refused = await anonymous.POST("/api/v1/auth/token/", {
  body: { email, password: `${password}-typo` },
});
if (refused.error === undefined) {
  throw new Error("a wrong password was accepted");
}
const refusedStatus: number = refused.error.status;

const signedIn = expectData(
  await anonymous.POST("/api/v1/auth/token/", { body: { email, password } }),
  "sign in",
);
// A user with two-factor sign-in gets a challenge to send with a code: this one has none.
if ("mfa_required" in signedIn) {
  throw new Error("sign in: a second factor was asked for");
}
const tokens = signedIn;
const api = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${tokens.access}` },
});

const client = expectData(
  await api.POST("/api/v1/clients/", {
    body: { given_name: "Tess", family_name: "Okafor", intake_date: daysFromToday(0) },
  }),
  "create a client",
);

const session = expectData(
  await api.POST("/api/v1/sessions/", {
    body: {
      client: client.id,
      starts_at: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      duration_minutes: 50,
      modality: "in_person",
      kind: "individual",
      status: "completed",
      roots_addressed: ["perfectionism"],
      note: {
        format: "dap",
        data: "Rewrote a report three times before sending it.",
        assessment: "All-or-nothing standards at work.",
        plan: "Send one draft at 'good enough'; review next week.",
      },
    },
  }),
  "record a session",
);
// Schema shape: until the note is a discriminated union in the schema, its type hides
// `format`; the `in` check reads it either way.
const note = session.note;
if (note === null || note === undefined || !("format" in note) || note.format !== "dap") {
  throw new Error("the DAP note did not come back as a DAP note");
}

const signed = expectData(
  await api.POST("/api/v1/sessions/{id}/sign/", { params: { path: { id: session.id } } }),
  "sign the note",
);
const signedAt: string | null = signed.signed_at;

const homework = expectData(
  await api.POST("/api/v1/homework/", {
    body: {
      client: client.id,
      session: session.id,
      strategy: "realistic_goals",
      title: "One good-enough draft",
      target_roots: ["perfectionism"],
      due_on: daysFromToday(7),
    },
  }),
  "assign homework",
);

const assessment = expectData(
  await api.POST("/api/v1/assessments/", {
    body: {
      client: client.id,
      instrument: "phq9",
      administered_on: daysFromToday(0),
      responses: PHQ9_SCORING_14,
      session: session.id,
    },
  }),
  "record a PHQ-9",
);

const progress = expectData(
  await api.GET("/api/v1/clients/{id}/progress/", { params: { path: { id: client.id } } }),
  "read progress",
);
const phq9 = progress.instruments.find((line) => line.instrument === "phq9");

const report = expectData(
  await api.GET("/api/v1/clients/{id}/report/", {
    params: { path: { id: client.id }, query: { format: "pdf" } },
    parseAs: "arrayBuffer",
  }),
  "download the PDF report",
);
const reportStart = new TextDecoder().decode(report.slice(0, 5));

console.log(
  JSON.stringify({
    refused_status: refusedStatus,
    client: client.id,
    session: session.id,
    note_format: note.format,
    signed_at: signedAt,
    homework: homework.id,
    homework_status: homework.status,
    phq9_total: assessment.total_score,
    phq9_severity: assessment.severity,
    phq9_latest: phq9?.latest ?? null,
    report_start: reportStart,
  }),
);
