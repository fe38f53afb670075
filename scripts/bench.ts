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
import { PCE_PRODUCT_ID, PATHS, PLANS } from "../provider/api/catalog";
import { startSandbox, type Sandbox } from "../sandbox";
import { PulumiProject, REPO_ROOT } from "./lib/pulumi-cli";

const SIZES = (process.env.BENCH_SIZES ?? "1,25,100").split(",").map(Number);
const LATENCIES = (process.env.BENCH_LATENCIES ?? "50,200").split(",").map(Number);
const OUT = path.join(REPO_ROOT, "bench-results");

interface Phase {
  phase: string;
  ms: number;
  calls: Record<string, number>;
  apiCallsExceptToken: number;
  callsPerPbx: number;
  tokenRequests: number;
  orders: number;
  providerPeakRssMb: number;
}

/**
 * Peak resident memory (VmHWM) of the dynamic-provider processes of a phase. /proc is scanned for new provider
 * processes only a few times a second and a found one is read by pid, so the sampling adds little load to the
 * machine, whose sandbox and CLI are what is being timed.
 */
function watchProviderMemory() {
  const peakKb = new Map<string, number>();
  const readPeak = (pid: string) => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) peakKb.set(pid, Math.max(peakKb.get(pid) ?? 0, Number(m[1])));
    } catch {
      // the process has ended; its last reading stands
    }
  };
  const scan = () => {
    for (const pid of fs.readdirSync("/proc")) {
      if (peakKb.has(pid) || !/^\d+$/.test(pid)) continue;
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) peakKb.set(pid, 0);
      } catch {
        // the process ended between listing and reading
      }
    }
  };
  const scanTimer = setInterval(scan, 250);
  const readTimer = setInterval(() => peakKb.forEach((_, pid) => readPeak(pid)), 100);
  return () => {
    clearInterval(scanTimer);
    clearInterval(readTimer);
    peakKb.forEach((_, pid) => readPeak(pid));
    return Math.round(Math.max(0, ...peakKb.values()) / 102.4) / 10;
  };
}

async function phase(
  sandbox: Sandbox,
  size: number,
  name: string,
  run: () => Promise<{ code: number | null; output: string }>,
) {
  sandbox.admin.resetCounters();
  const ordersBefore = sandbox.admin.stats().orders.length;
  const stop = watchProviderMemory();
  const started = Date.now();
  const r = await run();
  const ms = Date.now() - started;
  const providerPeakRssMb = stop();
  if (r.code !== 0) throw new Error(`${name} failed:\n${r.output}`);
  const stats = sandbox.admin.stats();
  const calls = Object.fromEntries(Object.entries(stats.requests).filter(([, n]) => n > 0));
  const apiCallsExceptToken = Object.entries(calls)
    .filter(([k]) => k !== "token")
    .reduce((a, [, n]) => a + n, 0);
  const p: Phase = {
    phase: name,
    ms,
    calls,
    apiCallsExceptToken,
    callsPerPbx: Math.round((apiCallsExceptToken / size) * 100) / 100,
    tokenRequests: stats.requests.token ?? 0,
    orders: stats.orders.length - ordersBefore,
    providerPeakRssMb,
  };
  console.log(
    `  ${name.padEnd(18)} ${String(ms).padStart(7)} ms  calls ${String(apiCallsExceptToken).padStart(4)} (+${p.tokenRequests} token)  per PBX ${p.callsPerPbx}  orders ${p.orders}  provider peak ${providerPeakRssMb} MB`,
  );
  return p;
}

/** The vendor tutorial, per PBX and in sequence: token, region list, URL check, billing contacts, order. */
async function baseline(sandbox: Sandbox, size: number, prefix: string): Promise<number> {
  const started = Date.now();
  const ua = { "User-Agent": "OpenAPI" };
  for (let i = 0; i < size; i++) {
    const tokenRes = await fetch(sandbox.url + PATHS.token, {
      method: "POST",
      headers: { ...ua, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: "sandbox-client",
        client_secret: "sandbox-secret",
        grant_type: "pp_credentials",
      }),
    });
    const token = ((await tokenRes.json()) as { result: { token: string } }).result.token;
    const auth = { ...ua, Authorization: `Bearer ${token}` };
    const regions = await (await fetch(sandbox.url + PATHS.regionList, { headers: auth })).text();
    const regionId = /"id":(\d+)/.exec(regions)![1];
    const subDomainId = /"pbxSubDomainId":(\d+)/.exec(regions)![1];
    const url = `${prefix}-${i}.eu.sandbox.yeastarcloud.com`;
    await (await fetch(`${sandbox.url}${PATHS.pbxUrlExisted}?pbxUrl=${url}`, { headers: auth })).text();
    const contacts = await (await fetch(sandbox.url + PATHS.billingContactList, { headers: auth })).text();
    const billingId = /"billingContactId":(\d+)/.exec(contacts)![1];
    // The body is written by hand so the 64-bit ids go out as exact integers, as the tutorial shows.
    const body = `{"operationType":"purchase_plan","productId":${PCE_PRODUCT_ID},"billingId":${billingId},"serviceList":[{"serviceId":${PLANS.enterprise},"serviceType":"plan","quantity":10,"purchaseType":"purchase","billingModel":"recurring","billingCycle":"annually","multiCycle":0}],"orderPceSpecialRequest":{"pbxName":"Baseline ${i}","regionId":${regionId},"pbxSubDomainId":${subDomainId},"pbxUrl":"${url}"}}`;
    const order = await fetch(sandbox.url + PATHS.orderSave, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body,
    });
    if (order.status !== 200) throw new Error(`baseline order failed: ${await order.text()}`);
  }
  return Date.now() - started;
}

