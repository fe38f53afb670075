/**
 * `npm run bench:book`: the fleet report (`yeastar-pseries fleet`, docs/cli.md, "The fleet report") over 1,000 PBXs in
 * 10 stacks, against the sandbox at 50 ms per API call. The PBXs are bought through the API (no latency while
 * setting up); each stack's state is a file in the format `pulumi stack export` writes (the e2e test reads real
 * exports), with a Customer resource for each of its owners. The report runs as the built bin, as a user runs it.
 * Targets: at most (pages of the product list) + (distinct price shapes) + (1 auto-renewal read per PBX) + (1 per
 * stack) calls, plus the one token request; within 2x of that many calls x latency; peak memory under 250 MB.
 * Writes bench-results/book.json.
 *
 * Options (environment): BOOK_PBXS (default 1000), BOOK_STACKS (default 10), BOOK_LATENCY (default 50).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PCE_PRODUCT_ID, PLANS, SERVICES } from "../provider/api/catalog";
import { CUSTOMER_TOKENS, PBX_TOKENS } from "../provider/api/contract";
import type { OrderRequest } from "../provider/api/schemas";
import { PartnerClient } from "../provider/client/client";
import { startSandbox } from "../sandbox";
import { REPO_ROOT } from "./lib/pulumi-cli";

const PBXS = Number(process.env.BOOK_PBXS ?? 1000);
const STACKS = Number(process.env.BOOK_STACKS ?? 10);
const LATENCY = Number(process.env.BOOK_LATENCY ?? 50);
const PAGE_SIZE = 100;
const CONTACT = "3197218168379846218";
const OWNERS = ["3076913644915998721", "3076913644915998723", "3076913644915998725"];
const OWNER_EMAILS = ["it@customer-one.example", "it@customer-two.example", "it@customer-three.example"];

/** 24 shapes: 2 plans x 2 cycles x 3 sizes x HA or not. */
function orderOf(i: number): OrderRequest {
  const plan = i % 2 === 0 ? PLANS.enterprise : PLANS.ultimate;
  const cycle = i % 4 < 2 ? "annually" : "monthly";
  const extensions = [10, 50, 100][Math.floor(i / 4) % 3];
  const ha = Math.floor(i / 12) % 2 === 1;
  const item = (serviceType: "plan" | "service", serviceId: string, quantity: number) => ({
    serviceType,
    serviceId,
    ...(serviceType === "service" ? { connectionPlanId: plan } : {}),
    quantity,
    purchaseType: "purchase" as const,
    billingModel: "recurring" as const,
    billingCycle: cycle as "annually" | "monthly",
    multiCycle: 0,
  });
  return {
    operationType: "purchase_plan",
    productId: PCE_PRODUCT_ID,
    billingId: CONTACT,
    assignId: OWNERS[i % 3],
    serviceList: [
      item("plan", plan, extensions),
      ...(ha ? [item("service", SERVICES.highAvailability, extensions)] : []),
    ],
    orderPceSpecialRequest: {
      pbxName: `Book ${i}`,
      regionId: "41",
      pbxSubDomainId: "20",
      pbxUrl: `book-${String(i).padStart(4, "0")}.eu.sandbox.yeastarcloud.com`,
    },
  };
}

