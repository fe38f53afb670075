import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiProject, previewSteps, requirePulumiCli } from "../helpers/pulumi";

describe("toolchain smoke: a trivial dynamic resource through the real pulumi CLI", function () {
  let project: PulumiProject;
  let ledger: string;
  const ops = () => (fs.existsSync(ledger) ? fs.readFileSync(ledger, "utf8").trim().split("\n").filter(Boolean) : []);

  before(async function () {
    ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "smoke-")), "ledger.txt");
    project = await PulumiProject.create({
      name: "smoke",
      program: path.join(__dirname, "programs", "smoke.js"),
      config: { "smoke:ledger": ledger },
    });
  });
  after(() => project?.cleanup());

  it("finds the CLI at the pinned version", function () {
    assert.match(requirePulumiCli(), /^v3\.\d+\.\d+/);
  });

  it("preview plans a create and creates nothing", async function () {
    const r = await project.preview(["--json"]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(previewSteps(r.json), { create: 1 });
    assert.deepEqual(ops(), []);
  });

  it("up creates it", async function () {
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(ops(), ["create"]);
    assert.equal((await project.outputs()).value, "thing-42");
  });

  it("a second up changes nothing", async function () {
    const r = await project.preview(["--json"]);
    assert.equal(r.code, 0, r.output);
    const steps = previewSteps(r.json);
    assert.deepEqual(
      Object.keys(steps).filter((op) => op !== "same"),
      [],
    );
    assert.deepEqual((r.json as { changeSummary?: unknown }).changeSummary, { same: 2 });
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.deepEqual(ops(), ["create"]);
  });

  it("destroy removes it", async function () {
    const r = await project.destroy();
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(ops(), ["create", "delete"]);
    assert.match(r.output, /smoke resource deleted/);
    const things = await project.resourcesOfType("pulumi-nodejs:dynamic/smoke:Thing");
    assert.equal(things.length, 0);
  });
});
