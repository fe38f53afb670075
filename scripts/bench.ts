/**
 * `npm run bench`: fleet benchmark through the real pulumi CLI against the sandbox with per-call latency.
 *
 * For fleets of 1, 25 and 100 PBXs: `preview` (new), `up`, a no-change `preview`, and an expansion of every
 * PBX. Reports wall time, API calls by endpoint (sandbox counters), calls per PBX, token requests and the peak
 * memory (VmHWM) of the provider process; times the vendor tutorial's sequential flow as a baseline; writes
 * bench-results/results.json and bench-results/time-vs-fleet.svg.
 *
 * Options (environment): BENCH_SIZES (default "1,25,100"), BENCH_LATENCIES (default "50,200").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox } from "../sandbox";
import { baseline, benchProject, fleetPhases, lineChart, type ChartSeries, type Phase } from "./lib/bench";
import { REPO_ROOT } from "./lib/pulumi-cli";

const SIZES = (process.env.BENCH_SIZES ?? "1,25,100").split(",").map(Number);
const LATENCIES = (process.env.BENCH_LATENCIES ?? "50,200").split(",").map(Number);
const OUT = path.join(REPO_ROOT, "bench-results");

function svgPlot(results: Array<{ latencyMs: number; size: number; upMs: number; baselineMs: number }>): string {
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  const series: ChartSeries[] = [];
  [...new Set(results.map((r) => r.latencyMs))].forEach((lat, i) => {
    const rows = results.filter((r) => r.latencyMs === lat).sort((a, b) => a.size - b.size);
    const color = colors[i % colors.length];
    series.push({ label: `pulumi up, ${lat} ms/call`, pts: rows.map((r) => [r.size, r.upMs]), color, dash: false });
    series.push({
      label: `tutorial baseline, ${lat} ms/call`,
      pts: rows.map((r) => [r.size, r.baselineMs]),
      color,
      dash: true,
    });
  });
  return lineChart("Time to buy a fleet: pulumi up vs the tutorial's sequential calls", "PBXs in the fleet", series);
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const runs: Array<{
    latencyMs: number;
    size: number;
    phases: Phase[];
    baselineMs: number;
    stateBytesPerPbx: number;
  }> = [];
  for (const latencyMs of LATENCIES) {
    for (const size of SIZES) {
      console.log(`\nfleet of ${size}, ${latencyMs} ms per API call`);
      const sandbox = await startSandbox({ latencyMs });
      const project = await benchProject(sandbox, size);
      try {
        const { phases, state } = await fleetPhases(sandbox, project, size);
        const baselineMs = await baseline(sandbox, size, `baseline-${latencyMs}`);
        console.log(
          `  ${"tutorial baseline".padEnd(18)} ${String(baselineMs).padStart(7)} ms (5 calls per PBX, in sequence)`,
        );
        runs.push({ latencyMs, size, phases, baselineMs, stateBytesPerPbx: state.perPbx });
      } finally {
        project.cleanup();
        await sandbox.close();
      }
    }
  }

  const upMs = (lat: number, size: number) => runs.find((r) => r.latencyMs === lat && r.size === size)?.phases[1].ms;
  const summary = runs.map((r) => ({
    latencyMs: r.latencyMs,
    size: r.size,
    upMs: r.phases[1].ms,
    baselineMs: r.baselineMs,
    baselineOverUp: Math.round((r.baselineMs / r.phases[1].ms) * 100) / 100,
    upOverUp1: Math.round((r.phases[1].ms / (upMs(r.latencyMs, Math.min(...SIZES)) ?? r.phases[1].ms)) * 100) / 100,
  }));
  const targets = runs.flatMap((r) => {
    const [pNew, up, pSame, expand] = r.phases;
    const fixed = 10; // the "plus a constant": region list, contacts, price, product paging
    return [
      {
        target: "no-change preview: 0 API calls after the token",
        size: r.size,
        latencyMs: r.latencyMs,
        value: pSame.apiCallsExceptToken,
        ok: pSame.apiCallsExceptToken === 0,
      },
      {
        target: "new preview: <= 1 call per PBX + constant",
        size: r.size,
        latencyMs: r.latencyMs,
        value: pNew.apiCallsExceptToken,
        ok: pNew.apiCallsExceptToken <= r.size + fixed,
      },
      {
        target: "up: <= 3 calls per PBX + constant",
        size: r.size,
        latencyMs: r.latencyMs,
        value: up.apiCallsExceptToken,
        ok: up.apiCallsExceptToken <= 3 * r.size + fixed,
      },
      {
        target: "exactly 1 token request per provider process",
        size: r.size,
        latencyMs: r.latencyMs,
        value: Math.max(pNew.tokenRequests, up.tokenRequests, expand.tokenRequests),
        ok: [pNew, up, expand].every((p) => p.tokenRequests === 1),
      },
      {
        // One product read before the order (never buy twice), the order, and one shared pass over the order list.
        target: "expansion: <= 2 calls per changed PBX + constant",
        size: r.size,
        latencyMs: r.latencyMs,
        value: expand.apiCallsExceptToken,
        ok: expand.apiCallsExceptToken <= 2 * r.size + fixed,
      },
      {
        target: "expansion: 1 order per PBX",
        size: r.size,
        latencyMs: r.latencyMs,
        value: expand.orders,
        ok: expand.orders === r.size,
      },
    ];
  });
  for (const s of summary.filter((s) => s.size === Math.max(...SIZES))) {
    targets.push({
      target: `up of ${s.size} <= 4x up of ${Math.min(...SIZES)}`,
      size: s.size,
      latencyMs: s.latencyMs,
      value: s.upOverUp1,
      ok: s.upOverUp1 <= 4,
    });
    targets.push({
      target: "up >= 3x faster than the sequential baseline",
      size: s.size,
      latencyMs: s.latencyMs,
      value: s.baselineOverUp,
      ok: s.baselineOverUp >= 3,
    });
  }
  const largest = summary.filter((s) => s.size === Math.max(...SIZES)).sort((a, b) => a.latencyMs - b.latencyMs);
  if (largest.length > 1) {
    const [low, high] = [largest[0], largest[largest.length - 1]];
    targets.push({
      target: `the gap grows with latency (${low.latencyMs} ms: ${low.baselineOverUp}x, ${high.latencyMs} ms)`,
      size: high.size,
      latencyMs: high.latencyMs,
      value: high.baselineOverUp,
      ok: high.baselineOverUp > low.baselineOverUp,
    });
  }
  const result = { when: new Date().toISOString(), sizes: SIZES, latencies: LATENCIES, runs, summary, targets };
  fs.writeFileSync(path.join(OUT, "results.json"), JSON.stringify(result, null, 2));
  fs.writeFileSync(path.join(OUT, "time-vs-fleet.svg"), svgPlot(summary));
  console.log("\ntargets:");
  for (const t of targets)
    console.log(`  ${t.ok ? "met " : "MISS"}  ${t.target} [fleet ${t.size}, ${t.latencyMs} ms]: ${t.value}`);
  console.log(`\nwrote ${path.relative(REPO_ROOT, OUT)}/results.json and time-vs-fleet.svg`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
