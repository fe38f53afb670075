/**
 * PbxInboundRoute through the real CLI against the sandbox (which serves each PBX's own API): a PBX, two
 * extensions and a route to one of them are bought and created in one `up` (the route after its extension); a
 * route to an extension neither on the PBX nor in the program fails the preview naming the field and changes
 * nothing; a route changed on the PBX shows as drift after a refresh and is put back; trunks and destination are
 * an update of the same route, a new name a new route in its place; a route removed
 * from the program is deleted and the PBX keeps its extensions. Then the same kind in Pulumi YAML through the
 * native plugin: created, imported by "<pbxUrl>/<name>" into another stack with no change, and destroyed.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox, type Sandbox } from "../../sandbox";
import { CANARY_SECRET, declare, pbxArgs } from "../helpers/pbx";
import { PulumiProject } from "../helpers/pulumi";

const ROUTE_TYPE = "pulumi-nodejs:dynamic/yeastar:PbxInboundRoute";
const NATIVE_ROUTE_TYPE = "yeastar:index:PbxInboundRoute";
const PBX_SECRET = "pbx-canary-secret-91ad";

describe("inbound routes: a PBX's calls routed to an extension of the program", function () {
  let sandbox: Sandbox;
  let project: PulumiProject;
  const url = "route-hq.eu.sandbox.yeastarcloud.com";
  const orders = () => sandbox.admin.stats().orders;
  const requests = () => sandbox.admin.stats().requests as Record<string, number>;
  const routeWrites = () => {
    const r = requests();
    return {
      create: r.pbxInboundRouteCreate ?? 0,
      update: r.pbxInboundRouteUpdate ?? 0,
      delete: r.pbxInboundRouteDelete ?? 0,
    };
  };
  const onPbx = () => sandbox.admin.inboundRoutes(url);
  const extensions = [
    { name: "reception", pbx: "hq", args: { number: "1001", firstName: "Rita" } },
    { name: "sales", pbx: "hq", args: { number: "1002", firstName: "Sam" } },
  ];
  type RouteSpec = { name: string; pbx: string; to?: string; args: Record<string, unknown> };
  async function program(routes: RouteSpec[]) {
    await project.setConfig("e2e:routes", JSON.stringify(routes));
  }
  const mainLine = (over: Partial<RouteSpec> = {}, args: Record<string, unknown> = {}): RouteSpec => ({
    name: "main",
    pbx: "hq",
    to: "reception",
    ...over,
    args: { name: "main-line", trunks: ["sip-trunk-1"], didPatterns: ["5551000"], ...args },
  });

  before(async function () {
    sandbox = await startSandbox({ clientSecret: CANARY_SECRET, pbxClientSecret: PBX_SECRET });
    project = await PulumiProject.create({
      name: "inbound-routes",
      program: path.join(__dirname, "programs", "pbx.js"),
      config: {
        "yeastar:clientId": "sandbox-client",
        "yeastar:baseUrl": sandbox.url,
        "yeastar:pbxClientId": "pbx-client",
        "yeastar:pbxApiBaseUrl": `${sandbox.url}/pbx/{pbxUrl}`,
      },
      secrets: { "yeastar:clientSecret": CANARY_SECRET, "yeastar:pbxClientSecret": PBX_SECRET },
    });
    await declare(project, [{ name: "hq", args: pbxArgs({ subdomain: "route-hq", extensions: 10 }) }]);
    await project.setConfig("e2e:extensions", JSON.stringify(extensions));
  });
  after(async function () {
    project?.cleanup();
    await sandbox?.close();
  });

  it("one up buys the PBX, creates its 2 extensions and then the route to reception; the next preview is a no-op", async function () {
    await program([mainLine()]);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(orders().length, 1);
    assert.equal(sandbox.admin.extensions(url).length, 2);
    const routes = onPbx();
    assert.equal(routes.length, 1);
    assert.deepEqual(
      {
        name: routes[0].name,
        trunks: routes[0].trunk_list,
        dids: routes[0].did_pattern_list,
        dest: [routes[0].def_dest, routes[0].def_dest_value],
      },
      {
        name: "main-line",
        trunks: [{ name: "sip-trunk-1" }],
        dids: [{ did_pattern: "5551000" }],
        dest: ["extension", "1001"],
      },
    );
    assert.deepEqual(routeWrites(), { create: 1, update: 0, delete: 0 });
    const outputs = (await project.outputs()) as { routes: Record<string, { routeId: string; adopted: boolean }> };
    assert.equal(outputs.routes.main.routeId, routes[0].id);
    assert.equal(outputs.routes.main.adopted, false);
    const again = await project.preview(["--expect-no-changes"]);
    assert.equal(again.code, 0, again.output);
  });

  it("a route to extension 1099 (not on the PBX, not declared) fails the preview naming the field; nothing changes", async function () {
    sandbox.admin.resetCounters();
    const before = orders().length;
    await program([
      mainLine(),
      mainLine({ name: "night", to: undefined }, { name: "night", destinationExtension: "1099" }),
    ]);
    // `pulumi up` with its preview, as the CI recipes run it: the preview fails, so nothing runs.
    const up = await project.run(["up", "--yes"]);
    assert.notEqual(up.code, 0, up.output);
    assert.match(
      up.output,
      /destinationExtension is "1099": PBX route-hq\.eu\.sandbox\.yeastarcloud\.com has no extension 1099 \(it has 1001, 1002\)/,
    );
    assert.deepEqual(routeWrites(), { create: 0, update: 0, delete: 0 });
    assert.equal(orders().length, before);
    assert.equal(onPbx().length, 1);
    assert.equal(requests().pbxExtensionList, 1, "the PBX's extensions are read once for the preview");
  });

  it("a route sent elsewhere on the PBX: refresh shows the drift, and up puts the program's extension back", async function () {
    await program([mainLine()]);
    sandbox.admin.updateInboundRoute(url, "main-line", { def_dest_value: "1002" });
    const refresh = await project.refresh();
    assert.equal(refresh.code, 0, refresh.output);
    const [res] = await project.resourcesOfType(ROUTE_TYPE);
    assert.equal((res.outputs as { destinationExtension?: string }).destinationExtension, "1002");
    sandbox.admin.resetCounters();
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(onPbx()[0].def_dest_value, "1001");
    assert.deepEqual(routeWrites(), { create: 0, update: 1, delete: 0 });
  });

  it("new trunks and destination update the same route; a new name replaces the route", async function () {
    sandbox.admin.putTrunk(url, "sip-trunk-2");
    const id = onPbx()[0].id;
    await program([mainLine({ to: "sales" }, { trunks: ["sip-trunk-1", "sip-trunk-2"], didPatterns: ["555XXXX"] })]);
    sandbox.admin.resetCounters();
    const update = await project.up();
    assert.equal(update.code, 0, update.output);
    assert.deepEqual(routeWrites(), { create: 0, update: 1, delete: 0 });
    assert.deepEqual(
      onPbx().map((r) => [r.id, r.def_dest_value, r.trunk_list.length, r.did_pattern_list[0]?.did_pattern]),
      [[id, "1002", 2, "555XXXX"]],
    );

    await program([mainLine({ to: "sales" }, { name: "sales-line", trunks: ["sip-trunk-2"] })]);
    sandbox.admin.resetCounters();
    const rename = await project.up();
    assert.equal(rename.code, 0, rename.output);
    assert.deepEqual(routeWrites(), { create: 1, update: 0, delete: 1 });
    assert.deepEqual(
      onPbx().map((r) => r.name),
      ["sales-line"],
    );
    assert.notEqual(onPbx()[0].id, id, "another route, with its own id");
  });

  it("a route removed from the program is deleted; the PBX and its extensions stay; no order, no secret in state", async function () {
    const before = orders().length;
    await program([]);
    const up = await project.up();
    assert.equal(up.code, 0, up.output);
    assert.equal(onPbx().length, 0);
    assert.equal(sandbox.admin.extensions(url).length, 2);
    assert.equal(sandbox.admin.products().length, 1);
    assert.equal(orders().length, before);
    const everything = await project.everything();
    assert.ok(!everything.includes(PBX_SECRET), "the PBX API secret is in no state or file");
    assert.ok(!everything.includes(CANARY_SECRET), "the Partner API secret is in no state or file");
  });

  describe("in Pulumi YAML, through the native plugin", function () {
    let yaml: PulumiProject;
    let imported: PulumiProject;
    let source: string;
    const projectOf = async (name: string, body: string) => {
      fs.writeFileSync(
        path.join(source, "Pulumi.yaml"),
        `name: ${name}\nruntime: yaml\nplugins:\n  providers:\n    - name: yeastar\n      path: node_modules/pulumi-yeastar-pseries/bin\n${body}`,
      );
      return PulumiProject.create({
        name,
        sourceDir: source,
        config: {
          "yeastar:clientId": "sandbox-client",
          "yeastar:baseUrl": sandbox.url,
          "yeastar:pbxClientId": "pbx-client",
          "yeastar:pbxApiBaseUrl": `${sandbox.url}/pbx/{pbxUrl}`,
        },
        secrets: { "yeastar:clientSecret": CANARY_SECRET, "yeastar:pbxClientSecret": PBX_SECRET },
      });
    };
    const resources = `resources:
  front-desk:
    type: yeastar:index:PbxExtension
    properties:
      pbxUrl: ${url}
      number: "1003"
      firstName: Fay
  after-hours:
    type: yeastar:index:PbxInboundRoute
    properties:
      pbxUrl: ${url}
      name: after-hours
      trunks: [sip-trunk-1]
      destinationExtension: \${front-desk.number}
`;

    before(function () {
      source = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-routes-yaml-"));
    });
    after(function () {
      yaml?.cleanup();
      imported?.cleanup();
      if (source) fs.rmSync(source, { recursive: true, force: true });
    });

    it("creates the extension and then its route; importing the route by id into another stack changes nothing", async function () {
      yaml = await projectOf("inbound-routes-yaml", resources);
      sandbox.admin.resetCounters();
      const up = await yaml.up();
      assert.equal(up.code, 0, up.output);
      assert.deepEqual(routeWrites(), { create: 1, update: 0, delete: 0 });
      const route = onPbx().find((r) => r.name === "after-hours");
      assert.equal(route?.def_dest_value, "1003");
      const [res] = await yaml.resourcesOfType(NATIVE_ROUTE_TYPE);
      assert.equal((res.outputs as { routeId?: string }).routeId, route?.id);

      imported = await projectOf("inbound-routes-import", "resources: {}\n");
      sandbox.admin.resetCounters();
      const imp = await imported.run(["import", NATIVE_ROUTE_TYPE, "after-hours", `${url}/after-hours`, "--yes"]);
      assert.equal(imp.code, 0, imp.output);
      assert.deepEqual(routeWrites(), { create: 0, update: 0, delete: 0 });
      const [got] = await imported.resourcesOfType(NATIVE_ROUTE_TYPE);
      assert.deepEqual(
        [
          (got.outputs as { routeId?: string }).routeId,
          (got.outputs as { destinationExtension?: string }).destinationExtension,
        ],
        [route?.id, "1003"],
      );
    });

    it("destroy deletes the route and the extension it went to; the PBX stays", async function () {
      sandbox.admin.resetCounters();
      const destroy = await yaml.destroy();
      assert.equal(destroy.code, 0, destroy.output);
      assert.deepEqual(routeWrites(), { create: 0, update: 0, delete: 1 });
      assert.equal(onPbx().length, 0);
      assert.ok(!sandbox.admin.extensions(url).some((e) => e.number === "1003"));
      assert.equal(sandbox.admin.products().length, 1);
    });
  });
});
