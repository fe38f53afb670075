/**
 * The native provider plugin (bin/pulumi-resource-yeastar) through the real CLI against the sandbox: a Pulumi
 * YAML program (examples/yaml as it is, plugin found through its `plugins` entry, with no warning although the
 * plugin is on PATH too) previewed (the planned orders an output of the preview's create and update, never a
 * stored input), bought, expanded, refreshed and destroyed; then `pulumi import` of a PBX bought outside any stack
 * (plugin found on PATH) and a
 * change ordered on it. The sandbox's order log is the evidence of what was bought. Also measures the state bytes
 * of one PBX held by the native resource against the dynamic one.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SERVICES } from "../../provider/api/catalog";
import { addCycle } from "../../provider/api/terms";
import { summarize } from "../../provider/cli/plan-summary";
import { parsePreview } from "../../provider/cli/plan-preview-input";
import { INPUT_KEYS } from "../../provider/api/inputs";
import { startSandbox, type Sandbox } from "../../sandbox";
import { buyFleet, fleetOf } from "../helpers/fleet";
import { CANARY_SECRET, assertGlobexFirstPreview, declare, pbxArgs, pbxProject } from "../helpers/pbx";
import { PulumiProject, REPO_ROOT } from "../helpers/pulumi";

const PBX_TYPE = "yeastar:index:PSeriesCloudPbx";
const PLUGIN_DIR = path.join(REPO_ROOT, "bin");
const PO_CANARY = "PO-canary-5e1f";
const HQ_URL = "globex-hq.eu.sandbox.yeastarcloud.com";
const BRANCH_URL = "globex-branch.us.sandbox.yeastarcloud.com";

/**
 * The CLI's warning when it takes a plugin from PATH instead of the project's `plugins` entry (the provider) or
 * from beside itself (the YAML language host).
 */
const AMBIENT_PLUGIN_WARNING = /using \S+ from \$PATH/;

/** PATH without this repository's plugin directory. */
function pathWithoutPlugin(): string {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((p) => path.resolve(p) !== PLUGIN_DIR)
    .join(path.delimiter);
}

/** Keys of stored PBX inputs that the program did not write: only what check resolved (docs/architecture.md). */
const CHECK_ADDS = new Set(["resolved", "priceEstimate"]);

/** The PBXs' stored inputs: the program's inputs (with defaults) and check's resolution, never `plannedOrders`. */
async function assertStoredInputs(project: PulumiProject): Promise<void> {
  const pbxs = await project.resourcesOfType(PBX_TYPE);
  assert.ok(pbxs.length > 0);
  for (const pbx of pbxs) {
    const keys = Object.keys(pbx.inputs as Record<string, unknown>);
    assert.ok(!keys.includes("plannedOrders"), `${String(pbx.urn)}: no plannedOrders in the stored inputs`);
    const extra = keys.filter((k) => !(INPUT_KEYS as readonly string[]).includes(k) && !CHECK_ADDS.has(k));
    assert.deepEqual(extra, [], `${String(pbx.urn)}: stored inputs are the program's`);
  }
}

/** `pulumi preview --json` as the engine's event stream: the only form that carries the preview's outputs. */
const STREAM = { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" };

/**
 * The PBXs of a streamed `pulumi preview --json`, by resource name: the inputs of each step (its pre-event) and
 * the outputs the plugin returned from the preview's create or update (its outputs event).
 */
function previewSteps(
  text: string,
): Map<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }> {
  type Metadata = { urn: string; type?: string; new?: { inputs?: object; outputs?: object } };
  const out = new Map<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>();
  for (const line of text.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    const event = JSON.parse(line) as {
      resourcePreEvent?: { metadata: Metadata };
      resOutputsEvent?: { metadata: Metadata };
    };
    const pre = event.resourcePreEvent?.metadata;
    const outs = event.resOutputsEvent?.metadata;
    for (const m of [pre, outs]) {
      if (!m || m.type !== PBX_TYPE) continue;
      const name = m.urn.split("::").pop()!;
      const entry = out.get(name) ?? { inputs: {}, outputs: {} };
      if (m === pre) entry.inputs = (m.new?.inputs ?? {}) as Record<string, unknown>;
      else entry.outputs = (m.new?.outputs ?? {}) as Record<string, unknown>;
      out.set(name, entry);
    }
  }
  return out;
}

