/**
 * The policy pack through the real CLI: `pulumi preview --policy-pack` on a program that violates two policies, and
 * `yeastar-renewal-required` (off by default) on a stack named prod.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";
import { declare, pbxArgs, pbxProject } from "../helpers/pbx";

describe("policy pack through pulumi preview --policy-pack", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const packDir = path.join(REPO_ROOT, "policy");
  const configFile = (level: string) => {
    const file = path.join(project.dir, `policy-${level}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({
        all: level,
        "yeastar-allowed-plans": { allowedPlans: ["enterprise"] },
        "yeastar-max-extensions-per-pbx": { maxExtensions: 250 },
      }),
    );
    return file;
  };

  before(async function () {
    sandbox = await startSandbox({ clientSecret: "canary-SECRET-7d41e0b2" });
    project = await pbxProject(sandbox, "policy");
    // Two violations: a plan outside allowedPlans and more extensions than maxExtensions.
    await declare(project, [
      { name: "desk", args: pbxArgs({ subdomain: "support-desk", plan: "ultimate", extensions: 400 }), protect: true },
    ]);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("mandatory: the preview fails and names both policies, 0 orders", async function () {
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile("mandatory")]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /yeastar-allowed-plans/);
    assert.match(r.output, /yeastar-max-extensions-per-pbx/);
    assert.match(r.output, /mandatory/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("advisory: the preview passes with both as warnings, 0 orders", async function () {
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile("advisory")]);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /yeastar-allowed-plans/);
    assert.match(r.output, /yeastar-max-extensions-per-pbx/);
    assert.match(r.output, /advisory/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("a compliant program passes under mandatory enforcement", async function () {
    await declare(project, [{ name: "desk", args: pbxArgs({ subdomain: "support-desk" }), protect: true }]);
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile("mandatory")]);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /yeastar-allowed-plans/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });
});

describe("yeastar-renewal-required through pulumi preview --policy-pack, in a stack named prod", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const packDir = path.join(REPO_ROOT, "policy");
  const configFile = (config: Record<string, unknown>) => {
    const file = path.join(project.dir, "policy-renewal.json");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const enabled = { "yeastar-renewal-required": { enforcementLevel: "mandatory", required: true } };

  before(async function () {
    sandbox = await startSandbox({ clientSecret: "canary-SECRET-7d41e0b2" });
    project = await pbxProject(sandbox, "policy-renewal", {}, { stack: "prod" });
    // A production PBX that declares no renewal: neither autoRenew nor renewThrough.
    await declare(project, [{ name: "desk", args: pbxArgs({ subdomain: "support-desk" }), protect: true }]);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("off by default: even with every policy mandatory the preview passes and does not name it", async function () {
    const r = await project.preview([
      "--policy-pack",
      packDir,
      "--policy-pack-config",
      configFile({ all: "mandatory" }),
    ]);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /yeastar-renewal-required/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("enabled: a production PBX without a renewal fails the preview, naming it and the fix; 0 orders", async function () {
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile(enabled)]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /yeastar-renewal-required/);
    assert.match(r.output, /mandatory/);
    assert.match(r.output, /PBX "desk" \(subdomain "support-desk"\) in production stack "prod" declares no renewal/);
    assert.match(r.output, /set autoRenew: true .*or renewThrough: "YYYY-MM-DD"/s);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("refuses an organization-qualified name in productionStacks before the preview runs", async function () {
    const qualified = { "yeastar-renewal-required": { required: true, productionStacks: ["acme/prod"] } };
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile(qualified)]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /validating policy config/);
    assert.match(r.output, /productionStacks/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });

  it("enabled: the same PBX with autoRenew: true passes", async function () {
    await declare(project, [
      { name: "desk", args: pbxArgs({ subdomain: "support-desk", autoRenew: true }), protect: true },
    ]);
    const r = await project.preview(["--policy-pack", packDir, "--policy-pack-config", configFile(enabled)]);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /yeastar-renewal-required/);
    assert.equal(sandbox.admin.stats().orders.length, 0);
  });
});
