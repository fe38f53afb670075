/**
 * Runs one history against its own sandbox and its own stack (own backend directory), through the real CLI, and
 * checks the invariants. The run is recorded as a Jepsen-style history: one event per CLI call, with the step,
 * the exit, how many orders the portal held before and after, and the error lines the user saw.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PBX_TYPE } from "../../provider/api/contract";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PulumiProject, type RunResult } from "../lib/pulumi-cli";
import { addCycle, addDays, isoDate } from "../../provider/api/terms";
import { Model, urlOf, type History, type PbxProgram, type Step } from "./history";
import { checkInvariants, type StateResource, type Violation } from "./invariants";

/** A canary client secret: it must never appear in state, output or files. */
export const CHAOS_SECRET = "chaos-canary-SECRET-5e1f09c3";

export interface RunOptions {
  /** `orderTimeoutSeconds` of every PBX: how long `up` waits for a pending order. */
  orderTimeoutSeconds: number;
  /** YEASTAR_TIMEOUT_MS: per read attempt, so a hang fault resolves quickly. */
  timeoutMs: number;
  /** YEASTAR_ORDER_TIMEOUT_MS: for the order POST. */
  orderPostTimeoutMs: number;
  /** `pulumi up` attempts in one recovery before the user gives up (and reads the error). */
  maxRecoveryUps: number;
  /** Keep the project directory of a history with violations (for a look at its files). */
  keepFailed: boolean;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  orderTimeoutSeconds: 2,
  timeoutMs: 1500,
  orderPostTimeoutMs: 2500,
  maxRecoveryUps: 2,
  keepFailed: false,
};

export interface HistoryEvent {
  step: number;
  op: string;
  code: number | null;
  signal: string | null;
  ms: number;
  ordersBefore: number;
  ordersAfter: number;
  /** The `error:` lines of a failed run. */
  errors?: string[];
}

export interface HistoryResult {
  violations: Violation[];
  events: HistoryEvent[];
  /** The last `up` succeeded (so the state was checked against the program and the portal). */
  converged: boolean;
  ms: number;
  orders: number;
  /** The portal's orders by operation type (purchase_plan, renew_plan, trial_plan, ...). */
  orderKinds?: Record<string, number>;
  pbxs: number;
  kills: number;
  /** Steps whose recovery gave up with an error (bounded retries spent). */
  gaveUp: number;
  projectDir?: string;
  /** Set by the campaign when the harness itself failed on this history. */
  harnessError?: string;
}

const PENDING_CREATES = /pending (create )?operations?|--clear-pending-creates|interrupted while/i;
/** The CLI was killed while it wrote the state file: the checkpoint does not parse (docs/troubleshooting.md). */
const TORN_CHECKPOINT = /failed to load checkpoint/i;

function errorLines(r: RunResult): string[] {
  return r.output
    .split("\n")
    .filter((l) => /^\s*(error:|\* )/i.test(l))
    .map((l) => l.trim().slice(0, 400));
}

function fleetFile(program: PbxProgram[], orderTimeoutSeconds: number) {
  return program.map((p) => ({
    name: p.name,
    args: {
      pbxName: `Chaos ${p.name}`,
      subdomain: p.subdomain,
      region: "Europe",
      plan: p.plan,
      extensions: p.extensions,
      billingCycle: p.billingCycle,
      highAvailability: p.highAvailability,
      recordingMinutes: p.recordingMinutes,
      billingContact: "ap@acme.example",
      orderTimeoutSeconds,
      ...(p.trial ? { trial: true } : {}),
      ...(p.renewTerms > 0 ? { renewThrough: renewThrough(p.billingCycle, p.renewTerms, Date.now()) } : {}),
    },
  }));
}

/**
 * A date that takes exactly `terms` renewals of a PBX bought (or converted) today: one day past the end of the
 * first term plus `terms - 1` more.
 */
export function renewThrough(cycle: "monthly" | "annually", terms: number, now: number): string {
  let end = addCycle(isoDate(now), cycle);
  for (let i = 1; i < terms; i++) end = addCycle(end, cycle);
  return addDays(end, 1);
}

function kindsOf(orders: ReadonlyArray<{ operationType: string }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of orders) out[o.operationType] = (out[o.operationType] ?? 0) + 1;
  return out;
}

/** A clear error is one the provider or the CLI states in an `error:` line, without a crash or a stack trace. */
function isClearError(r: RunResult): boolean {
  return errorLines(r).length > 0 && !/\n\s+at .+\(.+:\d+:\d+\)|panic:|Unhandled|internal error/.test(r.output);
}

