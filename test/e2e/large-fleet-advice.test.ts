/**
 * A stack with more PBXs than the large-fleet threshold, run without the CLI's large-fleet mode, gets one message
 * per run saying what that costs and what to set (provider/runtime/large-fleet.ts; docs/performance.md, "Large
 * fleets"). Through the real CLI and the sandbox, with the threshold lowered (YEASTAR_LARGE_FLEET_THRESHOLD) so a small fleet
 * passes it: TypeScript programs here; the native plugin's copy of the advice in test/e2e/yaml-native.test.ts.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const FLEET = 4;
/**
 * A phrase of the advice. Every run here uses --diff, whose display prints each message once (the default display
 * prints a message in its progress lines and again under Diagnostics).
 */
const ADVICE = /runs without the CLI's large-fleet mode/g;
const count = (output: string) => (output.match(ADVICE) ?? []).length;

describe(`large-fleet advice: a fleet of ${FLEET} PBXs with the threshold lowered`, function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({});
    project = await PulumiProject.create({
      name: "fleet-advice",
      program: path.join(REPO_ROOT, "dist", "scripts", "bench-program.js"),
      config: {
        "yeastar:clientId": "sandbox-client",
        "yeastar:baseUrl": sandbox.url,
        "bench:count": String(FLEET),
        "bench:extensions": "10",
      },
      secrets: { "yeastar:clientSecret": "sandbox-secret" },
      // The default mode, whatever the environment running the tests says.
      env: { PULUMI_SKIP_CHECKPOINTS: undefined },
    });
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it(`preview with the threshold at ${FLEET - 1}: the advice exactly once, with what to set`, async function () {
    const r = await project.preview([], { YEASTAR_LARGE_FLEET_THRESHOLD: String(FLEET - 1) });
    assert.equal(r.code, 0, r.output);
    assert.equal(count(r.output), 1, r.output);
    assert.match(r.output, /more than 3 PBXs.*Set PULUMI_SKIP_CHECKPOINTS=true/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it(`preview with the threshold at ${FLEET} (not passed): no advice`, async function () {
    const r = await project.preview([], { YEASTAR_LARGE_FLEET_THRESHOLD: String(FLEET) });
    assert.equal(r.code, 0, r.output);
    assert.equal(count(r.output), 0, r.output);
  });

  it("preview in the large-fleet mode: no advice", async function () {
    const r = await project.preview([], { YEASTAR_LARGE_FLEET_THRESHOLD: "1", PULUMI_SKIP_CHECKPOINTS: "true" });
    assert.equal(r.code, 0, r.output);
    assert.equal(count(r.output), 0, r.output);
  });

  it("up past the threshold: the advice exactly once, and every PBX bought once", async function () {
    const r = await project.up(["--diff"], { YEASTAR_LARGE_FLEET_THRESHOLD: "1" });
    assert.equal(r.code, 0, r.output);
    assert.equal(count(r.output), 1, r.output);
    assert.equal(sandbox.admin.stats().orders.filter((o) => o.operationType === "purchase_plan").length, FLEET);
  });

  it("a threshold that is not a whole number fails the run naming the variable and the value, buying nothing", async function () {
    const before = sandbox.admin.stats().orders.length;
    const r = await project.preview([], { YEASTAR_LARGE_FLEET_THRESHOLD: "lots" });
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /YEASTAR_LARGE_FLEET_THRESHOLD must be a whole number of PBXs, 0 or more, got "lots"/);
    assert.equal(sandbox.admin.stats().orders.length, before);
  });
});
