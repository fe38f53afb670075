/**
 * Never buy twice when the stack's state is behind the portal (docs/architecture.md, "Never buy twice"), through
 * the real CLI against the sandbox. Each follow-up kind is interrupted the worst way: the portal accepts the order,
 * its reply never arrives, and the CLI is killed with SIGKILL before it can write a checkpoint. The user then does
 * what the CLI suggests, `pulumi cancel` and `pulumi up`, without a refresh.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PLANS, SERVICES } from "../../provider/api/catalog";
import { startSandbox, type Sandbox, type StoredProduct } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT, type RunResult } from "../helpers/pulumi";

const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";
const RESULTS = path.join(REPO_ROOT, ".e2e-tmp", "never-buy-twice.json");

interface Row {
  scenario: string;
  followUpOrdersExpected: number;
  followUpOrdersPlaced: number;
  extensions: number;
  recordingMinutes: number;
  highAvailability: boolean;
  plan: string;
}

function facts(p: StoredProduct) {
  const service = (id: string) => p.services.find((s) => s.serviceId === id)?.quantity ?? 0;
  return {
    extensions: p.extensions,
    recordingMinutes: service(SERVICES.recordingMinutes),
    highAvailability: service(SERVICES.highAvailability) > 0,
    plan: p.planId === PLANS.ultimate ? "ultimate" : "enterprise",
  };
}

describe("never buy twice when the state is behind the portal", function () {
  let sandbox: Sandbox;
  let n = 0;
  const table: Row[] = [];
  const followUps = () => sandbox.admin.stats().orders.filter((o) => o.operationType !== "purchase_plan");

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
  });
  after(async function () {
    await sandbox?.close();
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(table, null, 2));
  });

  /** A fresh sandbox account and a stack holding one bought PBX with 50 extensions on Enterprise. */
  async function bought(): Promise<{ project: PulumiProject; args: Record<string, unknown> }> {
    sandbox.admin.reset();
    n += 1;
    const project = await pbxProject(sandbox, `nbt${n}`);
    const args = pbxArgs({ subdomain: `nbt-${n}`, extensions: 50 });
    await declare(project, [{ name: "pbx", args }]);
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.equal(sandbox.admin.stats().orders.length, 1);
    return { project, args };
  }

  /** Runs `up` and kills the CLI (its whole process group) with SIGKILL once the sandbox holds `orders` orders. */
  async function upKilledAfter(project: PulumiProject, orders: number): Promise<RunResult> {
    let pid = 0;
    return new Promise<RunResult>((resolve) => {
      const p = project.run(["up", "--yes", "--skip-preview"], { onSpawn: (child) => (pid = child) });
      const timer = setInterval(() => {
        if (sandbox.admin.stats().orders.length >= orders && pid) {
          clearInterval(timer);
          process.kill(-pid, "SIGKILL");
        }
      }, 50);
      void p.then((r) => {
        clearInterval(timer);
        // The killed CLI cannot stop its plugins (each runs in its own process group): stop them, as a reboot would.
        project.killLeftovers();
        resolve(r);
      });
    });
  }

  /** The user's recovery: cancel the killed run's lock, then `up` (with its preview), no refresh. */
  async function recover(project: PulumiProject): Promise<RunResult[]> {
    const cancel = await project.run(["cancel", "--yes"]);
    const up = await project.run(["up", "--yes"]);
    assert.equal(up.code, 0, up.output);
    return [cancel, up];
  }

  /** The PBX equals the program, the state equals the PBX, and no secret leaked. */
  async function settle(
    scenario: string,
    project: PulumiProject,
    args: Record<string, unknown>,
    expected: number,
    runs: RunResult[],
  ) {
    const [product] = sandbox.admin.products();
    const portal = facts(product);
    table.push({
      scenario,
      followUpOrdersExpected: expected,
      followUpOrdersPlaced: followUps().length,
      ...portal,
    });
    assert.equal(followUps().length, expected, `${scenario}: follow-up orders`);
    const want = {
      extensions: args.extensions,
      recordingMinutes: args.recordingMinutes ?? 0,
      highAvailability: args.highAvailability ?? false,
      plan: args.plan,
    };
    assert.deepEqual(portal, want, `${scenario}: the PBX equals the program`);
    const [res] = await project.resourcesOfType(TYPE);
    const outs = res.outputs as Record<string, unknown>;
    assert.deepEqual(
      {
        extensions: outs.extensions,
        recordingMinutes: outs.recordingMinutes,
        highAvailability: outs.highAvailability,
        plan: outs.plan,
      },
      want,
      `${scenario}: the state equals the PBX`,
    );
    assert.equal(outs.orderStatus, "succeed");
    const again = await project.preview(["--expect-no-changes"]);
    assert.equal(again.code, 0, `${scenario}: a no-change preview afterwards\n${again.output}`);
    const everything = (await project.everything()) + runs.map((r) => r.output).join("\n");
    assert.ok(!everything.includes(CANARY_SECRET), `${scenario}: the client secret leaked`);
    project.cleanup();
  }

  const kinds: Array<[string, Record<string, unknown>, RegExp]> = [
    ["Extension Expansion 50 -> 70", { extensions: 70 }, /already has 70 extensions/],
    ["Recording Minutes 0 -> 300", { recordingMinutes: 300 }, /already has 300 recording minutes/],
    ["High Availability on", { highAvailability: true }, /already has High Availability/],
    ["plan switch enterprise -> ultimate", { plan: "ultimate" }, /already on \(or switching to\) the ultimate plan/],
  ];
  for (const [kind, change, note] of kinds) {
    it(`${kind}: order accepted, reply lost, CLI killed; cancel + up orders nothing more`, async function () {
      const { project, args } = await bought();
      const wanted = { ...args, ...change };
      await declare(project, [{ name: "pbx", args: wanted }]);
      // The portal stores the order, then holds the reply back until the CLI is dead.
      sandbox.admin.addFault({ endpoint: "orderSave", afterCommit: true, latencyMs: 20000, times: 1 });
      const killed = await upKilledAfter(project, 2);
      assert.equal(killed.signal, "SIGKILL");
      assert.equal(followUps().length, 1, "the follow-up order was accepted before the kill");
      const runs = await recover(project);
      assert.match(runs[1].output, note, "the user is told what was recorded");
      await settle(`${kind}: killed after the portal accepted the order`, project, wanted, 1, [killed, ...runs]);
    });
  }

  it("the PBX raised in the portal above the state but not above the program: up orders only the rest", async function () {
    const { project, args } = await bought();
    const [product] = sandbox.admin.products();
    sandbox.admin.updateProduct(product.productNo, { extensions: 60 });
    const wanted = { ...args, extensions: 70 };
    await declare(project, [{ name: "pbx", args: wanted }]);
    const preview = await project.preview();
    assert.equal(preview.code, 0, preview.output);
    assert.match(preview.output, /already has 60 extensions .*ordering only the remaining 10/);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    const [order] = followUps();
    assert.equal(order.serviceList[0].quantity, 10);
    await settle("raised in the portal to 60, program 50 -> 70", project, wanted, 1, [preview, up]);
  });

  it("the portal has more than the program: the preview fails with the portal's figure, up buys nothing", async function () {
    const { project, args } = await bought();
    const [product] = sandbox.admin.products();
    sandbox.admin.updateProduct(product.productNo, { extensions: 90 });
    await declare(project, [{ name: "pbx", args: { ...args, extensions: 70 } }]);
    const preview = await project.preview();
    assert.notEqual(preview.code, 0);
    assert.match(preview.output, /Partner Portal shows 90 extensions .*program asks for 70.*Set extensions to 90/);
    const up = await project.run(["up", "--yes"]);
    assert.notEqual(up.code, 0);
    assert.equal(followUps().length, 0);
    const raised = { ...args, extensions: 90 };
    await declare(project, [{ name: "pbx", args: raised }]);
    const fixed = await project.up();
    assert.equal(fixed.code, 0, fixed.output);
    await settle("portal 90 above the program's 70, then program raised to 90", project, raised, 0, [
      preview,
      up,
      fixed,
    ]);
  });

  it("an order still pending at the kill: the next up waits for it and places nothing new", async function () {
    const { project, args } = await bought();
    // Long enough to still be pending when the recovering `up` gets to it on a busy machine; the order timeout
    // is longer still, so that `up` waits for it.
    sandbox.admin.setConfig({ orderPendingMs: 40000 });
    const wanted = { ...args, extensions: 80, orderTimeoutSeconds: 180 };
    await declare(project, [{ name: "pbx", args: wanted }]);
    const killed = await upKilledAfter(project, 2);
    assert.equal(killed.signal, "SIGKILL");
    assert.equal(followUps()[0]?.orderStatus, "pending", "killed while the order was pending");
    const runs = await recover(project);
    assert.match(runs[1].output, /placed earlier is pending; waiting for it/);
    sandbox.admin.setConfig({ orderPendingMs: 0 });
    await settle("order pending at the kill, then cancel + up", project, wanted, 1, [killed, ...runs]);
  });
});
