/**
 * `npm run chaos`: the randomized fault campaign (docs/fault-campaign.md). Generates histories with fast-check
 * from a seed (printed first), runs each through the real CLI against its own sandbox with faults and SIGKILLs,
 * checks the invariants, shrinks failing histories and writes a JSON result.
 *
 *   npm run chaos -- [--seed N] [--histories N] [--parallel N] [--max-steps N] [--max-fleet N]
 *                    [--shrink N] [--shrink-minutes N] [--no-shrink] [--keep-failed] [--out FILE] [--minutes N]
 *   npm run chaos -- --replay SEED [--path PATH]     run one history again (PATH: a shrunk counterexample)
 *   npm run chaos -- --history FILE                   run a history written as JSON
 *
 * Exit code 0 when every invariant held, 1 when a history violated one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./lib/pulumi-cli";
import {
  generate,
  replayCommand,
  replayPath,
  runCampaign,
  type CampaignOptions,
  type CampaignResult,
} from "./chaos/campaign";
import { describeHistory, type History } from "./chaos/history";
import { DEFAULT_RUN_OPTIONS, runHistory, type HistoryResult } from "./chaos/run-history";

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key === "keep-failed" || key === "no-shrink") flags.set(key, "true");
    else {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      flags.set(key, value);
    }
  }
  const known = [
    "seed",
    "histories",
    "parallel",
    "max-steps",
    "max-fleet",
    "shrink",
    "shrink-minutes",
    "no-shrink",
    "keep-failed",
    "out",
    "replay",
    "path",
    "history",
    "minutes",
  ];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
  const int = (k: string, fallback: number) => {
    const v = flags.get(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} must be a non-negative integer, got ${v}`);
    return n;
  };
  return { flags, int };
}

function printResult(r: HistoryResult) {
  for (const e of r.events) {
    console.log(
      `  step ${e.step} ${e.op}: ${e.signal ?? `exit ${e.code}`} in ${(e.ms / 1000).toFixed(1)}s, orders ${e.ordersBefore} -> ${e.ordersAfter}${e.errors?.length ? `\n    ${e.errors.join("\n    ")}` : ""}`,
    );
  }
  console.log(r.violations.length === 0 ? "every invariant held" : "VIOLATIONS:");
  for (const v of r.violations) console.log(`  ${v.invariant}: ${v.detail}`);
}

async function main() {
  const { flags, int } = parseArgs(process.argv.slice(2));
  const seed = int("seed", Date.now() % 0x7fffffff);
  const opts: CampaignOptions = {
    seed,
    histories: int("histories", 20),
    parallel: Math.max(1, int("parallel", 2)),
    maxSteps: Math.max(1, int("max-steps", 2)),
    maxFleet: Math.min(5, Math.max(1, int("max-fleet", 5))),
    shrink: { max: flags.has("no-shrink") ? 0 : int("shrink", 2), minutes: int("shrink-minutes", 15) },
    run: { ...DEFAULT_RUN_OPTIONS, keepFailed: flags.has("keep-failed") },
    log: (line) => console.log(line),
    stopAfterMinutes: int("minutes", 0),
  };
  const out = flags.get("out") ?? path.join(REPO_ROOT, ".e2e-tmp", "chaos", `campaign-${seed}.json`);

  if (flags.has("history")) {
    const h = JSON.parse(fs.readFileSync(flags.get("history")!, "utf8")) as History;
    console.log(describeHistory(h));
    const r = await runHistory(h, "file", opts.run);
    printResult(r);
    process.exitCode = r.violations.length === 0 ? 0 : 1;
    return;
  }
  if (flags.has("replay")) {
    const replaySeed = int("replay", 0);
    let r: HistoryResult;
    if (flags.has("path")) {
      r = await replayPath(replaySeed, flags.get("path")!, opts);
    } else {
      const h = generate(replaySeed, opts);
      console.log(describeHistory(h, replayCommand(replaySeed, opts)));
      r = await runHistory(h, `replay-${replaySeed}`, opts.run);
    }
    printResult(r);
    process.exitCode = r.violations.length === 0 ? 0 : 1;
    return;
  }

  console.log(
    `fault campaign: seed ${seed}, ${opts.histories} histories, ${opts.parallel} in parallel, up to ${opts.maxSteps} steps and ${opts.maxFleet} PBXs each`,
  );
  console.log(
    `reproduce the whole campaign: npm run chaos -- --seed ${seed} --histories ${opts.histories} --max-steps ${opts.maxSteps} --max-fleet ${opts.maxFleet}`,
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const write = (r: CampaignResult) => fs.writeFileSync(out, JSON.stringify(r, null, 2));
  const result = await runCampaign({ ...opts, onProgress: write });
  write(result);
  console.log(
    `\n${result.histories} of ${result.planned} histories in ${result.minutes} min (${result.historiesPerMinute} histories/min): ` +
      `${result.passed} passed, ${result.failed} with violations; ${result.converged} converged; ` +
      `${result.totals.cliCalls} CLI calls, ${result.totals.kills} SIGKILLs, ${result.totals.orders} orders (${
        Object.entries(result.totals.orderKinds)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none"
      })`,
  );
  console.log(`seed ${seed}; result: ${path.relative(process.cwd(), out)}`);
  if (result.harnessErrors.length > 0)
    console.log(`${result.harnessErrors.length} histories could not be finished by the harness (see harnessErrors)`);
  process.exitCode = result.failed > 0 ? 1 : result.harnessErrors.length > 0 ? 2 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
