/**
 * `npm run bench:preview`: the no-change preview of a fleet, the part of `npm run bench:fleet` that a change to
 * the program side or to check/diff moves (docs/performance.md, "Large fleets"). For each size: one `up` in the large-fleet
 * mode, then the no-change preview repeated in each mode, alternating, against the sandbox at 50 ms per API
 * call. Reports wall time and the CPU time of the CLI and everything it started (read from this process's
 * reaped children), which a loaded machine moves less than wall time.
 *
 * Each size runs in three variants, so the result says whose cost it is (all set up first, then their previews
 * take turns):
 * - "package": this package's PSeriesCloudPbx (scripts/bench-program.ts), installed as npm installs it;
 * - "sdk floor": a do-nothing dynamic resource of the same shape (scripts/bench-floor-program.ts), what
 *   @pulumi/pulumi and the CLI alone cost;
 * - "package, no SDK debug logs": the package with the SDK's three debug-log calls per registered resource dropped
 *   in the program (scripts/lib/sdk-debug-off.ts, a measurement only; the package never does this);
 * - "young-64" (on request): the package with a larger young generation for the program (Pulumi.yaml
 *   `nodeargs: --max-semi-space-size=64`), what tuning the garbage collector would give.
 *
 * Options (environment): PREVIEW_SIZES (default "100,1000"), PREVIEW_LATENCY (default 50), PREVIEW_REPEAT
 * (default 3), FLEET_MODES (default "default,large-fleet"), PREVIEW_VARIANTS (default all three:
 * "package,floor,no-sdk-debug").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../sandbox";
import { benchProject } from "./lib/bench";
import { REPO_ROOT, type PulumiProject } from "./lib/pulumi-cli";

const SIZES = (process.env.PREVIEW_SIZES ?? "100,1000").split(",").map(Number);
const LATENCY = Number(process.env.PREVIEW_LATENCY ?? 50);
const REPEAT = Number(process.env.PREVIEW_REPEAT ?? 3);
const MODES = (process.env.FLEET_MODES ?? "default,large-fleet").split(",");
const VARIANTS = (process.env.PREVIEW_VARIANTS ?? "package,floor,no-sdk-debug").split(",");
const DIST = path.join(REPO_ROOT, "dist", "scripts");
const VARIANT: Record<string, { label: string; program?: string; nodeargs?: string }> = {
  package: { label: "package" },
  floor: { label: "sdk floor", program: path.join(DIST, "bench-floor-program.js") },
  "no-sdk-debug": {
    label: "package, no SDK debug logs",
    nodeargs: `--require ${path.join(DIST, "lib", "sdk-debug-off.js")}`,
  },
  "young-64": { label: "package, semi-space 64 MB", nodeargs: "--max-semi-space-size=64" },
};
const MODE_ENV: Record<string, Record<string, string>> = {
  default: {},
  "large-fleet": { PULUMI_SKIP_CHECKPOINTS: "true" },
};

/** CPU seconds (user + system) of this process's children that have ended and been waited for. */
function childCpuSeconds(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  // After the command name: field 14 (cutime) and 15 (cstime) of the full list are at 13 and 14 here.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const rows: Array<{ size: number; variant: string; mode: string; ms: number; cpu: number }> = [];
  for (const variant of VARIANTS) {
    if (!VARIANT[variant])
      throw new Error(`PREVIEW_VARIANTS: unknown variant "${variant}"; valid: ${Object.keys(VARIANT).join(", ")}`);
  }
  // Every size and variant is set up first, then their previews take turns, so a machine that slows down for a
  // while moves all of them alike, not the one measured at that time: the ratios are what the bench reports.
  const setups: Array<{ size: number; variant: string; sandbox: Sandbox; project: PulumiProject }> = [];
  try {
    for (const size of SIZES) {
      for (const variant of VARIANTS) {
        const v = VARIANT[variant];
        const sandbox = await startSandbox({ latencyMs: LATENCY });
        const project = await benchProject(sandbox, size, {
          name: "preview",
          env: MODE_ENV["large-fleet"],
          program: v.program,
          nodeargs: v.nodeargs,
        });
        setups.push({ size, variant, sandbox, project });
        const up = await project.up();
        if (up.code !== 0) throw new Error(`up failed:\n${up.output.slice(-4000)}`);
      }
    }
    for (let i = 0; i < REPEAT; i++) {
      for (const { size, variant, sandbox, project } of setups) {
        for (const mode of MODES) {
          sandbox.admin.resetCounters();
          const cpu0 = childCpuSeconds();
          const r = await project.preview([], MODE_ENV[mode]);
          const cpu = Math.round((childCpuSeconds() - cpu0) * 100) / 100;
          if (r.code !== 0) throw new Error(`preview failed:\n${r.output.slice(-4000)}`);
          const calls = Object.entries(sandbox.admin.stats().requests)
            .filter(([k]) => k !== "token")
            .reduce((a, [, n]) => a + n, 0);
          if (calls !== 0) throw new Error(`a no-change preview of ${size} made ${calls} API calls`);
          console.log(
            `  ${String(size).padStart(5)} PBXs, ${VARIANT[variant].label.padEnd(27)} ${mode.padEnd(11)} ${r.ms} ms, ${cpu} CPU s`,
          );
          rows.push({ size, variant, mode, ms: r.ms, cpu });
        }
      }
    }
  } finally {
    for (const { project, sandbox } of setups) {
      project.cleanup();
      await sandbox.close();
    }
  }
  console.log("\nmedian of each:");
  const small = Math.min(...SIZES);
  const med = (size: number, variant: string, mode: string, key: "ms" | "cpu") =>
    median(rows.filter((r) => r.size === size && r.variant === variant && r.mode === mode).map((r) => r[key]));
  for (const variant of VARIANTS) {
    for (const mode of MODES) {
      for (const size of SIZES) {
        const ms = med(size, variant, mode, "ms");
        const times = Math.round((ms / med(small, variant, mode, "ms")) * 100) / 100;
        console.log(
          `  ${String(size).padStart(5)} PBXs, ${VARIANT[variant].label.padEnd(27)} ${mode.padEnd(11)} ${ms} ms, ${med(size, variant, mode, "cpu")} CPU s, ${times}x the ${small}`,
        );
      }
    }
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
