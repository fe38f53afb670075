/**
 * Reading the text of `pulumi preview --json`, and telling whether it is a whole, successful preview. A purchase
 * summary is only as good as its input: an empty file, a stream cut off in the middle, or a preview that failed
 * (the program threw, a policy pack could not start, a mandatory policy was violated) lists fewer orders than
 * `pulumi up` would place, or none. Each such input is read as far as it goes and carries `problems`, in words for
 * the reviewer; the `plan` command then says the plan is not known and exits with its own code (docs/purchase-review.md). Pure functions; nothing here throws on bad input.
 *
 * Two input shapes are accepted, both printed by `pulumi preview --json`:
 * - the digest (the default): one JSON object with `steps` and `diagnostics`. The Pulumi CLI leaves policy
 *   events out of it, so it cannot show policy violations;
 * - the engine event stream (with `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true`): one JSON event per line, which
 *   carries the same steps (`resourcePreEvent`), diagnostics, the policy violations (`policyEvent`), and at the
 *   end a `summaryEvent` whose `result` says whether the preview succeeded.
 */

export interface ResourceState {
  type?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface Step {
  op: string;
  urn: string;
  old?: ResourceState;
  new?: ResourceState;
}

export interface Diagnostic {
  urn?: string;
  message: string;
  /** "error", "warning", "info", "debug", or "info#err" for what a program or policy pack wrote to stderr. */
  severity: string;
}

export interface PolicyViolation {
  urn?: string;
  message: string;
  policyName: string;
  policyPackName?: string;
  enforcementLevel: string;
}

export interface PreviewInput {
  /** "unreadable" when nothing could be read as a preview (empty input, not JSON, another document). */
  source: "digest" | "events" | "unreadable";
  steps: Step[];
  diagnostics: Diagnostic[];
  policyViolations: PolicyViolation[];
  policyPacks: string[];
  /** Why this is not a whole, successful preview, one sentence each; empty when it is one. */
  problems: string[];
}

export interface ReadOptions {
  /** The exit status of the `pulumi preview` that printed the text; anything but 0 means it failed. */
  exitCode?: number;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const asState = (v: unknown): ResourceState | undefined => (isObject(v) ? (v as ResourceState) : undefined);

const EXPECTED =
  "expected the output of `pulumi preview --json` (a JSON object with `steps`, or the event stream printed with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true)";

/** An input with nothing in it that can be read as a preview. */
export function unreadablePreview(problem: string): PreviewInput {
  return {
    source: "unreadable",
    steps: [],
    diagnostics: [],
    policyViolations: [],
    policyPacks: [],
    problems: [problem],
  };
}

/** Reads the text of `pulumi preview --json` in either shape; never throws: what is wrong goes into `problems`. */
export function parsePreview(text: string, options: ReadOptions = {}): PreviewInput {
  const input = parseText(text);
  if (options.exitCode !== undefined && options.exitCode !== 0) {
    input.problems.push(
      `\`pulumi preview\` exited with code ${options.exitCode}: it failed (its own error message is on its stderr, e.g. in the job log)`,
    );
  }
  return input;
}

function parseText(text: string): PreviewInput {
  if (text.trim() === "") {
    return unreadablePreview(
      "the input is empty: `pulumi preview` printed nothing (it failed before printing, or its output was not saved)",
    );
  }
  let whole: unknown;
  let wholeError: string | undefined;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = (error as Error).message;
  }
  if (whole !== undefined) {
    if (isObject(whole) && "sequence" in whole) return parseEvents([{ line: 1, event: whole }], []);
    if (!isObject(whole)) return unreadablePreview(`the input is JSON but not an object; ${EXPECTED}`);
    return parseDigest(whole);
  }
  // Not one JSON document: maybe the event stream, one JSON object per line.
  const lines = text.split("\n");
  const last = lines.reduce((at, line, i) => (line.trim() === "" ? at : i), -1);
  const events: Array<{ line: number; event: Record<string, unknown> }> = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      if (events.length === 0 && problems.length === 0) {
        return unreadablePreview(`the input is not JSON (${wholeError}); ${EXPECTED}`);
      }
      problems.push(
        i === last
          ? `the event stream is cut off: its last line (line ${i + 1}) is not a whole JSON event`
          : `line ${i + 1} of the event stream is not JSON`,
      );
      continue;
    }
    if (!isObject(event) || !("sequence" in event)) {
      if (events.length === 0 && problems.length === 0) {
        return unreadablePreview(`line ${i + 1} is not an engine event (no "sequence"); ${EXPECTED}`);
      }
      problems.push(`line ${i + 1} of the event stream is not an engine event (no "sequence")`);
      continue;
    }
    events.push({ line: i + 1, event });
  }
  return parseEvents(events, problems);
}

