/**
 * A stack whose provider configuration changed after its last `up` (docs/troubleshooting.md, "A refresh calls an
 * old yeastar:baseUrl or an old secret"): the engine configures the provider of a `pulumi refresh` from the config
 * the state recorded, so after the sandbox moved to another port, and again after its secret was rotated, a plain
 * refresh fails, naming the URL it used and `--run-program`; `pulumi refresh --run-program` works; destroy works.
 * Through the real CLI against sandboxes on loopback that share one state file, so the PBX bought at the start is
 * the same PBX throughout (one order in all).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { PBX_TYPE } from "../../provider/api/contract";
import { declare, pbxArgs } from "../helpers/pbx";
import { PulumiProject, previewSteps } from "../helpers/pulumi";

const PROGRAM = path.join(__dirname, "programs", "pbx.js");
const FIRST_SECRET = "first-secret-3f9a1c";
const SECOND_SECRET = "second-secret-77d0b4";
const THIRD_SECRET = "third-secret-c21e58";

describe("provider config changed since the last up: refresh says to run the program", function () {
  let dir: string;
  let sandbox: Sandbox;
  let project: PulumiProject;
  let oldUrl: string;
  const stateFile = () => path.join(dir, "portal.json");
  const calls = () => Object.values(sandbox.admin.stats().requests).reduce((a, b) => a + b, 0);
  const orders = () => sandbox.admin.stats().orders.length;
  const noSecrets = (text: string) => {
    for (const s of [FIRST_SECRET, SECOND_SECRET, THIRD_SECRET]) assert.ok(!text.includes(s), `no ${s} in output`);
  };

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "stale-config-"));
    sandbox = await startSandbox({ clientSecret: FIRST_SECRET, stateFile: stateFile() });
    oldUrl = sandbox.url;
    project = await PulumiProject.create({
      name: "stale-config",
      program: PROGRAM,
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      secrets: { "yeastar:clientSecret": FIRST_SECRET },
    });
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain: "stale-config" }) }]);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders(), 1);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the portal moved to another port: the preview is unchanged with 0 calls, a plain refresh names the old URL and --run-program", async function () {
    await sandbox.close();
    sandbox = await startSandbox({ clientSecret: SECOND_SECRET, stateFile: stateFile() });
    assert.notEqual(sandbox.url, oldUrl);
    await project.setConfig("yeastar:baseUrl", sandbox.url);
    await project.setConfig("yeastar:clientSecret", SECOND_SECRET, true);

    const preview = await project.preview(["--json"]);
    assert.equal(preview.code, 0, preview.output);
    assert.deepEqual(
      Object.keys(previewSteps(preview.json)).filter((op) => op !== "same"),
      [],
    );
    assert.equal(calls(), 0, "a no-change preview calls nothing");

    const refresh = await project.refresh();
    assert.notEqual(refresh.code, 0, refresh.output);
    assert.match(refresh.output, /ECONNREFUSED/);
    assert.ok(refresh.output.includes(`here yeastar:baseUrl is ${oldUrl}`), refresh.output);
    assert.match(refresh.output, /`pulumi refresh --run-program`/);
    noSecrets(refresh.output);
    assert.equal(calls(), 0, "the new portal was not called: the refresh used the recorded URL");
  });

  it("pulumi refresh --run-program uses the current config, and reads the PBX without ordering", async function () {
    const refresh = await project.refresh(["--run-program"]);
    assert.equal(refresh.code, 0, refresh.output);
    assert.ok(calls() > 0, "the refresh read the PBX from the new portal");
    assert.equal(orders(), 1, "still the one order of the first up");
    noSecrets(refresh.output);
  });

  it("the secret was rotated: a plain refresh fails with 401 and the same advice; --run-program works", async function () {
    const port = sandbox.port;
    await project.up(); // records the current config (the second secret), as a deployment would
    await sandbox.close();
    sandbox = await startSandbox({ port, clientSecret: THIRD_SECRET, stateFile: stateFile() });
    await project.setConfig("yeastar:clientSecret", THIRD_SECRET, true);

    const refresh = await project.refresh();
    assert.notEqual(refresh.code, 0, refresh.output);
    assert.match(refresh.output, /HTTP 401/);
    assert.ok(refresh.output.includes(`here yeastar:baseUrl is ${sandbox.url}`), refresh.output);
    assert.match(refresh.output, /--run-program/);
    noSecrets(refresh.output);

    const again = await project.refresh(["--run-program"]);
    assert.equal(again.code, 0, again.output);
    assert.equal(orders(), 1);
  });

  it("destroy works with the stale recorded config (it calls nothing) and says the subscription stays", async function () {
    await sandbox.close();
    sandbox = await startSandbox({ clientSecret: "yet-another-secret", stateFile: stateFile() });
    const destroy = await project.destroy();
    assert.equal(destroy.code, 0, destroy.output);
    assert.match(destroy.output, /NOT cancel/i);
    assert.equal(orders(), 1);
    assert.deepEqual(await project.resourcesOfType(PBX_TYPE), []);
  });
});
