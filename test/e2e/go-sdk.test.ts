/**
 * The Go SDK (sdk/go/yeastar, generated from the native plugin's schema by toolchain/gen-go-sdk) through the real
 * CLI against the sandbox: the committed SDK is what the schema generates, and the Go program of examples/go
 * (built by the toolchain's Go language host, with the Go module proxy for the Pulumi SDK and a `replace` to the
 * local SDK) previews with prices and 0 orders, buys 2 PBXs, raises one, has a PBX bought outside imported with
 * 0 orders, and is destroyed with 0 orders and a warning per PBX that nothing was cancelled. The sandbox's order
 * log is the evidence of what was bought.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SERVICES } from "../../provider/api/catalog";
import { summarize } from "../../provider/cli/plan-summary";
import { parsePreview } from "../../provider/cli/plan-preview-input";
import { GO_MODULE, PBX_TYPE } from "../../provider/native/schema";
import { GO_SDK_DIR, generatedFiles, generateGoSdk } from "../../scripts/lib/go-sdk";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf } from "../helpers/fleet";
import { CANARY_SECRET, assertGlobexFirstPreview } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const PLUGIN_DIR = path.join(REPO_ROOT, "bin");
const HQ_URL = "globex-hq.eu.sandbox.yeastarcloud.com";
const BRANCH_URL = "globex-branch.us.sandbox.yeastarcloud.com";

/**
 * PATH with the toolchain's Go language host, which scripts/setup.sh builds (once) when asked for with --go, and
 * without the plugin's folder.
 */
