/**
 * State written by the previous release (test/fixtures/previous-release) previews no change with today's provider
 * and can still be changed: an upgrade never shows a diff, let alone a purchase.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { REPO_ROOT, previewSteps, type PulumiProject } from "../helpers/pulumi";

const FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "previous-release");
const ARGS = pbxArgs({ extensions: 50, highAvailability: true, recordingMinutes: 200 });

describe("state written by the previous release", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  let tmp: string;

  before(async function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-upgrade-"));
    const stateFile = path.join(tmp, "sandbox.json");
    fs.copyFileSync(path.join(FIXTURE, "sandbox-state.json"), stateFile);
    sandbox = await startSandbox({ stateFile, clientSecret: CANARY_SECRET });
    project = await pbxProject(sandbox, "previous-release");
    await declare(project, [{ name: "hq", args: ARGS }]);
    await project.mustRun(["stack", "import", "--file", path.join(FIXTURE, "stack.json")]);
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("previews no change and makes no API call at all (not even for a token)", async function () {
    sandbox.admin.resetCounters();
    const r = await project.preview(["--json", "--expect-no-changes"]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(
      Object.keys(previewSteps(r.json)).filter((op) => op !== "same"),
      [],
    );
    // The sandbox saw nothing: an unchanged PBX needs no read, so the provider never asks for a token either.
    const calls = Object.entries(sandbox.admin.stats().requests).filter(([, n]) => n > 0);
    assert.deepEqual(calls, []);
  });

  it("a change on it is an update with exactly the follow-up order, never a replacement", async function () {
    const before = sandbox.admin.stats().orders.length;
    await declare(project, [{ name: "hq", args: { ...ARGS, extensions: 60 } }]);
    const p = await project.preview(["--json"]);
    assert.equal(p.code, 0, p.output);
    const steps = previewSteps(p.json);
    assert.equal(steps.update, 1, JSON.stringify(steps));
    for (const op of ["create", "replace", "create-replacement", "delete-replaced", "delete"]) {
      assert.equal(steps[op] ?? 0, 0, `${op}: ${JSON.stringify(steps)}`);
    }
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    const placed = sandbox.admin.stats().orders.slice(before);
    assert.deepEqual(
      placed.map((o) => [o.operationType, o.serviceList[0].quantity]),
      [["purchase_service", 10]],
    );
    assert.equal(sandbox.admin.products()[0].extensions, 60);
  });
});
