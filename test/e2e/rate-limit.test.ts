/**
 * A fleet under the portal's rate limit, through the real CLI (issue #16): the sandbox answers 429 with Retry-After
 * beyond LIMIT requests per second. With default settings the provider runs into it and still buys every PBX once
 * in one `up` (reads wait and retry; an order refused with 429 is sent again only after a lookup); with
 * `yeastar:requestsPerSecond` under the limit it stays below it.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EndpointName } from "../../provider/api/catalog";
import { startSandbox, type Sandbox, type SandboxStats } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { REPO_ROOT, type PulumiProject } from "../helpers/pulumi";

const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";
const RESULTS = path.join(REPO_ROOT, ".e2e-tmp", "rate-limit.json");
/** Requests per second the sandbox accepts: far below what an unpaced fleet of 100 sends. */
const LIMIT = 10;
const FLEET = 100;

function fleet(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix}-${i}`,
    args: pbxArgs({
      pbxName: `Fleet ${prefix} ${i}`,
      subdomain: `${prefix}-${String(i).padStart(3, "0")}`,
      extensions: 5 + (i % 20) * 5,
      plan: i % 2 === 0 ? "enterprise" : "ultimate",
      orderTimeoutSeconds: 60,
    }),
  }));
}

function total(counts: Record<EndpointName, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The request counters of one run, for the results table. */
function requestCounts(stats: SandboxStats) {
  return {
    requests: total(stats.requests),
    byEndpoint: Object.fromEntries(Object.entries(stats.requests).filter(([, n]) => n > 0)),
    rateLimited: total(stats.rateLimited),
    ordersRateLimited: stats.rateLimited.orderSave,
  };
}

describe("a fleet under the portal's rate limit", function () {
  let sandbox: Sandbox;
  const rows: Array<Record<string, unknown>> = [];

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET, rateLimitPerSecond: LIMIT });
  });
  after(async function () {
    await sandbox?.close();
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(rows, null, 2));
  });

  /** One `up` of a new fleet; checks every PBX was bought exactly once and the state holds it as declared. */
  async function buyFleet(project: PulumiProject, specs: ReturnType<typeof fleet>, scenario: string) {
    sandbox.admin.reset();
    await declare(project, specs);
    const up = await project.up();
    const stats = sandbox.admin.stats();
    const purchases = stats.orders.filter((o) => o.operationType === "purchase_plan");
    const urls = purchases.map((o) => o.orderPceSpecialRequest?.pbxUrl);
    // The CLI prints each message twice (as it happens and in the summary): count each PBX's send once.
    const resends = up.output.matchAll(/create PBX (\S+): the Partner Portal refused .*\(send (\d+) of/g);
    const resentAfter429 = new Set([...resends].map((m) => `${m[1]} ${m[2]}`)).size;
    const row = {
      scenario,
      pbxs: specs.length,
      exitCode: up.code,
      seconds: Math.round(up.ms / 100) / 10,
      ...requestCounts(stats),
      ordersSentAgainAfter429: resentAfter429,
      purchaseOrders: purchases.length,
      distinctUrls: new Set(urls).size,
    };
    rows.push(row);
    console.log(`      ${JSON.stringify(row)}`);
    assert.equal(up.code, 0, up.output.slice(-4000));
    assert.equal(purchases.length, specs.length, `${scenario}: exactly one purchase order per PBX`);
    assert.equal(new Set(urls).size, specs.length, `${scenario}: a URL was bought twice`);
    const products = sandbox.admin.products();
    assert.equal(products.length, specs.length);
    assert.ok(products.every((p) => p.status === "active"));
    const resources = await project.resourcesOfType(TYPE);
    assert.equal(resources.length, specs.length);
    const byUrl = new Map(products.map((p) => [p.pbxUrl, p]));
    for (const spec of specs) {
      const url = `${spec.args.subdomain}.eu.sandbox.yeastarcloud.com`;
      const res = resources.find((r) => (r.outputs as { pbxUrl?: string }).pbxUrl === url);
      assert.ok(res, `${url} is in the state`);
      const outs = res.outputs as Record<string, unknown>;
      assert.equal(outs.orderStatus, "succeed", url);
      assert.equal(outs.extensions, spec.args.extensions, url);
      assert.equal(outs.plan, spec.args.plan, url);
      assert.equal(outs.productNo, byUrl.get(url)?.productNo, url);
      assert.equal(byUrl.get(url)?.extensions, spec.args.extensions, url);
    }
    const everything = (await project.everything()) + up.output;
    assert.ok(!everything.includes(CANARY_SECRET), `${scenario}: the client secret leaked`);
    return { up, stats, row };
  }

  it(`${FLEET} PBXs, default settings: the portal answers 429, one up still buys each PBX exactly once, one more expands each once`, async function () {
    const project = await pbxProject(sandbox, "ratelimit");
    try {
      const { stats, up } = await buyFleet(project, fleet(FLEET, "rl"), `fleet of ${FLEET}, no client rate`);
      assert.ok(total(stats.rateLimited) > 0, "the sandbox refused requests with 429");
      assert.match(up.output, /HTTP 429/);

      // Every PBX grows by 5 extensions: 100 follow-up orders under the same limit, each placed once.
      sandbox.admin.resetCounters();
      const grown = fleet(FLEET, "rl").map((s) => ({ ...s, args: { ...s.args, extensions: s.args.extensions + 5 } }));
      await declare(project, grown);
      const expand = await project.up();
      const after = sandbox.admin.stats();
      const expansions = after.orders.filter((o) => o.operationType === "purchase_service");
      rows.push({
        scenario: `expand each of ${FLEET} by 5, no client rate`,
        exitCode: expand.code,
        seconds: Math.round(expand.ms / 100) / 10,
        ...requestCounts(after),
        followUpOrders: expansions.length,
      });
      console.log(`      ${JSON.stringify(rows.at(-1))}`);
      assert.equal(expand.code, 0, expand.output.slice(-4000));
      assert.equal(expansions.length, FLEET, "exactly one expansion order per PBX");
      assert.ok(expansions.every((o) => o.serviceList[0].quantity === 5));
      const byUrl = new Map(sandbox.admin.products().map((p) => [p.pbxUrl, p]));
      for (const spec of grown) {
        const url = `${spec.args.subdomain}.eu.sandbox.yeastarcloud.com`;
        assert.equal(byUrl.get(url)?.extensions, spec.args.extensions, url);
      }
      // A no-change preview afterwards: nothing to buy, no call.
      sandbox.admin.resetCounters();
      const again = await project.preview(["--expect-no-changes"]);
      assert.equal(again.code, 0, again.output.slice(-2000));
    } finally {
      project.cleanup();
    }
  });

  it("with yeastar:requestsPerSecond under the limit, the fleet stays below it: no 429", async function () {
    const project = await pbxProject(sandbox, "ratelimit-paced");
    try {
      await project.setConfig("yeastar:requestsPerSecond", String(LIMIT * 0.8));
      const { stats } = await buyFleet(project, fleet(40, "paced"), `fleet of 40, client rate ${LIMIT * 0.8}/s`);
      assert.equal(total(stats.rateLimited), 0, JSON.stringify(stats.rateLimited));
    } finally {
      project.cleanup();
    }
  });
});
