/**
 * Bringing an existing fleet under management: 20 PBXs bought earlier through the API, `yeastar-pseries import`
 * (the built bin, as a user runs it) writes a data file and a starter program, and the real CLI then previews every
 * PBX as an adoption and `pulumi up` records them all without placing a single order.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DataFile } from "../../provider/cli/import-main";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf } from "../helpers/fleet";
import { CANARY_SECRET } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT, previewSteps } from "../helpers/pulumi";

const FLEET_SIZE = 20;

async function run(file: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, opts);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("yeastar-pseries import: adopting an existing fleet of 20 PBXs", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  let tmp: string;
  let data: DataFile;
  const fleet = fleetOf(FLEET_SIZE, "branch");

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    await buyFleet(sandbox.url, CANARY_SECRET, fleet);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-import-"));
  });
  after(async function () {
    project?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await sandbox?.close();
  });

  it("import writes the data file and a starter program, reading only", async function () {
    sandbox.admin.resetCounters();
    // Asynchronous: the sandbox runs in this process and must keep answering while the bin runs.
    const r = await run(
      process.execPath,
      [
        path.join(REPO_ROOT, "dist", "provider", "cli", "main.js"),
        "import",
        "--billing-contact",
        "ap@acme.example",
        "--program",
        "fleet",
      ],
      {
        cwd: tmp,
        env: {
          ...process.env,
          YEASTAR_BASE_URL: sandbox.url,
          YEASTAR_CLIENT_ID: "sandbox-client",
          YEASTAR_CLIENT_SECRET: CANARY_SECRET,
        },
      },
    );
    const output = `${r.stdout}${r.stderr}`;
    assert.equal(r.code, 0, output);
    assert.ok(!output.includes(CANARY_SECRET));
    assert.match(r.stdout, new RegExp(`wrote ${FLEET_SIZE} PBXs to .*pbxs\\.json`));
    data = JSON.parse(fs.readFileSync(path.join(tmp, "fleet", "pbxs.json"), "utf8")) as DataFile;
    assert.equal(data.pbxs.length, FLEET_SIZE);
    assert.equal(sandbox.admin.stats().requests.orderSave, 0);
  });

  it("preview shows every PBX as an adoption: no price, no order", async function () {
    project = await PulumiProject.create({
      name: "import",
      sourceDir: path.join(tmp, "fleet"),
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      secrets: { "yeastar:clientSecret": CANARY_SECRET },
    });
    sandbox.admin.resetCounters();
    const r = await project.preview(["--json"]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(previewSteps(r.json), { create: FLEET_SIZE });
    const serials = new Map(data.pbxs.map((p) => [p.name, p.serialNumber]));
    const steps = (
      r.json as { steps: Array<{ op: string; urn: string; newState?: { inputs?: Record<string, unknown> } }> }
    ).steps.filter((s) => s.urn.includes("PSeriesCloudPbx"));
    assert.equal(steps.length, FLEET_SIZE);
    for (const step of steps) {
      const name = step.urn.split("::").pop()!;
      const inputs = step.newState?.inputs ?? {};
      const resolved = inputs.resolved as { adoptProductNo?: string } | undefined;
      assert.equal(resolved?.adoptProductNo, serials.get(name), `${name} is adopted in preview`);
      assert.equal(inputs.priceEstimate, undefined, `${name} shows no price`);
    }
    const stats = sandbox.admin.stats();
    assert.equal(stats.requests.orderSave, 0);
    assert.equal(stats.requests.priceCalculate, 0);
    assert.equal(stats.orders.length, FLEET_SIZE);
  });

  it("up records all 20 PBXs and places 0 orders", async function () {
    sandbox.admin.resetCounters();
    const r = await project.up();
    assert.equal(r.code, 0, r.output);
    const stats = sandbox.admin.stats();
    assert.equal(stats.requests.orderSave, 0);
    assert.equal(stats.orders.length, FLEET_SIZE, "the order log holds only the original purchases");
    const pbxs = (await project.outputs()).pbxs as Record<
      string,
      { pbxUrl: string; serialNumber: string; adopted: boolean }
    >;
    assert.equal(Object.keys(pbxs).length, FLEET_SIZE);
    for (const p of data.pbxs) {
      assert.deepEqual(pbxs[p.name], { pbxUrl: p.pbxUrl, serialNumber: p.serialNumber, adopted: true });
    }
  });

  it("afterwards the program matches the fleet: a preview changes nothing", async function () {
    sandbox.admin.resetCounters();
    const r = await project.preview(["--json"]);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(
      Object.keys(previewSteps(r.json)).filter((op) => op !== "same"),
      [],
    );
    assert.equal(sandbox.admin.stats().requests.orderSave, 0);
    assert.ok(!(await project.everything()).includes(CANARY_SECRET), "the secret is in no state or file");
  });
});
