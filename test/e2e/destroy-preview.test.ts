/**
 * A destroy cancels nothing, and the user must read that before confirming it. The preview of a plain
 * `pulumi destroy` runs neither the program nor the provider, so it cannot say so; `yeastar-pseries destroy` lists
 * every PBX the destroy removes, with the date it stays billed until (read from the portal, since the state of a
 * freshly bought PBX has none), before the CLI's own preview. Through the real CLI against the sandbox.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { REPO_ROOT, type PulumiProject } from "../helpers/pulumi";

const TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";

describe("destroy: what stays billed is shown before anything is removed", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "destroy-preview");
    await declare(project, [
      { name: "hq", args: pbxArgs({ subdomain: "destroy-hq" }) },
      { name: "branch", args: pbxArgs({ subdomain: "destroy-branch", billingCycle: "monthly" }) },
    ]);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  // --preview-only refuses the confirmation skip the test projects otherwise set.
  const previewOnly = { PULUMI_SKIP_CONFIRMATIONS: undefined };

  async function wrapper(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [path.join(REPO_ROOT, "dist", "provider", "cli", "main.js"), "destroy", ...args],
        { cwd: project.dir, env: { ...project.env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 },
      );
      return { code: 0, output: stdout + stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
  }

  it("a plain `pulumi destroy` preview shows only the deletes (why the command exists)", async function () {
    const r = await project.run(["destroy", "--preview-only"], { env: previewOnly });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /- \d+ to delete/);
    assert.doesNotMatch(r.output, /billed/);
  });

  it("yeastar-pseries destroy --preview-only: each PBX with its expiry from the portal, then the CLI's preview", async function () {
    const expiry = new Map(sandbox.admin.products().map((p) => [p.pbxUrl, p.expireDate]));
    const [state] = await project.resourcesOfType(TYPE);
    assert.equal((state.outputs as { expireDate?: string }).expireDate ?? "", "", "the state has no expiry yet");
    sandbox.admin.resetCounters();
    const r = await wrapper(["--preview-only", "--non-interactive", "--stack", project.stack], previewOnly);
    assert.equal(r.code, 0, r.output);
    assert.ok(!r.output.includes(CANARY_SECRET), "the secret read from the stack config is never printed");
    assert.match(r.output, /removes 2 PBXs from this stack and cancels NOTHING/);
    for (const url of ["destroy-hq.eu.sandbox.yeastarcloud.com", "destroy-branch.eu.sandbox.yeastarcloud.com"]) {
      const date = expiry.get(url);
      assert.match(date ?? "", /^\d{4}-\d{2}-\d{2}/);
      assert.ok(r.output.includes(`PBX ${url} (serial `) && r.output.includes(`stays billed until ${date}`), r.output);
    }
    assert.match(r.output, /turn off auto-renew/);
    // The list comes first, the CLI's preview after it.
    assert.ok(r.output.indexOf("cancels NOTHING") < r.output.indexOf("to delete"), r.output);
    const stats = sandbox.admin.stats();
    assert.equal(stats.requests.productDetail, 2, "one read per PBX without an expiry in state");
    assert.equal(stats.requests.orderSave, 0);
    assert.equal((await project.resourcesOfType(TYPE)).length, 2, "a preview removes nothing");
  });

  it("yeastar-pseries destroy --yes removes them after the list, and orders nothing", async function () {
    const orders = sandbox.admin.stats().orders.length;
    const r = await wrapper(["--yes", "--skip-preview", "--non-interactive", "--stack", project.stack]);
    assert.equal(r.code, 0, r.output);
    assert.ok(r.output.indexOf("cancels NOTHING") < r.output.indexOf("NOT cancelled"), r.output);
    assert.equal((await project.resourcesOfType(TYPE)).length, 0);
    assert.equal(sandbox.admin.stats().orders.length, orders, "destroy orders nothing");
  });
});
