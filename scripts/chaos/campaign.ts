/**
 * The fault campaign: many generated histories, run a few at a time (each with its own sandbox and backend),
 * their invariants checked, and each failing history shrunk by fast-check to the fewest steps that still fail.
 *
 * Seeds: history i of a campaign with seed S is the first value fast-check generates from seed S + i, so
 * `--replay <that seed>` runs it again, and a shrunk counterexample is replayed exactly with its fast-check path.
 * The outcome of a history can depend on timing (a SIGKILL at 2 s lands where the CLI happens to be), so a replay
 * runs the same steps but may take another path through them.
 */
import * as fc from "fast-check";
import { describeHistory, historyArb, type History } from "./history";
import type { Violation } from "./invariants";
import { runHistory, type HistoryEvent, type HistoryResult, type RunOptions } from "./run-history";

export interface Shape {
  maxSteps: number;
  maxFleet: number;
}

export interface CampaignOptions extends Shape {
  seed: number;
  histories: number;
  parallel: number;
  /** Shrink failing histories (at most this many, in this much time each). */
  shrink: { max: number; minutes: number };
  run: RunOptions;
  log: (line: string) => void;
  /** Called with the result so far after each history (to write it as the campaign goes). */
  onProgress?: (partial: CampaignResult) => void;
  /** Start no new history after this many minutes (0: no limit). */
  stopAfterMinutes?: number;
}

export interface HistoryRecord {
  index: number;
  seed: number;
  steps: number;
  fleet: number;
  converged: boolean;
  kills: number;
  gaveUp: number;
  orders: number;
  orderKinds: Record<string, number>;
  pbxs: number;
  cliCalls: number;
  ms: number;
  violations: Violation[];
  /** The harness could not finish the history (not an invariant violation; listed in `harnessErrors`). */
  harnessError?: string;
  /** Only for histories with violations or that did not converge. */
  script?: string;
  events?: HistoryEvent[];
  projectDir?: string;
}

export interface ShrinkRecord {
  seed: number;
  reproduced: boolean;
  numShrinks: number;
  path?: string;
  steps?: number;
  script?: string;
  violations?: Violation[];
  history?: History;
}

export interface CampaignResult {
  seed: number;
  /** Histories asked for, and run (fewer when `stopAfterMinutes` ran out). */
  planned: number;
  histories: number;
  parallel: number;
  shape: Shape;
  run: RunOptions;
  startedAt: string;
  minutes: number;
  historiesPerMinute: number;
  passed: number;
  failed: number;
  converged: number;
  totals: {
    steps: number;
    cliCalls: number;
    kills: number;
    orders: number;
    /** Orders by operation type, over every history. */
    orderKinds: Record<string, number>;
    pbxs: number;
    gaveUp: number;
  };
  coverage: Record<string, number>;
  violations: HistoryRecord[];
  /** Histories whose last recovery gave up with a clear error (no violation): their scripts and events. */
  unconverged: HistoryRecord[];
  /** Histories the harness could not finish. */
  harnessErrors: HistoryRecord[];
  shrunk: ShrinkRecord[];
  perHistory: HistoryRecord[];
}

export function historySeed(campaignSeed: number, index: number): number {
  return (campaignSeed + index) % 0x7fffffff;
}

export function generate(seed: number, shape: Shape): History {
  return fc.sample(historyArb(shape), { seed, numRuns: 1 })[0];
}

export function replayCommand(seed: number, shape: Shape, pathArg?: string): string {
  return `npm run chaos -- --replay ${seed} --max-steps ${shape.maxSteps} --max-fleet ${shape.maxFleet}${pathArg ? ` --path ${pathArg}` : ""}`;
}

function summarize(v: Violation[]): string {
  return v.map((x) => `${x.invariant}: ${x.detail}`).join("\n");
}

/** What the histories exercised, so a campaign's result shows its faults actually happened. */
function coverage(histories: History[]): Record<string, number> {
  const c: Record<string, number> = {};
  const add = (k: string) => (c[k] = (c[k] ?? 0) + 1);
  for (const h of histories) {
    add(`fleet ${h.fleet.length}`);
    for (const s of h.steps) {
      add(`change ${s.change.kind}`);
      for (const f of s.faults) {
        const kind =
          f.status === 429
            ? "429"
            : f.status !== undefined
              ? `status ${f.status}`
              : f.latencyMs !== undefined
                ? "latency"
                : f.hang
                  ? "hang"
                  : f.malformed
                    ? "malformed"
                    : "drop";
        add(`fault ${f.endpoint}${f.afterCommit ? " after commit" : ""}`);
        add(`fault kind ${kind}`);
      }
      if (s.pendingMs > 0) add(s.pendingMs > 2000 ? "orders pending past the timeout" : "orders pending briefly");
      if (s.failOrders) add("orders fail");
      if (s.expireTokensAtMs !== undefined) add("token expiry");
      if (s.kill) add(`SIGKILL after ${s.kill.after}`);
      if (s.preview) add("up with preview");
      if (s.refresh) add("recovery with refresh");
    }
  }
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b)));
}