/** Peak resident memory of a child process, read from /proc while it runs (VmHWM). */
function runBin(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number; peakMb: number }>((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "provider", "cli", "main.js"), ...args], {
      env,
    });
    let stdout = "";
    let stderr = "";
    let peakKb = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // gone
      }
    };
    const timer = setInterval(sample, 5);
    child.stdout.on("data", (d) => {
      stdout += d;
      sample();
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, peakMb: peakKb / 1024 });
    });
  });
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ clientSecret: "bench-secret" });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-book-"));
  try {
    const client = new PartnerClient({
      baseUrl: sandbox.url,
      clientId: "sandbox-client",
      clientSecret: "bench-secret",
    });
    console.log(`buying ${PBXS} PBXs in the sandbox (no latency while setting up)`);
    const bought: Array<{ productNo: string; url: string; order: OrderRequest }> = [];
    for (let i = 0; i < PBXS; i++) {
      const order = orderOf(i);
      const r = await client.createOrder(order);
      bought.push({ productNo: r.productNo, url: order.orderPceSpecialRequest!.pbxUrl, order });
    }
    // Each stack holds an equal share; the last PBX of each share is in the next stack too, and the fleet's last
    // 5 PBXs in none, so every flag has work to do.
    const files: string[] = [];
    const share = Math.ceil((PBXS - 5) / STACKS);
    for (let s = 0; s < STACKS; s++) {
      const mine = bought.slice(s * share, Math.min((s + 1) * share + 1, PBXS - 5));
      const stack = `urn:pulumi:prod::customers-${s}`;
      const resources = [
        { urn: `${stack}::pulumi:pulumi:Stack::customers-${s}-prod`, type: "pulumi:pulumi:Stack", custom: false },
        ...OWNERS.map((partnerId, k) => ({
          urn: `${stack}::${CUSTOMER_TOKENS.dynamic}::customer-${k}`,
          type: CUSTOMER_TOKENS.dynamic,
          custom: true,
          id: partnerId,
          outputs: {
            partnerId,
            email: OWNER_EMAILS[k],
            company: `Customer ${k + 1}`,
            userType: "Enduser",
            adopted: true,
          },
        })),
        ...mine.map((b, k) => ({
          urn: `${stack}::${PBX_TOKENS.dynamic}::pbx-${k}`,
          type: PBX_TOKENS.dynamic,
          custom: true,
          id: b.productNo,
          outputs: {
            productNo: b.productNo,
            pbxUrl: b.url,
            extensions: b.order.serviceList[0].quantity,
            plan: b.order.serviceList[0].serviceId === PLANS.enterprise ? "enterprise" : "ultimate",
            highAvailability: b.order.serviceList.length > 1,
            recordingMinutes: 0,
            assignId: b.order.assignId,
          },
        })),
      ];
      const file = path.join(tmp, `stack-${s}.json`);
      fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }, null, 4));
      files.push(file);
    }
    sandbox.admin.setConfig({ latencyMs: LATENCY });
    sandbox.admin.resetCounters();
    const ordersBefore = sandbox.admin.stats().orders.length;
    const run = await runBin(["fleet", "--json", ...files.flatMap((f) => ["--state", f])], {
      ...process.env,
      YEASTAR_BASE_URL: sandbox.url,
      YEASTAR_CLIENT_ID: "sandbox-client",
      YEASTAR_CLIENT_SECRET: "bench-secret",
    });
    if (run.code !== 0) throw new Error(`fleet exited ${run.code}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as { rows: unknown[]; counts: Record<string, number> };
    const { requests, orders } = sandbox.admin.stats();
    const apiCalls = Object.values(requests).reduce((a, b) => a + b, 0);
    const pages = Math.ceil(PBXS / PAGE_SIZE);
    const shapes = requests.priceCalculate;
    const budget = pages + shapes + PBXS + STACKS;
    const calls = apiCalls - requests.token + STACKS;
    const timeBudgetMs = 2 * budget * LATENCY;
    const result = {
      pbxs: PBXS,
      stacks: STACKS,
      latencyMs: LATENCY,
      rows: report.rows.length,
      counts: report.counts,
      requests,
      apiCalls,
      stateReads: STACKS,
      calls,
      callBudget: budget,
      ms: run.ms,
      timeBudgetMs,
      peakMb: Math.round(run.peakMb * 10) / 10,
      ordersPlaced: orders.length - ordersBefore,
    };
    fs.mkdirSync(path.join(REPO_ROOT, "bench-results"), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, "bench-results", "book.json"), `${JSON.stringify(result, null, 2)}\n`);
    const ok = {
      calls: calls <= budget,
      time: run.ms <= timeBudgetMs,
      memory: run.peakMb < 250,
      rows: report.rows.length === PBXS,
      noOrders: result.ordersPlaced === 0 && requests.orderSave === 0,
    };
    console.log(
      `bench:book: fleet report of ${PBXS} PBXs across ${STACKS} stacks at ${LATENCY} ms per call: ` +
        `${calls} calls (${requests.productList} product-list pages + ${shapes} price quotes + ${requests.autoRenewStatus} auto-renewal reads + ${requests.subordinateUserList} user lists + ${STACKS} state reads; ` +
        `plus ${requests.token} token request) <= budget ${budget} (${ok.calls ? "met" : "NOT met"}); ` +
        `${run.ms} ms <= ${timeBudgetMs} ms (${ok.time ? "met" : "NOT met"}); peak memory ${result.peakMb} MB < 250 MB ` +
        `(${ok.memory ? "met" : "NOT met"}); ${result.ordersPlaced} orders placed`,
    );
    console.log(`flags: ${JSON.stringify(report.counts)}`);
    if (!Object.values(ok).every(Boolean)) process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    await sandbox.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
