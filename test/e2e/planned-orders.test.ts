/**
 * The preview lists every order `up` will place, with its price, and `up` places exactly those (docs/architecture.md,
 * "Preview: planned orders"). Each case takes the list from `pulumi preview --json` and compares it with the
 * sandbox's order log after `up`.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PLANS, SERVICES } from "../../provider/api/catalog";
import { startSandbox, type Sandbox, type StoredOrder } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { previewSteps, REPO_ROOT, type PulumiProject } from "../helpers/pulumi";

const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";

/** The purchase summary command, as a user runs it on the preview's output. */
function runPlan(previewJson: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "dist", "provider", "cli", "plan-main.js")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(previewJson);
  });
}

interface View {
  operation: string;
  item: string;
  quantity: number;
  price: string;
  amount?: string;
}

const ITEM_OF: Record<string, string> = {
  [SERVICES.extensionExpansion]: "Extension Expansion",
  [SERVICES.highAvailability]: "High Availability",
  [SERVICES.recordingMinutes]: "Recording Minutes",
  [PLANS.enterprise]: "plan switch",
  [PLANS.ultimate]: "plan switch",
};

/** The planned orders of each PBX in `pulumi preview --json`, by resource name. */
function plannedOrders(json: unknown): Record<string, View[]> {
  const steps = (
    json as { steps?: Array<{ urn: string; newState?: { type?: string; inputs?: Record<string, unknown> } }> }
  ).steps;
  const out: Record<string, View[]> = {};
  for (const s of steps ?? []) {
    if (s.newState?.type !== TYPE) continue;
    const planned = s.newState.inputs?.plannedOrders;
    if (planned) out[s.urn.split("::").at(-1) as string] = planned as View[];
  }
  return out;
}

function asView(o: StoredOrder): Pick<View, "operation" | "item" | "quantity" | "amount"> {
  const first = o.serviceList[0];
  return {
    operation: o.operationType,
    item: o.operationType === "purchase_plan" ? "new PBX" : ITEM_OF[String(first.serviceId)],
    quantity: first.quantity,
    amount: o.totalAmount,
  };
}

/** The one PBX step of a preview is `op`: an in-place change is an update, never a replacement (a purchase). */
function assertStep(json: unknown, op: "create" | "update") {
  const steps = previewSteps(json);
  assert.equal(steps[op], 1, JSON.stringify(steps));
  for (const other of ["create", "update", "replace", "create-replacement", "delete-replaced", "delete"]) {
    if (other !== op) assert.equal(steps[other] ?? 0, 0, `${other}: ${JSON.stringify(steps)}`);
  }
}