export async function runHistory(
  history: History,
  label: string,
  opts: RunOptions = DEFAULT_RUN_OPTIONS,
): Promise<HistoryResult> {
  const started = Date.now();
  const model = new Model(history);
  const sandbox = await startSandbox({ clientSecret: CHAOS_SECRET });
  let project: PulumiProject | undefined;
  const events: HistoryEvent[] = [];
  const outputs: string[] = [];
  let kills = 0;
  let gaveUp = 0;
  let converged = false;
  let violations: Violation[] = [];
  try {
    project = await PulumiProject.create({
      name: `chaos-${label}`,
      program: path.join(__dirname, "program.js"),
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      secrets: { "yeastar:clientSecret": CHAOS_SECRET },
      env: {
        YEASTAR_TIMEOUT_MS: String(opts.timeoutMs),
        YEASTAR_ORDER_TIMEOUT_MS: String(opts.orderPostTimeoutMs),
      },
    });
    const p = project;
    const orderCount = () => sandbox.admin.stats().orders.length;
    const record = (step: number, op: string, r: RunResult, ordersBefore: number) => {
      outputs.push(r.output);
      const errors = r.code === 0 ? undefined : errorLines(r);
      events.push({
        step,
        op,
        code: r.code,
        signal: r.signal,
        ms: r.ms,
        ordersBefore,
        ordersAfter: orderCount(),
        ...(errors ? { errors } : {}),
      });
      return r;
    };
    const call = async (step: number, op: string, args: string[]) => {
      const before = orderCount();
      return record(step, op, await p.run(args), before);
    };

    /**
     * A checkpoint torn by a kill is put back from the backend's backup, then the killed run's lock is cancelled
     * (a `cancel` before the mend failed on the torn checkpoint), as docs/troubleshooting.md says.
     */
    const mendTorn = async (stepNo: number): Promise<boolean> => {
      if (!p.restoreCheckpointBackup()) return false;
      const n = orderCount();
      events.push({
        step: stepNo,
        op: "restore <stack>.json.bak",
        code: 0,
        signal: null,
        ms: 0,
        ordersBefore: n,
        ordersAfter: n,
      });
      await call(stepNo, "cancel", ["cancel", "--yes"]);
      return true;
    };

    /** The user's `pulumi up`s after a failure, bounded; true when one succeeded. */
    const recover = async (stepNo: number, step: Step | undefined, killed: boolean): Promise<boolean> => {
      sandbox.admin.clearFaults();
      sandbox.admin.setConfig({ orderPendingMs: 0, failOrdersForUrls: [] });
      if (killed) await call(stepNo, "cancel", ["cancel", "--yes"]);
      await mendTorn(stepNo);
      if (step?.refresh) {
        const r = await call(stepNo, "refresh", ["refresh", "--yes", "--skip-preview"]);
        if (r.code !== 0 && PENDING_CREATES.test(r.output)) {
          await call(stepNo, "refresh --clear-pending-creates", [
            "refresh",
            "--yes",
            "--skip-preview",
            "--clear-pending-creates",
          ]);
        }
      }
      let last: RunResult | undefined;
      for (let attempt = 0; attempt < opts.maxRecoveryUps; attempt++) {
        last = await call(stepNo, "up (recovery)", ["up", "--yes", "--skip-preview"]);
        if (last.code === 0) return true;
        if (TORN_CHECKPOINT.test(last.output) && (await mendTorn(stepNo))) continue;
        if (PENDING_CREATES.test(last.output)) {
          await call(stepNo, "refresh --clear-pending-creates", [
            "refresh",
            "--yes",
            "--skip-preview",
            "--clear-pending-creates",
          ]);
        }
      }
      gaveUp += 1;
      if (last && !isClearError(last)) {
        violations.push({
          invariant: "unclear-error",
          detail: `step ${stepNo}: recovery gave up without a clear error: ${last.output.slice(-1500)}`,
        });
      }
      return false;
    };

    for (const [i, step] of history.steps.entries()) {
      const stepNo = i + 1;
      fs.writeFileSync(
        path.join(p.dir, "fleet.json"),
        JSON.stringify(fleetFile(model.programs[i], opts.orderTimeoutSeconds)),
      );
      sandbox.admin.setConfig({
        orderPendingMs: step.pendingMs,
        failOrdersForUrls: step.failOrders ? model.programs[i].map((x) => urlOf(Number(x.name.slice(1)))) : [],
      });
      for (const f of step.faults) sandbox.admin.addFault(f);
      const before = orderCount();
      const r = await runWithChaos(p, sandbox, step, before);
      record(stepNo, step.preview ? "up" : "up --skip-preview", r, before);
      const killed = r.signal === "SIGKILL";
      if (killed) kills += 1;
      converged = r.code === 0 ? true : await recover(stepNo, step, killed);
    }
    if (!converged) converged = await recover(history.steps.length + 1, undefined, false);

    if (await mendTorn(history.steps.length + 1)) converged = await recover(history.steps.length + 1, undefined, false);
    let state;
    try {
      state = await p.exportState();
    } catch (err) {
      // The CLI cannot read the stack back (seen after a SIGKILL: "failed to load checkpoint: EOF"): nothing to
      // check the invariants against; the campaign reports it with the history's events.
      return {
        violations,
        events,
        converged,
        ms: Date.now() - started,
        orders: orderCount(),
        pbxs: sandbox.admin.products().length,
        kills,
        gaveUp,
        harnessError: (err as Error).message.slice(0, 2000),
      };
    }
    const resources = state.resources.filter((r) => r.type === PBX_TYPE) as unknown as StateResource[];
    violations = violations.concat(
      checkInvariants({
        orders: sandbox.admin.stats().orders,
        products: sandbox.admin.products(),
        asked: [...model.asked.values()],
        resources,
        converged: converged ? model.programs[model.programs.length - 1] : undefined,
        outputs,
        everything: await p.everything(),
        secret: CHAOS_SECRET,
        tokens: sandbox.admin.issuedTokens(),
      }),
    );
    return {
      violations,
      events,
      converged,
      ms: Date.now() - started,
      orders: sandbox.admin.stats().orders.length,
      orderKinds: kindsOf(sandbox.admin.stats().orders),
      pbxs: sandbox.admin.products().length,
      kills,
      gaveUp,
      ...(violations.length > 0 && opts.keepFailed ? { projectDir: p.dir } : {}),
    };
  } finally {
    if (project) killLeftovers(project.dir);
    await sandbox.close();
    if (project && !(violations.length > 0 && opts.keepFailed)) project.cleanup();
  }
}

