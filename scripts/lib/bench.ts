/**
 * What both benchmarks (scripts/bench.ts and scripts/bench-fleet.ts) measure a phase with: wall time, API calls by
 * endpoint (sandbox counters), orders, token requests, the provider process's peak memory; the vendor tutorial's
 * sequential flow as a baseline; and a bench project that uses this package as a user installs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PCE_PRODUCT_ID, PATHS, PLANS } from "../../provider/api/catalog";
import { isPbxType } from "../../provider/api/contract";
import type { Sandbox } from "../../sandbox";
import { PulumiProject, REPO_ROOT } from "./pulumi-cli";

export interface Phase {
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
export function watchProviderMemory() {
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

/** Runs one CLI phase against a sandbox and measures it; a failed phase throws with the CLI's output. */
export async function phase(
  sandbox: Sandbox,
  size: number,
  name: string,
  run: () => Promise<{ code: number | null; output: string }>,
): Promise<Phase> {
  sandbox.admin.resetCounters();
  const ordersBefore = sandbox.admin.stats().orders.length;
  const stop = watchProviderMemory();
  const started = Date.now();
  const r = await run();
  const ms = Date.now() - started;
  const providerPeakRssMb = stop();
  if (r.code !== 0) throw new Error(`${name} failed:\n${r.output.slice(-4000)}`);
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
    `  ${name.padEnd(22)} ${String(ms).padStart(7)} ms  calls ${String(apiCallsExceptToken).padStart(5)} (+${p.tokenRequests} token)  per PBX ${p.callsPerPbx}  orders ${String(p.orders).padStart(4)}  provider peak ${providerPeakRssMb} MB`,
  );
  return p;
}

/** The vendor tutorial, per PBX and in sequence: token, region list, URL check, billing contacts, order. */
export async function baseline(sandbox: Sandbox, size: number, prefix: string): Promise<number> {
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

/**
 * A bench project running scripts/bench-program.ts with this package installed in its node_modules, as `npm
 * install` puts it for a user (a copy, not a link): what a user's state holds is what is measured.
 */
export async function benchProject(
  sandbox: Sandbox,
  size: number,
  extra: {
    name?: string;
    env?: Record<string, string>;
    config?: Record<string, string>;
    /** More secret config, beside the Partner API's client secret. */
    secrets?: Record<string, string>;
    /** Another compiled program to run (default scripts/bench-program.ts). */
    program?: string;
    nodeargs?: string;
  } = {},
): Promise<PulumiProject> {
  const project = await PulumiProject.create({
    name: extra.name ?? "bench",
    program: extra.program ?? path.join(REPO_ROOT, "dist", "scripts", "bench-program.js"),
    nodeargs: extra.nodeargs,
    config: {
      "yeastar:clientId": "sandbox-client",
      "yeastar:baseUrl": sandbox.url,
      "bench:count": String(size),
      "bench:extensions": "20",
      ...extra.config,
    },
    secrets: { "yeastar:clientSecret": "sandbox-secret", ...extra.secrets },
    env: extra.env,
  });
  const pkg = path.join(project.dir, "node_modules", "pulumi-yeastar-pseries");
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(pkg, "package.json"));
  // What package.json's "files" publishes: no source maps (a stack trace the SDK records maps only what is there).
  fs.cpSync(path.join(REPO_ROOT, "dist", "provider"), path.join(pkg, "dist", "provider"), {
    recursive: true,
    filter: (src) => !src.endsWith(".map"),
  });
  return project;
}

/** Bytes each PBX adds to the stack's checkpoint: its resource entry in the exported state. */
export async function stateBytesPerPbx(project: PulumiProject): Promise<{ total: number; perPbx: number }> {
  const { text, resources } = await project.exportState();
  const pbxs = resources.filter((r) => isPbxType(String(r.type)));
  const bytes = pbxs.reduce((a, r) => a + JSON.stringify(r).length, 0);
  return { total: text.length, perPbx: pbxs.length ? Math.round(bytes / pbxs.length) : 0 };
}

export interface ChartSeries {
  label: string;
  color: string;
  dash: boolean;
  /** [x, y in ms] points. */
  pts: Array<[number, number]>;
}

/** A line chart of times (ms) against fleet size, as SVG text, with a legend on the right. */
export function lineChart(title: string, xLabel: string, series: ChartSeries[], legendWidth = 180): string {
  const W = 720;
  const H = 420;
  const m = { l: 70, r: legendWidth, t: 40, b: 50 };
  const xs = [...new Set(series.flatMap((s) => s.pts.map((p) => p[0])))].sort((a, b) => a - b);
  const maxX = Math.max(...xs);
  const maxY = Math.max(...series.flatMap((s) => s.pts.map((p) => p[1]))) * 1.05;
  const x = (v: number) => m.l + (v / maxX) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - (v / maxY) * (H - m.t - m.b);
  const lines = series
    .map((s, i) => {
      const pts = s.pts.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(" ");
      const ly = m.t + 20 * i;
      const dash = s.dash ? 'stroke-dasharray="6 4"' : "";
      return (
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${dash} points="${pts}"/>` +
        s.pts
          .map(([a, b]) => `<circle cx="${x(a).toFixed(1)}" cy="${y(b).toFixed(1)}" r="3" fill="${s.color}"/>`)
          .join("") +
        `<line x1="${W - m.r + 10}" y1="${ly}" x2="${W - m.r + 30}" y2="${ly}" stroke="${s.color}" stroke-width="2" ${dash}/>` +
        `<text x="${W - m.r + 35}" y="${ly + 4}" font-size="11">${s.label}</text>`
      );
    })
    .join("\n");
  const ticksX = xs
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
<text x="${m.l}" y="22" font-size="14">${title}</text>
${ticksY}${ticksX}
<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>
<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>
<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" font-size="12" text-anchor="middle">${xLabel}</text>
${lines}
</svg>
`;
}

/**
 * The phases both benchmarks run on a bench project: a preview of the new fleet, `up`, the state's size, a
 * no-change preview, an expansion of every PBX (20 -> 30 extensions) and, when asked, `refresh`.
 */
export async function fleetPhases(
  sandbox: Sandbox,
  project: PulumiProject,
  size: number,
  /** sameRepeat: run the no-change preview this many times and keep the median one (one sample is noisy). */
  opts: { refresh?: boolean; sameRepeat?: number } = {},
): Promise<{ phases: Phase[]; state: { total: number; perPbx: number } }> {
  const phases: Phase[] = [];
  phases.push(await phase(sandbox, size, "preview (new)", () => project.preview()));
  phases.push(await phase(sandbox, size, "up", () => project.up()));
  const state = await stateBytesPerPbx(project);
  console.log(`  state: ${state.perPbx} bytes per PBX, ${state.total} bytes in all`);
  const same: Phase[] = [];
  for (let i = 0; i < (opts.sameRepeat ?? 1); i++) {
    same.push(await phase(sandbox, size, "preview (no change)", () => project.preview()));
  }
  phases.push([...same].sort((a, b) => a.ms - b.ms)[Math.floor(same.length / 2)]);
  await project.setConfig("bench:extensions", "30");
  phases.push(await phase(sandbox, size, "up (expand all)", () => project.up()));
  if (opts.refresh) phases.push(await phase(sandbox, size, "refresh", () => project.refresh()));
  return { phases, state };
}
