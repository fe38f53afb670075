/**
 * `npm run bench:extensions`: 500 extensions on one PBX (docs/performance.md, "Extensions"). Through the real pulumi
 * CLI against the sandbox, which serves the PBX's own API, at 50 ms per API call: one `up` buys a PBX of 500
 * extensions; then the program declares 500 PbxExtensions on it (linked with `pbx:`) and a second `up` creates
 * them; then a no-change `preview` (`--expect-no-changes`) and a `refresh`. Each phase reports wall time, the PBX
 * API's calls by endpoint (the sandbox's counters: pbxToken, pbxCapacity, pbxExtensionList, pbxExtensionCreate,
 * ...), the Partner API's calls, calls per extension and the provider process's peak memory.
 *
 * The floor of the `up` is what the PBX API cannot do with less: one create per extension and one token. The target:
 * the `up`'s PBX API calls <= 3x that floor. The other lines are reported. The process exits non-zero when a target
 * is missed or a phase fails (the PBX must end with exactly the declared extensions). Writes
 * bench-results/extensions.json.
 *
 * Each phase runs in the CLI's default mode and in its large-fleet mode (PULUMI_SKIP_CHECKPOINTS=true: the state is
 * written once at the end of a run, not after each of the 500 creates), each on a sandbox and a stack of its own.
 *
 * Options (environment): EXT_COUNT (default 500: the PBX's extensions and the extensions declared, 5 to 500),
 * EXT_LATENCY (ms per API call, default 50), EXT_MODES (default "default,large-fleet").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PBX_COUNTERS, startSandbox, type Sandbox } from "../sandbox";
import { benchProject, watchProviderMemory } from "./lib/bench";
import { REPO_ROOT } from "./lib/pulumi-cli";

const COUNT = Number(process.env.EXT_COUNT ?? 500);
const LATENCY = Number(process.env.EXT_LATENCY ?? 50);
const MODES = (process.env.EXT_MODES ?? "default,large-fleet").split(",") as Mode[];
const OUT = path.join(REPO_ROOT, "bench-results");
const PBX_SECRET = "pbx-secret";
const PBX_ENDPOINTS = new Set<string>(Object.values(PBX_COUNTERS));

type Mode = "default" | "large-fleet";
const MODE_ENV: Record<Mode, Record<string, string>> = {
  default: {},
  "large-fleet": { PULUMI_SKIP_CHECKPOINTS: "true" },
};

interface ExtPhase {
  phase: string;
  ms: number;
  /** The PBX's own API, by endpoint. */
  pbxCalls: Record<string, number>;
  pbxTotal: number;
  /** The Partner Portal API, by endpoint (its token included). */
  partnerCalls: Record<string, number>;
  partnerTotal: number;
  /** PBX API calls per declared extension. */
  perExtension: number;
  providerPeakRssMb: number;
}

const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, n) => a + n, 0);
const round2 = (n: number) => Math.round(n * 100) / 100;
const byEndpoint = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none";

/** Runs one CLI phase against the sandbox and counts its calls; a failed phase throws with the CLI's output. */
async function measure(
  sandbox: Sandbox,
  name: string,
  run: () => Promise<{ code: number | null; output: string }>,
): Promise<ExtPhase> {
  sandbox.admin.resetCounters();
  const stop = watchProviderMemory();
  const started = Date.now();
  const r = await run();
  const ms = Date.now() - started;
  const providerPeakRssMb = stop();
  if (r.code !== 0) throw new Error(`${name} failed:\n${r.output.slice(-4000)}`);
  const counted = Object.entries(sandbox.admin.stats().requests).filter(([, n]) => n > 0);
  const pbxCalls = Object.fromEntries(counted.filter(([k]) => PBX_ENDPOINTS.has(k)));
  const partnerCalls = Object.fromEntries(counted.filter(([k]) => !PBX_ENDPOINTS.has(k)));
  const p: ExtPhase = {
    phase: name,
    ms,
    pbxCalls,
    pbxTotal: sum(pbxCalls),
    partnerCalls,
    partnerTotal: sum(partnerCalls),
    perExtension: round2(sum(pbxCalls) / COUNT),
    providerPeakRssMb,
  };
  console.log(
    `  ${name.padEnd(24)} ${String(ms).padStart(7)} ms  PBX API ${String(p.pbxTotal).padStart(4)} (${byEndpoint(pbxCalls)})  ` +
      `per extension ${p.perExtension}  Partner API ${p.partnerTotal} (${byEndpoint(partnerCalls)})  provider peak ${providerPeakRssMb} MB`,
  );
  return p;
}