function readDiagnostic(d: unknown, prefixed: boolean): Diagnostic | undefined {
  if (!isObject(d) || typeof d.message !== "string" || d.ephemeral === true) return undefined;
  return {
    urn: str(d.urn),
    message: (prefixed ? (str(d.prefix) ?? "") : "") + d.message,
    severity: str(d.severity) ?? "info",
  };
}

/** A problem for the error diagnostics, which are listed one by one under the summary's warnings. */
function errorProblem(diagnostics: readonly Diagnostic[]): string[] {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return errors > 0 ? [`the preview reported ${errors === 1 ? "an error" : `${errors} errors`} (listed below)`] : [];
}

function parseDigest(doc: Record<string, unknown>): PreviewInput {
  const diagnostics: Diagnostic[] = [];
  for (const raw of Array.isArray(doc.diagnostics) ? doc.diagnostics : []) {
    const d = readDiagnostic(raw, false);
    if (d) diagnostics.push(d);
  }
  if (!Array.isArray(doc.steps)) {
    if (diagnostics.length === 0) {
      const keys = Object.keys(doc).slice(0, 5).join(", ") || "none";
      return unreadablePreview(`the input has no "steps" array (its keys: ${keys}); ${EXPECTED}`);
    }
    // What the CLI prints when the preview stops before the program runs (a policy pack that cannot start).
    const input = unreadablePreview(
      'the preview stopped before it listed any resource: the document has diagnostics but no "steps"',
    );
    return { ...input, source: "digest", diagnostics, problems: [...input.problems, ...errorProblem(diagnostics)] };
  }
  const steps: Step[] = [];
  const problems: string[] = [];
  doc.steps.forEach((raw: unknown, i: number) => {
    if (!isObject(raw) || typeof raw.op !== "string" || typeof raw.urn !== "string") {
      problems.push(`steps[${i}] has no "op" and "urn" strings, so what it does is not known`);
      return;
    }
    steps.push({ op: raw.op, urn: raw.urn, old: asState(raw.oldState), new: asState(raw.newState) });
  });
  problems.push(...errorProblem(diagnostics));
  return { source: "digest", steps, diagnostics, policyViolations: [], policyPacks: [], problems };
}

function parseEvents(events: Array<{ line: number; event: Record<string, unknown> }>, problems: string[]) {
  const steps: Step[] = [];
  const diagnostics: Diagnostic[] = [];
  const policyViolations: PolicyViolation[] = [];
  let policyPacks: string[] = [];
  let result: string | undefined;
  let sawSummary = false;
  for (const { event } of events) {
    const pre = event.resourcePreEvent;
    if (isObject(pre) && isObject(pre.metadata)) {
      const m = pre.metadata;
      if (typeof m.op === "string" && typeof m.urn === "string") {
        steps.push({ op: m.op, urn: m.urn, old: asState(m.old), new: asState(m.new) });
      }
    }
    // The outputs a provider returned from the preview's create or update (the native plugin's plannedOrders)
    // arrive after the step, in its outputs event; the digest leaves them out.
    const outs = event.resOutputsEvent;
    if (isObject(outs) && isObject(outs.metadata) && typeof outs.metadata.urn === "string") {
      const urn = outs.metadata.urn;
      const outputs = asState(outs.metadata.new)?.outputs;
      const step = [...steps].reverse().find((s) => s.urn === urn);
      if (step?.new && isObject(outputs)) step.new = { ...step.new, outputs };
    }
    const diag = readDiagnostic(event.diagnosticEvent, true);
    if (diag) diagnostics.push(diag);
    const policy = event.policyEvent;
    if (isObject(policy) && typeof policy.policyName === "string") {
      policyViolations.push({
        urn: str(policy.resourceUrn),
        message: str(policy.message) ?? "",
        policyName: policy.policyName,
        policyPackName: str(policy.policyPackName),
        enforcementLevel: str(policy.enforcementLevel) ?? "advisory",
      });
    }
    const summary = event.summaryEvent;
    if (isObject(summary)) {
      sawSummary = true;
      result = str(summary.result);
      if (isObject(summary.PolicyPacks)) {
        policyPacks = Object.keys(summary.PolicyPacks).map((k) => k.split("|")[0]);
      }
    }
  }
  const out = [...problems];
  if (!sawSummary) {
    out.push(
      "the event stream ends before the engine's summary event: the preview did not finish, or its output was cut off",
    );
  } else if (result !== undefined && result !== "succeeded") {
    out.push(`the engine's summary event says the preview ${result === "" ? "did not succeed" : result}`);
  }
  out.push(...errorProblem(diagnostics));
  return { source: "events" as const, steps, diagnostics, policyViolations, policyPacks, problems: out };
}