/** Every process below `root` (children first found through /proc's parent ids). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // ended while listing
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/**
 * Kills every process whose working directory is the project's: plugins of a killed CLI (the CLI starts its
 * language host and providers in process groups of their own) must not outlive their history, nor hold its
 * output pipes open.
 */
export function killLeftovers(dir: string): number {
  let killed = 0;
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd === `${dir} (deleted)`) {
        process.kill(Number(name), "SIGKILL");
        killed += 1;
      }
    } catch {
      // not ours to read, or already gone
    }
  }
  return killed;
}

/**
 * `pulumi up` with the step's token expiry and SIGKILL. The kill takes the CLI's whole process tree (the CLI,
 * its language host and its providers), as when a CI runner or a machine stops the job: with only the CLI
 * killed, the orphaned plugins would run on and keep its output pipes open.
 */
function runWithChaos(p: PulumiProject, sandbox: Sandbox, step: Step, ordersBefore: number): Promise<RunResult> {
  const timers: NodeJS.Timeout[] = [];
  let pid = 0;
  let killed = false;
  const kill = () => {
    if (pid && !killed) {
      killed = true;
      const tree = descendants(pid);
      for (const target of [-pid, ...tree]) {
        try {
          process.kill(target, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  };
  const args = step.preview ? ["up", "--yes"] : ["up", "--yes", "--skip-preview"];
  const run = p.run(args, { onSpawn: (child) => (pid = child) });
  if (step.expireTokensAtMs !== undefined)
    timers.push(setTimeout(() => sandbox.admin.expireTokens(), step.expireTokensAtMs));
  const k = step.kill;
  if (k?.after === "time") timers.push(setTimeout(kill, k.ms));
  if (k?.after === "order") {
    const poll = setInterval(() => {
      if (sandbox.admin.stats().orders.length >= ordersBefore + k.orders) {
        clearInterval(poll);
        timers.push(setTimeout(kill, k.delayMs));
      }
    }, 25);
    timers.push(poll);
  }
  return run.finally(() => {
    killed = true;
    for (const t of timers) clearTimeout(t);
  });
}