/** The four phases on a sandbox and a stack of their own: buy the PBX, create the extensions, preview, refresh. */
async function modeRun(mode: Mode): Promise<ExtPhase[]> {
  console.log(`\n${COUNT} extensions on one PBX of ${COUNT}, ${LATENCY} ms per API call, ${mode} mode`);
  const sandbox = await startSandbox({ latencyMs: LATENCY, pbxClientSecret: PBX_SECRET });
  const project = await benchProject(sandbox, 1, {
    name: `bench-extensions-${mode}`,
    program: path.join(REPO_ROOT, "dist", "scripts", "bench-extensions-program.js"),
    env: MODE_ENV[mode],
    config: {
      "bench:extensions": String(COUNT),
      "bench:declared": "0",
      "yeastar:pbxClientId": "pbx-client",
      "yeastar:pbxApiBaseUrl": `${sandbox.url}/pbx/{pbxUrl}`,
    },
    secrets: { "yeastar:pbxClientSecret": PBX_SECRET },
  });
  const phases: ExtPhase[] = [];
  try {
    phases.push(await measure(sandbox, `up (buy a PBX of ${COUNT})`, () => project.up()));
    const pbxUrl = String((await project.outputs()).pbxUrl);
    await project.setConfig("bench:declared", String(COUNT));
    phases.push(await measure(sandbox, `up (${COUNT} extensions)`, () => project.up()));
    const onPbx = sandbox.admin.extensions(pbxUrl).length;
    if (onPbx !== COUNT) throw new Error(`after the up, ${pbxUrl} has ${onPbx} extensions, not ${COUNT}`);
    phases.push(await measure(sandbox, "preview (no change)", () => project.preview(["--expect-no-changes"])));
    phases.push(await measure(sandbox, "refresh", () => project.refresh()));
    if (sandbox.admin.extensions(pbxUrl).length !== COUNT) throw new Error(`the refresh changed ${pbxUrl}`);
    return phases;
  } finally {
    project.cleanup();
    await sandbox.close();
  }
}

async function main() {
  if (!Number.isInteger(COUNT) || COUNT < 5 || COUNT > 500)
    throw new Error("EXT_COUNT must be a whole number, 5 to 500");
  fs.mkdirSync(OUT, { recursive: true });
  const runs: Array<{ mode: Mode; phases: ExtPhase[] }> = [];
  for (const mode of MODES) runs.push({ mode, phases: await modeRun(mode) });

  const floor = COUNT + 1;
  const targets = runs.flatMap(({ mode, phases: [, up, same, refresh] }) => [
    {
      target: `${COUNT} extensions on one PBX within 3x of the API's call floor (${COUNT} creates + 1 token = ${floor}): PBX API calls of the up <= ${3 * floor}`,
      mode,
      value: up.pbxTotal,
      ok: up.pbxTotal <= 3 * floor,
    },
    { target: "up: PBX API calls / floor (report)", mode, value: Math.round((up.pbxTotal / floor) * 1000) / 1000 },
    { target: "up: PBX API calls per extension (report)", mode, value: up.perExtension },
    { target: "up: extension creates (report)", mode, value: up.pbxCalls.pbxExtensionCreate ?? 0 },
    { target: "up: Partner API calls (report)", mode, value: up.partnerTotal },
    { target: "up: wall time, s (report)", mode, value: round2(up.ms / 1000) },
    { target: "no-change preview: PBX API calls (report)", mode, value: same.pbxTotal },
    { target: "no-change preview: wall time, s (report)", mode, value: round2(same.ms / 1000) },
    { target: "refresh: PBX API calls per extension (report)", mode, value: refresh.perExtension },
    { target: "refresh: wall time, s (report)", mode, value: round2(refresh.ms / 1000) },
  ]);
  const result = {
    when: new Date().toISOString(),
    count: COUNT,
    latencyMs: LATENCY,
    modes: MODES,
    floor,
    runs,
    targets,
  };
  fs.writeFileSync(path.join(OUT, "extensions.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log("\ntargets:");
  for (const t of targets) {
    const mark = t.target.endsWith("(report)") ? "info" : t.ok ? "met " : "MISS";
    console.log(`  ${mark}  ${t.target} [${COUNT} extensions, ${LATENCY} ms, ${t.mode} mode]: ${t.value}`);
  }
  console.log(`\nwrote ${path.relative(REPO_ROOT, OUT)}/extensions.json`);
  if (targets.some((t) => t.ok === false)) process.exitCode = 1;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