function svgPlot(results: Array<{ latencyMs: number; size: number; upMs: number; baselineMs: number }>): string {
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 180, t: 40, b: 50 };
  const maxX = Math.max(...results.map((r) => r.size));
  const maxY = Math.max(...results.flatMap((r) => [r.upMs, r.baselineMs])) * 1.05;
  const x = (v: number) => m.l + (v / maxX) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - (v / maxY) * (H - m.t - m.b);
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  const series: Array<{ label: string; pts: Array<[number, number]>; dash: boolean }> = [];
  for (const lat of [...new Set(results.map((r) => r.latencyMs))]) {
    const rows = results.filter((r) => r.latencyMs === lat).sort((a, b) => a.size - b.size);
    series.push({ label: `pulumi up, ${lat} ms/call`, pts: rows.map((r) => [r.size, r.upMs]), dash: false });
    series.push({
      label: `tutorial baseline, ${lat} ms/call`,
      pts: rows.map((r) => [r.size, r.baselineMs]),
      dash: true,
    });
  }
  const lines = series
    .map((s, i) => {
      const c = colors[Math.floor(i / 2) % colors.length];
      const pts = s.pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(" ");
      const legendY = m.t + 20 * i;
      return (
        `<polyline fill="none" stroke="${c}" stroke-width="2" ${s.dash ? 'stroke-dasharray="6 4"' : ""} points="${pts}"/>` +
        s.pts.map(([a, b]) => `<circle cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${c}"/>`).join("") +
        `<line x1="${W - m.r + 10}" y1="${legendY}" x2="${W - m.r + 30}" y2="${legendY}" stroke="${c}" stroke-width="2" ${s.dash ? 'stroke-dasharray="6 4"' : ""}/>` +
        `<text x="${W - m.r + 35}" y="${legendY + 4}" font-size="11">${s.label}</text>`
      );
    })
    .join("\n");
  const ticksX = [...new Set(results.map((r) => r.size))]
    .map((v) => `<text x="${x(v)}" y="${H - m.b + 18}" font-size="11" text-anchor="middle">${v}</text>`)
    .join("");
  const ticksY = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = maxY * f;
      return `<text x="${m.l - 8}" y="${y(v) + 4}" font-size="11" text-anchor="end">${(v / 1000).toFixed(1)} s</text><line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${m.l}" y="22" font-size="14">Time to buy a fleet: pulumi up vs the tutorial's sequential calls</text>
${ticksY}${ticksX}
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>
<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>
<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" font-size="12" text-anchor="middle">PBXs in the fleet</text>
${lines}
</svg>
`;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const runs: Array<{ latencyMs: number; size: number; phases: Phase[]; baselineMs: number }> = [];
  for (const latencyMs of LATENCIES) {
    for (const size of SIZES) {
      console.log(`\nfleet of ${size}, ${latencyMs} ms per API call`);
      const sandbox = await startSandbox({ latencyMs });
      const project = await PulumiProject.create({
        name: "bench",
        program: path.join(__dirname, "bench-program.js"),
        config: {
          "yeastar:clientId": "sandbox-client",
          "yeastar:baseUrl": sandbox.url,
          "bench:count": String(size),
          "bench:extensions": "20",
        },
        secrets: { "yeastar:clientSecret": "sandbox-secret" },
      });
      try {
        const phases: Phase[] = [];
        phases.push(await phase(sandbox, size, "preview (new)", () => project.preview()));
        phases.push(await phase(sandbox, size, "up", () => project.up()));
        phases.push(await phase(sandbox, size, "preview (no change)", () => project.preview()));
        await project.setConfig("bench:extensions", "30");
        phases.push(await phase(sandbox, size, "up (expand all)", () => project.up()));
        const baselineMs = await baseline(sandbox, size, `baseline-${latencyMs}`);
        console.log(
          `  ${"tutorial baseline".padEnd(18)} ${String(baselineMs).padStart(7)} ms (5 calls per PBX, in sequence)`,
        );
        runs.push({ latencyMs, size, phases, baselineMs });
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
