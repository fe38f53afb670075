/**
 * The PBXs and customers Pulumi stacks manage, read from their state: a file written by `pulumi stack export`, or
 * the state of a stack in any backend, read by running the real `pulumi stack export` (file://, s3://,
 * postgres://, the Pulumi Cloud: whatever the CLI can read). `fleet`, `import` and
 * `destroy` use it (`exportedResources` is the one parser of an exported state). A stack that cannot be
 * read is an error naming it and why; it never reads as "manages nothing".
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { CUSTOMER_TOKENS, PBX_TOKENS } from "../api/contract";
import { isIsoDate } from "../api/terms";

/** Type tokens of a PBX and of a Customer: the dynamic resources' and the native plugin's. */
const PBX_TYPES = new Set(PBX_TOKENS.all);
const CUSTOMER_TYPES = new Set(CUSTOMER_TOKENS.all);

/** Where a stack's state comes from. */
export type StackSource =
  | { kind: "file"; path: string }
  /** `pulumi stack export`, of `stack` (else the current stack) in `backend` (else the CLI's default). */
  | { kind: "cli"; stack?: string; backend?: string };

export interface StatePbx {
  /** The resource's name in the stack. */
  name: string;
  productNo: string;
  pbxUrl: string;
  plan?: string;
  extensions?: number;
  highAvailability?: boolean;
  recordingMinutes?: number;
  assignId?: string;
  /** The `renewThrough` date (YYYY-MM-DD) the stack declares, the later of its inputs' and outputs'; else absent. */
  renewThrough?: string;
}

export interface StateCustomer {
  partnerId: string;
  email: string;
  company: string;
}

export interface StackState {
  /** `<project>/<stack>` from the state's URNs, or the source when the state has none. */
  label: string;
  pbxs: StatePbx[];
  customers: StateCustomer[];
}

export class StackReadError extends Error {}

export function describeSource(source: StackSource): string {
  if (source.kind === "file") return `state file ${source.path}`;
  const stack = source.stack ? `stack ${source.stack}` : "the current stack";
  return source.backend ? `${stack} in ${redactUrl(source.backend)}` : stack;
}

/** A backend URL without its password (postgres://user:secret@host). */
function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, "$1:***@");
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const date = (v: unknown) => (typeof v === "string" && isIsoDate(v) ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** One resource of this package in an exported state: what every reader of a state (fleet, import, destroy) sees. */
export interface ExportedResource {
  kind: "pbx" | "customer";
  urn: string;
  /** The resource's name in the stack (the URN's last part). */
  name: string;
  id?: string;
  /** The inputs the last update recorded (`{}` when the state has none). */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  protect: boolean;
  /** Marked `delete: true`: an old copy a replacement left, deleted by the next update. */
  pendingDelete: boolean;
}

/** The one parser of an exported state: `<project>/<stack>` and this package's resources (both type tokens). */
export function exportedResources(doc: unknown, where: string): { label: string; resources: ExportedResource[] } {
  const deployment = (doc as { deployment?: { resources?: unknown } } | null)?.deployment;
  if (!deployment || typeof deployment !== "object") {
    throw new StackReadError(`${where}: no "deployment" object; expected the output of \`pulumi stack export\``);
  }
  const list = deployment.resources ?? [];
  if (!Array.isArray(list)) throw new StackReadError(`${where}: "deployment.resources" is not a list`);
  let label = "";
  const resources: ExportedResource[] = [];
  for (const r of list as Array<Record<string, unknown>>) {
    const urn = str(r?.urn) ?? "";
    const parts = urn.split("::");
    if (!label && parts.length >= 4) label = `${parts[1]}/${parts[0].replace(/^urn:pulumi:/, "")}`;
    const type = str(r?.type) ?? "";
    const kind = PBX_TYPES.has(type) ? "pbx" : CUSTOMER_TYPES.has(type) ? "customer" : undefined;
    if (!kind) continue;
    resources.push({
      kind,
      urn,
      name: parts.at(-1) ?? "",
      id: str(r?.id),
      inputs: (r?.inputs ?? {}) as Record<string, unknown>,
      outputs: (r?.outputs ?? {}) as Record<string, unknown>,
      protect: r?.protect === true,
      pendingDelete: r?.delete === true,
    });
  }
  return { label, resources };
}

/** The PBXs and customers of one `pulumi stack export` document. Pure; throws StackReadError when it is not one. */
export function parseExport(text: string, where: string): StackState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StackReadError(
      `${where}: not JSON (${(err as Error).message}); expected the output of \`pulumi stack export\``,
    );
  }
  const { label, resources } = exportedResources(doc, where);
  const pbxs: StatePbx[] = [];
  const customers: StateCustomer[] = [];
  for (const r of resources) {
    if (r.pendingDelete) continue; // a resource pending deletion is on its way out
    const outputs = r.outputs;
    if (r.kind === "pbx") {
      const productNo = str(outputs.productNo) ?? "";
      const pbxUrl = str(outputs.pbxUrl) ?? "";
      if (!productNo && !pbxUrl) continue; // never created (a failed create leaves nothing to manage)
      const renewThrough = [date(r.inputs.renewThrough), date(outputs.renewThrough)].filter(Boolean).sort().at(-1);
      pbxs.push({
        name: r.name,
        productNo,
        pbxUrl,
        plan: str(outputs.plan),
        extensions: num(outputs.extensions),
        highAvailability: typeof outputs.highAvailability === "boolean" ? outputs.highAvailability : undefined,
        recordingMinutes: num(outputs.recordingMinutes),
        assignId: str(outputs.assignId),
        ...(renewThrough ? { renewThrough } : {}),
      });
    } else {
      const partnerId = str(outputs.partnerId) ?? r.id ?? "";
      if (partnerId)
        customers.push({ partnerId, email: str(outputs.email) ?? "", company: str(outputs.company) ?? "" });
    }
  }
  return { label: label || where, pbxs, customers };
}

export interface ReadOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The Pulumi CLI to run (default `pulumi` on PATH). */
  pulumi?: string;
}

/** Runs `pulumi stack export` for a stack; resolves with its stdout, rejects with what the CLI said. */
function exportWithCli(source: Extract<StackSource, { kind: "cli" }>, opts: ReadOptions): Promise<string> {
  const args = ["stack", "export", "--non-interactive", ...(source.stack ? ["--stack", source.stack] : [])];
  const env = { ...opts.env, ...(source.backend ? { PULUMI_BACKEND_URL: source.backend } : {}) };
  return new Promise((resolve, reject) => {
    execFile(
      opts.pulumi ?? "pulumi",
      args,
      { cwd: opts.cwd, env, maxBuffer: 1024 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const said = String(stderr || err.message)
            .trim()
            .split("\n")
            .slice(-3)
            .join(" ");
          reject(
            new StackReadError(`${describeSource(source)}: \`pulumi ${args.join(" ")}\` failed: ${redactUrl(said)}`),
          );
        } else resolve(stdout);
      },
    );
  });
}

/** Reads one stack's PBXs and customers. */
export async function readStack(source: StackSource, opts: ReadOptions): Promise<StackState> {
  let text: string;
  if (source.kind === "file") {
    try {
      text = fs.readFileSync(source.path, "utf8");
    } catch (err) {
      throw new StackReadError(
        `state file ${source.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    if (text.trim() === "") throw new StackReadError(`state file ${source.path} is empty`);
  } else {
    text = await exportWithCli(source, opts);
  }
  const state = parseExport(text, describeSource(source));
  return source.kind === "cli" && source.stack ? { ...state, label: state.label || source.stack } : state;
}