describe("preview lists the orders up will place, with prices", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "planned");
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  /** Previews, then ups, and checks that the new orders are exactly the listed ones, in order. */
  async function previewThenUp(args: object, expected: Array<[string, string, number]>) {
    await declare(project, [{ name: "pbx", args }]);
    const before = orders().length;
    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    assert.equal(orders().length, before, "the preview bought nothing");
    const listed = plannedOrders(preview.json).pbx;
    assert.ok(listed, `the preview lists planned orders:\n${preview.stdout.slice(0, 3000)}`);
    assert.deepEqual(
      listed.map((v) => [v.operation, v.item, v.quantity]),
      expected,
    );
    for (const v of listed) assert.match(v.price, /^USD \d+\.\d\d per (year|month)$/);
    assertStep(preview.json, expected[0]?.[0] === "purchase_plan" ? "create" : "update");
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    const placed = orders().slice(before).map(asView);
    assert.deepEqual(
      placed.map((p) => [p.operation, p.item, p.quantity]),
      listed.map((v) => [v.operation, v.item, v.quantity]),
      "up placed exactly the orders the preview listed",
    );
    assert.deepEqual(
      placed.map((p) => p.amount),
      listed.map((v) => v.amount),
      "each order cost what the preview quoted",
    );
  }

  it("a new PBX: one purchase, priced", async function () {
    await previewThenUp(pbxArgs({ subdomain: "planned", extensions: 50 }), [["purchase_plan", "new PBX", 50]]);
  });

  it("plain `pulumi preview` (no --diff) names what will be bought and its price", async function () {
    await declare(project, [{ name: "pbx", args: pbxArgs({ subdomain: "planned", extensions: 55 }) }]);
    const r = await project.run(["preview"]);
    assert.equal(r.code, 0, r.output);
    assert.match(
      r.output,
      /PBX planned\.eu\.sandbox\.yeastarcloud\.com: `pulumi up` will place 1 order: Extension Expansion: \+5 \(50 -> 55\) \[USD \d+\.\d\d per year\]/,
    );
  });

  it("an expansion and High Availability: two orders, HA for the new total", async function () {
    await previewThenUp(pbxArgs({ subdomain: "planned", extensions: 60, highAvailability: true }), [
      ["purchase_service", "Extension Expansion", 10],
      ["purchase_service", "High Availability", 60],
    ]);
  });

  it("a recording-minutes raise: one order for the difference", async function () {
    await previewThenUp(
      pbxArgs({ subdomain: "planned", extensions: 60, highAvailability: true, recordingMinutes: 200 }),
      [["purchase_service", "Recording Minutes", 200]],
    );
  });

  it("a plan switch: one switch order", async function () {
    await previewThenUp(
      pbxArgs({
        subdomain: "planned",
        extensions: 60,
        highAvailability: true,
        recordingMinutes: 200,
        plan: "ultimate",
      }),
      [["switch_plan", "plan switch", 60]],
    );
  });

  it("a change that needs no order (poNumber, billing contact) previews as an update with no planned order", async function () {
    const args = pbxArgs({
      subdomain: "planned",
      extensions: 60,
      highAvailability: true,
      recordingMinutes: 200,
      plan: "ultimate",
      poNumber: "PO-42",
      billingContact: "billing@globex.example",
    });
    await declare(project, [{ name: "pbx", args }]);
    const before = orders().length;
    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    assertStep(preview.json, "update");
    assert.deepEqual(plannedOrders(preview.json), {});
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, before);
  });

  it("no change: no planned orders, no diff, no API call but the token", async function () {
    sandbox.admin.resetCounters();
    const r = await project.preview(["--json"]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(plannedOrders(r.json), {});
    const calls = Object.entries(sandbox.admin.stats().requests).filter(([k, n]) => k !== "token" && n > 0);
    assert.deepEqual(calls, []);
  });

  it("a PBX of the account found by URL shows as an adoption with no order, and up orders nothing", async function () {
    const other = await pbxProject(sandbox, "planned-adopt");
    try {
      await declare(other, [
        {
          name: "pbx",
          args: pbxArgs({
            subdomain: "planned",
            extensions: 60,
            highAvailability: true,
            recordingMinutes: 200,
            plan: "ultimate",
          }),
        },
      ]);
      const before = orders().length;
      const preview = await other.preview(["--json"]);
      assert.equal(preview.code, 0, preview.output);
      const [adopt] = plannedOrders(preview.json).pbx;
      assert.equal(adopt.operation, "adopt");
      assert.equal(adopt.price, "no charge");
      const up = await other.up();
      assert.equal(up.code, 0, up.output);
      assert.equal(orders().length, before);
    } finally {
      other.cleanup();
    }
  });

  it("a plan downgrade: its price reads as the new plan's from the end of the term, in the preview and the summary", async function () {
    const args = pbxArgs({
      subdomain: "planned",
      extensions: 60,
      highAvailability: true,
      recordingMinutes: 200,
      plan: "enterprise",
    });
    await declare(project, [{ name: "pbx", args }]);
    const termEnd = sandbox.admin.products().find((p) => p.pbxUrl.startsWith("planned."))?.expireDate;
    assert.match(String(termEnd), /^\d{4}-\d\d-\d\d/);
    const before = orders().length;
    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    const [order, ...more] = plannedOrders(preview.json).pbx as Array<View & { startsAt?: string; termEnd?: string }>;
    assert.deepEqual(more, []);
    assert.deepEqual([order.operation, order.startsAt, order.termEnd], ["switch_plan", "term-end", termEnd]);
    assert.equal(
      order.price,
      `the enterprise plan's price from the end of the current term (${termEnd}): USD ${order.amount} per year, in place of the current plan's`,
    );
    const plain = await project.run(["preview"]);
    assert.match(
      plain.output,
      /plan switch \(downgrade\): ultimate -> enterprise, billed annually \(takes effect when the current term ends\) \[the enterprise plan's price from the end of the current term \(/,
    );
    // The purchase summary of that preview says the same, and keeps it out of what is charged now.
    const md = await runPlan(preview.stdout);
    assert.equal(md.code, 0, md.stderr);
    assert.match(
      md.stdout,
      /new plan's price from the end of the current term \([^)]+\): USD [\d,.]+ per year, in place of the current plan's/,
    );
    assert.match(
      md.stdout,
      /\| per year from the end of the current term \(new plan price, in place of the current plan's\) \| 1 \|/,
    );
    assert.equal(orders().length, before, "the preview bought nothing");
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    const placed = orders().slice(before).map(asView);
    assert.deepEqual(placed, [{ operation: "switch_plan", item: "plan switch", quantity: 60, amount: order.amount }]);
  });
});