function recordOf(index: number, seed: number, h: History, r: HistoryResult, shape: Shape): HistoryRecord {
  const failed = r.violations.length > 0;
  return {
    index,
    seed,
    steps: h.steps.length,
    fleet: h.fleet.length,
    converged: r.converged,
    kills: r.kills,
    gaveUp: r.gaveUp,
    orders: r.orders,
    orderKinds: r.orderKinds ?? {},
    pbxs: r.pbxs,
    cliCalls: r.events.length,
    ms: r.ms,
    violations: r.violations,
    ...(r.harnessError ? { harnessError: r.harnessError } : {}),
    ...(failed || !r.converged || r.harnessError
      ? {
          script: describeHistory(h, replayCommand(seed, shape)),
          events: r.events,
          ...(r.projectDir ? { projectDir: r.projectDir } : {}),
        }
      : {}),
  };
}

/**
 * Shrinks a failing history with fast-check: the same seed generates the same first value, and fast-check then
 * tries smaller ones (fewer steps, fewer PBXs, fewer faults) while the property still fails.
 */
export async function shrink(seed: number, opts: CampaignOptions, label: string): Promise<ShrinkRecord> {
  let attempt = 0;
  const property = fc.asyncProperty(historyArb(opts), async (h) => {
    attempt += 1;
    const r = await runHistory(h, `${label}-s${attempt}`, opts.run);
    opts.log(`  shrink ${seed} #${attempt}: ${h.steps.length} steps, ${r.violations.length} violation(s)`);
    if (r.violations.length > 0) throw new Error(summarize(r.violations));
  });
  const details = await fc.check(property, {
    seed,
    numRuns: 1,
    interruptAfterTimeLimit: opts.shrink.minutes * 60_000,
    markInterruptAsFailure: false,
  });
  if (!details.failed || !details.counterexample) return { seed, reproduced: false, numShrinks: 0 };
  const [history] = details.counterexample;
  const pathArg = details.counterexamplePath ?? undefined;
  return {
    seed,
    reproduced: true,
    numShrinks: details.numShrinks,
    path: pathArg,
    steps: history.steps.length,
    script: describeHistory(history, replayCommand(seed, opts, pathArg)),
    violations: details.errorInstance instanceof Error ? parseViolations(details.errorInstance) : [],
    history,
  };
}

function parseViolations(err: Error): Violation[] {
  return err.message
    .split("\n")
    .filter((l) => /^[a-z-]+: /.test(l))
    .map((l) => {
      const i = l.indexOf(": ");
      return { invariant: l.slice(0, i) as Violation["invariant"], detail: l.slice(i + 2) };
    });
}

/** Runs the history that fast-check reaches from `seed` along `path` (a shrunk counterexample), without shrinking. */
export async function replayPath(seed: number, pathArg: string, opts: CampaignOptions): Promise<HistoryResult> {
  let result: HistoryResult | undefined;
  let history: History | undefined;
  const property = fc.asyncProperty(historyArb(opts), async (h) => {
    history = h;
    result = await runHistory(h, `replay-${seed}`, opts.run);
    if (result.violations.length > 0) throw new Error(summarize(result.violations));
  });
  await fc.check(property, { seed, path: pathArg, numRuns: 1, endOnFailure: true });
  if (history) opts.log(describeHistory(history, replayCommand(seed, opts, pathArg)));
  return result!;
}