/** Bytes of one resource in the exported state. */
function stateBytes(resources: Array<Record<string, unknown>>, type: string, name: string): number {
  const r = resources.find((x) => x.type === type && String(x.urn).endsWith(`::${name}`));
  assert.ok(r, `${type} ${name} is in the state`);
  return JSON.stringify(r).length;
}

describe("native provider plugin: Pulumi YAML and pulumi import through the CLI", function () {
  let sandbox: Sandbox;
  const projects: PulumiProject[] = [];
  const orders = () => sandbox.admin.stats().orders;
  const priceCalls = () => sandbox.admin.stats().requests.priceCalculate ?? 0;
  let nativeBytes = 0;
  let nativeState = "";
  /** What every CLI run printed: the client secret must be in none of it. */
  const printed: string[] = [];

  before(async function () {
    const yamlHost = spawnSync("sh", ["-c", "command -v pulumi-language-yaml"], { encoding: "utf8" });
    assert.equal(
      yamlHost.status,
      0,
      "pulumi-language-yaml is not on PATH: run this file through `sh scripts/toolchain.sh --yaml ...` (npm test does)",
    );
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET });
  });
  after(async function () {
    for (const p of projects) p.cleanup();
    await sandbox?.close();
  });
  afterEach(function () {
    for (const text of printed) assert.ok(!text.includes(CANARY_SECRET), "the client secret is in no CLI output");
  });

  describe("examples/yaml: two PBXs in a YAML program", function () {
    let project: PulumiProject;
    /** Where this example's runs start in `printed`: none of them may warn that the plugin came from PATH. */
    let firstRun = 0;

    before(async function () {
      // The example as it is, installed as its README says (node_modules/pulumi-yeastar-pseries), and the plugin
      // on PATH as well, as `eval "$(sh scripts/toolchain.sh --env)"` puts it: the `plugins` entry must win.
      project = await PulumiProject.create({
        name: "yaml",
        sourceDir: path.join(REPO_ROOT, "examples", "yaml"),
        config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
        secrets: { "yeastar:clientSecret": CANARY_SECRET, poNumber: PO_CANARY },
        env: { PATH: `${PLUGIN_DIR}${path.delimiter}${pathWithoutPlugin()}` },
      });
      projects.push(project);
      firstRun = printed.length;
    });

    it("the example names the plugin in a plugins entry, so no run warns that it came from PATH", async function () {
      const r = await project.preview();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.doesNotMatch(r.output, AMBIENT_PLUGIN_WARNING);
      const file = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8");
      assert.match(
        file,
        /\nplugins:\n {2}providers:\n {4}- name: yeastar\n {6}path: node_modules\/pulumi-yeastar-pseries\/bin\n/,
      );
    });

    it("preview places 0 orders and shows each PBX's order with its price", async function () {
      const r = await project.preview();
      printed.push(r.output);
      assertGlobexFirstPreview(r, sandbox);
      assert.doesNotMatch(r.output, /plannedOrders/, "not in the inputs the preview shows");
    });

    it("preview --json (event stream): plannedOrders are an output of the preview, not an input; one price call per order shape", async function () {
      const prices = priceCalls();
      const r = await project.run(["preview", "--json"], { env: STREAM });
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal(orders().length, 0);
      assert.equal(priceCalls() - prices, 2, "two PBXs of two shapes: two quotes (check's is reused by create)");
      const steps = previewSteps(r.stdout);
      for (const [name, price] of [
        ["globex-hq", "USD 2750.00 per year"],
        ["globex-branch", "USD 130.00 per month"],
      ]) {
        const step = steps.get(name);
        assert.ok(step, `${name} is in the preview`);
        assert.equal(step.inputs.plannedOrders, undefined, `${name}: no plannedOrders in the inputs`);
        const planned = step.outputs.plannedOrders as Array<Record<string, unknown>>;
        assert.deepEqual(
          planned.map((o) => [o.operation, o.price]),
          [["purchase_plan", price]],
        );
      }
      const summary = summarize(parsePreview(r.stdout));
      assert.equal(summary.orderCount, 2, "the purchase summary reads the planned orders of the plugin's preview");
    });

    it("with the large-fleet threshold lowered to 1, the plugin advises the mode once per run; in the mode, not", async function () {
      const advice = /runs without the CLI's large-fleet mode/g;
      const r = await project.preview([], { YEASTAR_LARGE_FLEET_THRESHOLD: "1", PULUMI_SKIP_CHECKPOINTS: undefined });
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal((r.output.match(advice) ?? []).length, 1, r.output);
      assert.match(r.output, /more than 1 PBXs.*Set PULUMI_SKIP_CHECKPOINTS=true/);
      const quiet = await project.preview([], { YEASTAR_LARGE_FLEET_THRESHOLD: "1", PULUMI_SKIP_CHECKPOINTS: "true" });
      printed.push(quiet.output);
      assert.equal(quiet.code, 0, quiet.output);
      assert.equal((quiet.output.match(advice) ?? []).length, 0, quiet.output);
      assert.equal(orders().length, 0);
    });

    it("up places exactly 1 order per PBX, with the secret PO number unwrapped", async function () {
      const prices = priceCalls();
      const r = await project.up();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      const placed = orders();
      assert.deepEqual(placed.map((o) => [o.operationType, o.pbxUrl]).sort(), [
        ["purchase_plan", BRANCH_URL],
        ["purchase_plan", HQ_URL],
      ]);
      assert.equal(
        placed.find((o) => o.pbxUrl === BRANCH_URL)?.poNumber,
        PO_CANARY,
        "the provider got the plain value",
      );
      assert.match(r.output, /placing order: new PBX globex-hq/);
      assert.doesNotMatch(r.output, /will place 1 order/, "up does not repeat the preview's plan lines");
      assert.equal(priceCalls() - prices, 2, "up prices each order shape once");
      await assertStoredInputs(project);
      const out = await project.outputs();
      const hq = sandbox.admin.products().find((p) => p.pbxUrl === HQ_URL)!;
      assert.equal(out.hqUrl, HQ_URL);
      assert.equal(out.hqSerialNumber, hq.productNo);
      const { resources } = await project.exportState();
      nativeBytes = stateBytes(resources, PBX_TYPE, "globex-hq");
      nativeState = JSON.stringify(resources.find((x) => String(x.urn).endsWith("::globex-hq")));
    });

    it("a preview of raising extensions lists 1 Extension Expansion order, priced, from the portal; orders nothing", async function () {
      await project.setConfig("hqExtensions", "60");
      const r = await project.run(["preview", "--json"], { env: STREAM });
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal(orders().length, 2);
      const hq = previewSteps(r.stdout).get("globex-hq")!;
      assert.equal(hq.inputs.plannedOrders, undefined);
      const planned = hq.outputs.plannedOrders as Array<Record<string, unknown>>;
      assert.deepEqual(
        planned.map((o) => [o.operation, o.item, o.quantity]),
        [["purchase_service", "Extension Expansion", 10]],
      );
      assert.match(String(planned[0].price), /^USD [\d.]+ per year$/);
      const text = await project.preview();
      printed.push(text.output);
      assert.match(
        text.output,
        /globex-hq\.eu\.sandbox\.yeastarcloud\.com: `pulumi up` will place 1 order: Extension Expansion: \+10 \(50 -> 60\) \[USD/,
      );
    });

    it("raising extensions places 1 Extension Expansion order for the difference", async function () {
      const prices = priceCalls();
      const r = await project.up();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal(priceCalls() - prices, 0, "update prices nothing: the preview did");
      assert.doesNotMatch(r.output, /will place 1 order/);
      await assertStoredInputs(project);
      const placed = orders();
      assert.equal(placed.length, 3);
      const last = placed[2];
      assert.equal(last.operationType, "purchase_service");
      assert.equal(last.pbxUrl, HQ_URL);
      assert.deepEqual(
        last.serviceList.map((s) => [s.serviceId, s.quantity]),
        [[SERVICES.extensionExpansion, 10]],
      );
    });

    it("refresh reads the PBXs and records drift made in the portal, ordering nothing", async function () {
      const hq = sandbox.admin.products().find((p) => p.pbxUrl === HQ_URL)!;
      sandbox.admin.updateProduct(hq.productNo, { expireDate: "2031-01-31" });
      const r = await project.refresh();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal(orders().length, 3);
      const [pbx] = (await project.resourcesOfType(PBX_TYPE)).filter((x) => String(x.urn).endsWith("::globex-hq"));
      const outputs = pbx.outputs as Record<string, unknown>;
      assert.equal(outputs.expireDate, "2031-01-31");
      assert.equal(outputs.extensions, 60);
    });

    it("renewThrough past the branch's expiry: the preview lists 1 renewal with its price, up places exactly it", async function () {
      const branch = () => sandbox.admin.products().find((p) => p.pbxUrl === BRANCH_URL)!;
      const expiry = branch().expireDate;
      const through = new Date(`${expiry}T00:00:00Z`);
      through.setUTCDate(through.getUTCDate() + 1);
      await project.setConfig("branchRenewThrough", through.toISOString().slice(0, 10));
      const preview = await project.run(["preview", "--json"], { env: STREAM });
      printed.push(preview.output);
      assert.equal(preview.code, 0, preview.output);
      assert.equal(orders().length, 3, "the preview bought nothing");
      const planned = previewSteps(preview.stdout).get("globex-branch")!.outputs.plannedOrders as Array<
        Record<string, unknown>
      >;
      assert.deepEqual(
        planned.map((o) => [o.operation, o.quantity]),
        [["renew_plan", 20]],
      );
      assert.match(String(planned[0].price), /^USD [\d.]+ for one more month$/);
      const up = await project.up();
      printed.push(up.output);
      assert.equal(up.code, 0, up.output);
      const placed = orders();
      assert.equal(placed.length, 4);
      assert.equal(placed[3].operationType, "renew_plan");
      assert.equal(placed[3].pbxUrl, BRANCH_URL);
      assert.equal(placed[3].totalAmount, planned[0].amount, "charged what the preview quoted");
      assert.equal(branch().expireDate, addCycle(expiry, "monthly"));
      const again = await project.preview(["--expect-no-changes"]);
      printed.push(again.output);
      assert.equal(again.code, 0, again.output);
    });

    it("the secrets are in no state, file or output: client secret and the secret PO number", async function () {
      const everything = await project.everything();
      assert.ok(!everything.includes(CANARY_SECRET), "the client secret is in no state or file");
      assert.ok(!everything.includes(PO_CANARY), "the secret PO number is in no state or file");
      const { resources } = await project.exportState();
      const [branch] = resources.filter((x) => String(x.urn).endsWith("::globex-branch"));
      assert.ok(JSON.stringify((branch.outputs as Record<string, unknown>).poNumber).includes("ciphertext"));
    });

    it("destroy places 0 orders and warns, per PBX, that nothing was cancelled", async function () {
      await project.mustRun(["state", "unprotect", "--all", "--yes"]);
      const r = await project.destroy();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal(orders().length, 4);
      assert.equal(sandbox.admin.products().length, 2, "the PBXs stay in the portal");
      for (const url of [HQ_URL, BRANCH_URL]) {
        assert.match(r.output, new RegExp(`PBX ${url.replace(/\./g, "\\.")} .*NOT cancelled`));
      }
      assert.ok(!r.output.includes(CANARY_SECRET));
    });

    it("none of the example's runs (preview, up, refresh, destroy) warned that the plugin came from PATH", function () {
      const runs = printed.slice(firstRun);
      assert.ok(runs.length >= 6, `the runs were recorded (${runs.length})`);
      assert.deepEqual(
        runs.filter((text) => AMBIENT_PLUGIN_WARNING.test(text)),
        [],
      );
    });
  });

  describe("pulumi import of a PBX bought outside the stack", function () {
    let project: PulumiProject;
    let legacy: { productNo: string; instanceId: string };
    let source: string;
    const header = "name: imported\nruntime: yaml\n";

    before(async function () {
      await buyFleet(sandbox.url, CANARY_SECRET, fleetOf(1, "legacy"));
      legacy = sandbox.admin.products().find((p) => p.pbxUrl.startsWith("legacy-01."))!;
      source = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-import-src-"));
      fs.writeFileSync(path.join(source, "Pulumi.yaml"), `${header}resources: {}\n`);
      project = await PulumiProject.create({
        name: "import",
        sourceDir: source,
        config: { "yeastar:clientId": "sandbox-client", "yeastar:baseUrl": sandbox.url },
        secrets: { "yeastar:clientSecret": CANARY_SECRET },
        // The plugin on PATH, as `npm install` of this package (node_modules/.bin) or the toolchain puts it.
        env: { PATH: `${PLUGIN_DIR}${path.delimiter}${pathWithoutPlugin()}` },
      });
      projects.push(project);
    });
    after(function () {
      if (source) fs.rmSync(source, { recursive: true, force: true });
    });

    it("without a billing contact, in an account with two, import fails saying how to name one", async function () {
      const r = await project.run(["import", PBX_TYPE, "legacy", legacy.instanceId, "--yes"]);
      printed.push(r.output);
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, /this account has 2: .*<name> \d+\/<billing contact email>/);
      assert.equal((await project.resourcesOfType(PBX_TYPE)).length, 0);
    });

    it("pulumi import records it with 0 orders and prints the program text", async function () {
      const before = orders().length;
      const generated = path.join(project.dir, "generated.yaml");
      const r = await project.run([
        "import",
        PBX_TYPE,
        "legacy",
        `${legacy.instanceId}/ap@acme.example`,
        "--yes",
        "--out",
        generated,
      ]);
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      assert.equal(orders().length, before);
      const text = fs.readFileSync(generated, "utf8");
      assert.match(text, /legacy:\n\s+type: yeastar:PSeriesCloudPbx/);
      assert.match(text, /subdomain: legacy-01\n/);
      assert.match(text, /extensions: 5\n/);
      assert.match(text, /billingContact: ap@acme\.example\n/);
      assert.doesNotMatch(text, /resolved|orderTimeoutSeconds/);
      const [pbx] = await project.resourcesOfType(PBX_TYPE);
      assert.equal(pbx.id, legacy.instanceId);
      assert.equal((pbx.outputs as Record<string, unknown>).productNo, legacy.productNo);
      fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), `${header}${text}`);
    });

    it("with the printed program a preview shows no change", async function () {
      const r = await project.preview(["--expect-no-changes"]);
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
    });

    it("raising extensions on the imported PBX places 1 order on its serial number", async function () {
      const file = path.join(project.dir, "Pulumi.yaml");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("extensions: 5\n", "extensions: 15\n"));
      const before = orders().length;
      const r = await project.up();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      const placed = orders().slice(before);
      assert.equal(placed.length, 1);
      assert.equal(placed[0].productNo, legacy.productNo);
      assert.deepEqual(
        placed[0].serviceList.map((s) => [s.serviceId, s.quantity]),
        [[SERVICES.extensionExpansion, 10]],
      );
      assert.ok(!(await project.everything()).includes(CANARY_SECRET));
    });
  });

  describe("an explicit provider resource with its own arguments", function () {
    it("buys with the provider's arguments, with no yeastar:* config and no YEASTAR_* variables", async function () {
      const source = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-explicit-src-"));
      fs.writeFileSync(
        path.join(source, "Pulumi.yaml"),
        [
          "name: explicit",
          "runtime: yaml",
          "config:",
          "  sandboxUrl:",
          "    type: string",
          "  sandboxSecret:",
          "    type: string",
          "resources:",
          "  partner:",
          "    type: pulumi:providers:yeastar",
          "    properties:",
          "      clientId: sandbox-client",
          "      clientSecret: ${sandboxSecret}",
          "      baseUrl: ${sandboxUrl}",
          "  branch:",
          `    type: ${PBX_TYPE}`,
          "    properties:",
          "      pbxName: Explicit Branch",
          "      subdomain: explicit-branch",
          "      region: Asia Pacific",
          "      plan: enterprise",
          "      extensions: 10",
          "      billingCycle: monthly",
          "      billingContact: billing@globex.example",
          "    options:",
          "      provider: ${partner}",
          "",
        ].join("\n"),
      );
      const env: Record<string, string | undefined> = {
        PATH: `${PLUGIN_DIR}${path.delimiter}${pathWithoutPlugin()}`,
      };
      for (const k of Object.keys(process.env)) if (k.startsWith("YEASTAR_")) env[k] = undefined;
      const project = await PulumiProject.create({
        name: "explicit",
        sourceDir: source,
        config: { sandboxUrl: sandbox.url },
        secrets: { sandboxSecret: CANARY_SECRET },
        env,
      });
      projects.push(project);
      fs.rmSync(source, { recursive: true, force: true });
      const before = orders().length;
      const r = await project.up();
      printed.push(r.output);
      assert.equal(r.code, 0, r.output);
      const placed = orders().slice(before);
      assert.deepEqual(
        placed.map((o) => [o.operationType, o.pbxUrl]),
        [["purchase_plan", "explicit-branch.ap.sandbox.yeastarcloud.com"]],
      );
      const [provider] = await project.resourcesOfType("pulumi:providers:yeastar");
      assert.match(JSON.stringify((provider.inputs as Record<string, unknown>).clientSecret), /ciphertext/);
      assert.ok(!(await project.everything()).includes(CANARY_SECRET), "the provider's secret argument is encrypted");
    });
  });

  describe("state size: one PBX, native against dynamic", function () {
    it("the native resource stores no provider code", async function () {
      const project = await pbxProject(sandbox, "dynamic-size");
      projects.push(project);
      await declare(project, [
        { name: "globex-hq", args: pbxArgs({ subdomain: "size-hq", extensions: 50, highAvailability: true }) },
      ]);
      const r = await project.up();
      assert.equal(r.code, 0, r.output);
      const { resources } = await project.exportState();
      const dynamicType = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";
      const dynamicBytes = stateBytes(resources, dynamicType, "globex-hq");
      const dynamic = resources.find((x) => x.type === dynamicType)!;
      const code = ["inputs", "outputs"]
        .map((k) => JSON.stringify((dynamic[k] as Record<string, unknown>).__provider ?? "").length)
        .reduce((a, b) => a + b, 0);
      console.log(
        `      state bytes per PBX: native ${nativeBytes}; dynamic ${dynamicBytes}, of which ${code} are its provider (inputs and outputs)`,
      );
      assert.ok(nativeBytes > 0 && dynamicBytes > 0);
      assert.ok(!nativeState.includes("__provider"), "no provider code in the native resource's state");
    });
  });
});
