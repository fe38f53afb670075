/**
 * The large-fleet mode (docs/performance.md, "Large fleets"; docs/architecture.md, "Large fleets"): the CLI writes the stack's
 * state once at the end of a run instead of after every step (PULUMI_SKIP_CHECKPOINTS=true). A run killed in the
 * middle then leaves the state as it was before the run, behind the portal by every order the run placed. This
 * proves, through the real CLI, that the next `up` still places 0 extra orders: SIGKILL in the middle of a fleet
 * purchase and in the middle of a fleet expansion, then `pulumi cancel` and `pulumi up` in the same mode.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PulumiProject, REPO_ROOT, type RunResult } from "../helpers/pulumi";

const FLEET = 40;
const LARGE_FLEET_MODE = { PULUMI_SKIP_CHECKPOINTS: "true" };
const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";
const RESULTS = path.join(REPO_ROOT, ".e2e-tmp", "large-fleet.json");

describe(`large-fleet mode: a fleet of ${FLEET} PBXs, killed mid-run, never buys twice`, function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const table: Array<Record<string, unknown>> = [];
  const purchases = () => sandbox.admin.stats().orders.filter((o) => o.operationType === "purchase_plan");
  const followUps = () => sandbox.admin.stats().orders.filter((o) => o.operationType !== "purchase_plan");

  before(async function () {
    // Latency spreads the orders over time, so the kill lands in the middle of the fleet.
    sandbox = await startSandbox({ latencyMs: 40 });
    project = await PulumiProject.create({
      name: "large-fleet",
      program: path.join(REPO_ROOT, "dist", "scripts", "bench-program.js"),
      config: {
        "yeastar:clientId": "sandbox-client",
        "yeastar:baseUrl": sandbox.url,
        "bench:count": String(FLEET),
        "bench:extensions": "20",
      },
      secrets: { "yeastar:clientSecret": "sandbox-secret" },
      env: LARGE_FLEET_MODE,
    });
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(table, null, 2));
  });

  /** `up` (a few PBXs at a time), killed with SIGKILL once `count()` reaches `at`. */
  function upKilledAt(count: () => number, at: number): Promise<RunResult> {
    let pid = 0;
    return new Promise<RunResult>((resolve) => {
      const p = project.run(["up", "--yes", "--skip-preview", "--parallel", "4"], {
        onSpawn: (child) => (pid = child),
      });
      const timer = setInterval(() => {
        if (count() >= at && pid) {
          clearInterval(timer);
          process.kill(-pid, "SIGKILL");
        }
      }, 20);
      void p.then((r) => {
        clearInterval(timer);
        // The killed CLI cannot stop its plugins: stop them, as a reboot would.
        project.killLeftovers();
        resolve(r);
      });
    });
  }

  async function recover(): Promise<RunResult> {
    await project.run(["cancel", "--yes"]);
    const up = await project.run(["up", "--yes"]);
    assert.equal(up.code, 0, up.output);
    return up;
  }

  async function pbxStates() {
    const resources = await project.resourcesOfType(TYPE);
    return resources.map((r) => r.outputs as Record<string, unknown>);
  }

  it("killed in the middle of the fleet purchase: the next up adopts what was bought and buys the rest", async function () {
    const killed = await upKilledAt(() => purchases().length, FLEET / 4);
    assert.equal(killed.signal, "SIGKILL");
    const atKill = purchases().length;
    assert.ok(atKill < FLEET, `the kill came after all ${FLEET} purchases; it must land mid-fleet`);
    // The mode wrote no checkpoint during the killed run: the state holds none of what it bought.
    assert.equal((await pbxStates()).length, 0, "no intermediate checkpoint was written");

    const up = await recover();
    const products = sandbox.admin.products();
    table.push({ scenario: "purchase killed mid-fleet", purchasesAtKill: atKill, purchases: purchases().length });
    assert.equal(purchases().length, FLEET, "exactly one purchase per PBX");
    assert.equal(products.length, FLEET);
    assert.ok(
      products.every((p) => p.extensions === 20),
      "every PBX as declared",
    );
    assert.match(up.output, /adopting it instead of buying a second one/);
    const states = await pbxStates();
    assert.equal(states.length, FLEET);
    assert.ok(states.every((s) => s.extensions === 20 && s.orderStatus === "succeed"));
    const again = await project.preview(["--expect-no-changes"], LARGE_FLEET_MODE);
    assert.equal(again.code, 0, again.output);
  });

  it("killed in the middle of the fleet expansion: the next up orders only what is missing", async function () {
    await project.setConfig("bench:extensions", "30");
    const killed = await upKilledAt(() => followUps().length, FLEET / 4);
    assert.equal(killed.signal, "SIGKILL");
    const atKill = followUps().length;
    assert.ok(atKill < FLEET, `the kill came after all ${FLEET} expansions; it must land mid-fleet`);
    // The state is behind the portal for every PBX the killed run expanded.
    assert.ok((await pbxStates()).every((s) => s.extensions === 20));

    await recover();
    table.push({ scenario: "expansion killed mid-fleet", expansionsAtKill: atKill, expansions: followUps().length });
    assert.equal(followUps().length, FLEET, "exactly one expansion per PBX");
    assert.equal(purchases().length, FLEET, "no purchase");
    assert.ok(sandbox.admin.products().every((p) => p.extensions === 30));
    assert.ok((await pbxStates()).every((s) => s.extensions === 30));
    const again = await project.preview(["--expect-no-changes"], LARGE_FLEET_MODE);
    assert.equal(again.code, 0, again.output);
  });
});