function summary(
  opts: CampaignOptions,
  startedAt: Date,
  histories: History[],
  done: HistoryRecord[],
  shrunk: ShrinkRecord[],
): CampaignResult {
  const minutesRun = (Date.now() - startedAt.getTime()) / 60_000;
  const failing = done.filter((r) => r.violations.length > 0);
  const sum = (k: "kills" | "orders" | "pbxs" | "gaveUp" | "cliCalls" | "steps") => done.reduce((a, r) => a + r[k], 0);
  return {
    seed: opts.seed,
    planned: opts.histories,
    histories: done.length,
    parallel: opts.parallel,
    shape: { maxSteps: opts.maxSteps, maxFleet: opts.maxFleet },
    run: opts.run,
    startedAt: startedAt.toISOString(),
    minutes: Math.round(minutesRun * 100) / 100,
    historiesPerMinute: Math.round((done.length / minutesRun) * 100) / 100,
    passed: done.filter((r) => r.violations.length === 0 && !r.harnessError).length,
    failed: failing.length,
    converged: done.filter((r) => r.converged).length,
    totals: {
      steps: sum("steps"),
      cliCalls: sum("cliCalls"),
      kills: sum("kills"),
      orders: sum("orders"),
      orderKinds: done.reduce<Record<string, number>>((all, r) => {
        for (const [k, v] of Object.entries(r.orderKinds)) all[k] = (all[k] ?? 0) + v;
        return all;
      }, {}),
      pbxs: sum("pbxs"),
      gaveUp: sum("gaveUp"),
    },
    coverage: coverage(done.map((r) => histories[r.index])),
    violations: failing,
    shrunk,
    unconverged: done.filter((r) => !r.converged && r.violations.length === 0 && !r.harnessError),
    harnessErrors: done.filter((r) => r.harnessError),
    perHistory: done.map(({ events: _e, script: _s, ...rest }) => rest),
  };
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const startedAt = new Date();
  const histories = Array.from({ length: opts.histories }, (_, i) => generate(historySeed(opts.seed, i), opts));
  const records: HistoryRecord[] = [];
  const deadline = opts.stopAfterMinutes ? startedAt.getTime() + opts.stopAfterMinutes * 60_000 : Infinity;
  let next = 0;
  const worker = async (w: number) => {
    while (next < histories.length && Date.now() < deadline) {
      const index = next++;
      const seed = historySeed(opts.seed, index);
      const h = histories[index];
      let r: HistoryResult;
      try {
        r = await runHistory(h, `${opts.seed}-${index}-w${w}`, opts.run);
      } catch (err) {
        // The harness itself failed (e.g. the CLI could not read the stack): recorded, and the campaign goes on.
        r = harnessFailure(err);
      }
      const rec = recordOf(index, seed, h, r, opts);
      records.push(rec);
      const elapsedMin = (Date.now() - startedAt.getTime()) / 60_000;
      opts.log(
        `[${records.length}/${opts.histories}] history ${index} seed ${seed}: ${h.steps.length} steps, ${h.fleet.length} PBX seeds, ` +
          `${r.events.length} CLI calls, ${r.kills} kills, ${(r.ms / 1000).toFixed(1)}s, ` +
          `${r.harnessError ? `HARNESS ERROR ${r.harnessError.split("\n")[0]}` : r.violations.length === 0 ? "ok" : `${r.violations.length} VIOLATION(S)`}${r.converged ? "" : " (did not converge)"} ` +
          `— ${(records.length / elapsedMin).toFixed(1)} histories/min`,
      );
      if (r.violations.length > 0) opts.log(rec.script! + "\n" + summarize(r.violations));
      opts.onProgress?.(summary(opts, startedAt, histories, sorted(records), []));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel) }, (_, w) => worker(w)));
  const done = sorted(records);
  const throughput = summary(opts, startedAt, histories, done, []);

  const shrunk: ShrinkRecord[] = [];
  for (const f of done.filter((r) => r.violations.length > 0).slice(0, opts.shrink.max)) {
    opts.log(`shrinking history ${f.index} (seed ${f.seed})`);
    const s = await shrink(f.seed, opts, `${opts.seed}-shrink-${f.index}`);
    shrunk.push(s);
    opts.log(
      s.reproduced
        ? `shrunk to ${s.steps} step(s) after ${s.numShrinks} shrink(s):\n${s.script}\n${summarize(s.violations ?? [])}`
        : `seed ${f.seed} did not fail again on a second run (timing-dependent); its script and events are in the result`,
    );
    opts.onProgress?.({ ...throughput, shrunk });
  }
  // Throughput counts the histories only, not the shrinking.
  return { ...throughput, shrunk };
}

function harnessFailure(err: unknown): HistoryResult {
  return {
    violations: [],
    events: [],
    converged: false,
    ms: 0,
    orders: 0,
    pbxs: 0,
    kills: 0,
    gaveUp: 0,
    harnessError: String((err as Error)?.message ?? err).slice(0, 2000),
  };
}

function sorted(records: HistoryRecord[]): HistoryRecord[] {
  return [...records].sort((a, b) => a.index - b.index);
}