function pathWithGoHost(): string {
  const out = execFileSync("sh", [path.join(REPO_ROOT, "scripts", "toolchain.sh"), "--go", "--env"], {
    encoding: "utf8",
  });
  const m = /^PATH='(.*)'; export PATH$/m.exec(out);
  assert.ok(m, `scripts/toolchain.sh --env printed a PATH: ${out}`);
  // Without this clone's bin/, which the toolchain adds: the example's plugins entry must find the plugin.
  return m[1]
    .replace(/'\\''/g, "'")
    .split(path.delimiter)
    .filter((p) => path.resolve(p) !== PLUGIN_DIR)
    .join(path.delimiter);
}

describe("Go SDK: a Go program through the CLI with the native plugin", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const orders = () => sandbox.admin.stats().orders;
  const started = Date.now();
  /** What every CLI run printed: the client secret must be in none of it. */
  const printed: string[] = [];

  before(async function () {
    const PATH = pathWithGoHost();
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
    project = await PulumiProject.create({
      name: "go",
      sourceDir: path.join(REPO_ROOT, "examples", "go"),
      config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
      secrets: { "yeastar:clientSecret": CANARY_SECRET },
      env: { PATH },
    });
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
    console.log(`      go-sdk e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  afterEach(function () {
    for (const text of printed) {
      assert.ok(!text.includes(CANARY_SECRET), "the client secret is in no CLI output");
      // The language host beside the CLI, the plugin through the example's plugins entry: no run warns.
      assert.doesNotMatch(text, /using \S+ from \$PATH/);
    }
  });

  it("the committed SDK (sdk/go/yeastar) is what the plugin's schema generates", function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-go-sdk-"));
    try {
      generateGoSdk(tmp);
      const files = generatedFiles(tmp);
      assert.ok(files.includes("pseriesCloudPbx.go"), `the generator wrote the resource: ${files.join(", ")}`);
      assert.deepEqual(generatedFiles(GO_SDK_DIR), files, "the same files; run `npm run gen:go-sdk`");
      for (const rel of files) {
        assert.equal(
          fs.readFileSync(path.join(GO_SDK_DIR, rel), "utf8"),
          fs.readFileSync(path.join(tmp, rel), "utf8"),
          `sdk/go/yeastar/${rel} is as generated; run \`npm run gen:go-sdk\``,
        );
      }
      const goMod = fs.readFileSync(path.join(GO_SDK_DIR, "go.mod"), "utf8");
      assert.match(goMod, new RegExp(`^module ${GO_MODULE.replace(/[.]/g, "\\.")}\\n`));
      assert.match(goMod, /\n\s*github\.com\/pulumi\/pulumi\/sdk\/v3 v3\.276\.0\n/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("preview places 0 orders and shows each PBX's order with its price", async function () {
    const r = await project.preview();
    printed.push(r.output);
    assertGlobexFirstPreview(r, sandbox);
  });

  it("the purchase summary of the preview's event stream lists the 2 purchases with their prices", async function () {
    const r = await project.run(["preview", "--json"], { env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" } });
    printed.push(r.output);
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 0);
    const summary = summarize(parsePreview(r.stdout));
    assert.deepEqual(summary.pbxs.map((p) => [p.name, p.orders?.map((o) => [o.operation, o.price])]).sort(), [
      ["globex-branch", [["purchase_plan", "USD 130.00 per month"]]],
      ["globex-hq", [["purchase_plan", "USD 2750.00 per year"]]],
    ]);
    assert.equal(summary.orderCount, 2);
  });

  it("up buys the 2 PBXs: 2 orders, and the program's outputs", async function () {
    const r = await project.up();
    printed.push(r.output);
    assert.equal(r.code, 0, r.output);
    assert.deepEqual(
      orders()
        .map((o) => [o.operationType, o.pbxUrl])
        .sort(),
      [
        ["purchase_plan", BRANCH_URL],
        ["purchase_plan", HQ_URL],
      ],
    );
    const out = await project.outputs();
    const hq = sandbox.admin.products().find((p) => p.pbxUrl === HQ_URL)!;
    assert.equal(out.hqUrl, HQ_URL);
    assert.equal(out.hqSerialNumber, hq.productNo);
    assert.equal(out.branchUrl, BRANCH_URL);
    for (const pbx of await project.resourcesOfType(PBX_TYPE)) {
      assert.equal((pbx.inputs as Record<string, unknown>).plannedOrders, undefined, "no plannedOrders stored");
    }
  });

  it("raising hqExtensions places 1 Extension Expansion order for the difference", async function () {
    await project.setConfig("hqExtensions", "60");
    const r = await project.up();
    printed.push(r.output);
    assert.equal(r.code, 0, r.output);
    const placed = orders();
    assert.equal(placed.length, 3);
    assert.equal(placed[2].operationType, "purchase_service");
    assert.equal(placed[2].pbxUrl, HQ_URL);
    assert.deepEqual(
      placed[2].serviceList.map((s) => [s.serviceId, s.quantity]),
      [[SERVICES.extensionExpansion, 10]],
    );
    const again = await project.preview(["--expect-no-changes"]);
    printed.push(again.output);
    assert.equal(again.code, 0, again.output);
  });

  it("pulumi import records a PBX bought outside the stack with 0 orders", async function () {
    await buyFleet(sandbox.url, CANARY_SECRET, fleetOf(1, "legacy"));
    const legacy = sandbox.admin.products().find((p) => p.pbxUrl.startsWith("legacy-01."))!;
    const before = orders().length;
    // This language host generates no code; the PBX is recorded in the stack all the same.
    const r = await project.run([
      "import",
      PBX_TYPE,
      "legacy",
      `${legacy.instanceId}/ap@acme.example`,
      "--yes",
      "--generate-code=false",
    ]);
    printed.push(r.output);
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, before);
    const pbx = (await project.resourcesOfType(PBX_TYPE)).find((x) => String(x.urn).endsWith("::legacy"));
    assert.ok(pbx, "the imported PBX is in the stack");
    assert.equal(pbx.id, legacy.instanceId);
    assert.equal((pbx.outputs as Record<string, unknown>).productNo, legacy.productNo);
    assert.equal((pbx.outputs as Record<string, unknown>).adopted, true);
  });

  it("destroy places 0 orders and warns, per PBX, that nothing was cancelled", async function () {
    await project.mustRun(["state", "unprotect", "--all", "--yes"]);
    const r = await project.destroy();
    printed.push(r.output);
    assert.equal(r.code, 0, r.output);
    assert.equal(orders().length, 4, "3 orders of the stack and the one bought outside it; none by destroy");
    assert.equal(sandbox.admin.products().length, 3, "the PBXs stay in the portal");
    for (const url of [HQ_URL, BRANCH_URL, "legacy-01."]) {
      assert.match(r.output, new RegExp(`PBX ${url.replace(/\./g, "\\.")}.*NOT cancelled`));
    }
    assert.equal((await project.resourcesOfType(PBX_TYPE)).length, 0);
    assert.ok(!(await project.everything()).includes(CANARY_SECRET), "the client secret is in no state or file");
  });
});
