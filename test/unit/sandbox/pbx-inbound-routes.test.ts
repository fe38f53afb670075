/**
 * The sandbox's inbound routes (sandbox/pbx-inbound-routes.ts, sandbox/pbx-routes.ts) over raw HTTP: what create
 * and update accept (each refusal an errcode naming the field), a route's trunks and extension must be the PBX's,
 * a name is unique on a PBX, list/get/delete, the admin helpers (routes, drift, trunks), counters and persistence.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../../sandbox";
import { token, withSandbox } from "./helpers";
import { pbxCall, pbxOf, pbxTokens } from "./pbx-helpers";

/** A create body the sandbox accepts (extension 1001 on the PBX's default trunk). */
function routeBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    trunk_list: [{ name: "sip-trunk-1" }],
    did_option: "patterns",
    did_pattern_list: [{ did_pattern: "555XXXX" }],
    def_dest: "extension",
    def_dest_value: "1001",
    ...extra,
  };
}

describe("sandbox: a PBX's inbound routes", () => {
  const ctx = withSandbox();
  let pbx: string;
  let access: string;
  beforeEach(async () => {
    pbx = await pbxOf(ctx, "acme-hq", 10);
    access = (await pbxTokens(ctx.sandbox, pbx)).access_token;
    ctx.sandbox.admin.putExtension(pbx, { number: "1001" });
    ctx.sandbox.admin.putExtension(pbx, { number: "1002" });
    ctx.sandbox.admin.resetCounters();
  });
  const create = (json: unknown) => pbxCall(ctx.sandbox, pbx, "inboundRouteCreate", { token: access, json });
  const update = (json: unknown) => pbxCall(ctx.sandbox, pbx, "inboundRouteUpdate", { token: access, json });
  const remove = (id?: number | string) =>
    pbxCall(ctx.sandbox, pbx, "inboundRouteDelete", { token: access, query: id === undefined ? {} : { id } });
  const get = (id: number | string) => pbxCall(ctx.sandbox, pbx, "inboundRouteGet", { token: access, query: { id } });
  const list = (query: Record<string, number> = {}) =>
    pbxCall(ctx.sandbox, pbx, "inboundRouteList", { token: access, query });
  const routes = () => ctx.sandbox.admin.inboundRoutes(pbx);

  describe("create", () => {
    it("answers the new id, and list and get read the route back", async () => {
      const created = await create(routeBody("main-line"));
      assert.equal(created.status, 200);
      assert.equal(created.body.errcode, 0);
      assert.equal(typeof created.body.id, "number");
      const wire = {
        id: created.body.id,
        name: "main-line",
        did_option: "patterns",
        did_pattern_list: [{ did_pattern: "555XXXX" }],
        trunk_list: [{ name: "sip-trunk-1" }],
        def_dest: "extension",
        def_dest_value: "1001",
      };
      const listed = await list();
      assert.equal(listed.body.errcode, 0);
      assert.equal(listed.body.total_number, 1);
      assert.deepEqual(listed.body.data, [wire]);
      const got = await get(created.body.id);
      assert.equal(got.body.errcode, 0);
      assert.deepEqual(got.body.data, wire);
      assert.deepEqual(routes(), [{ ...wire, id: String(created.body.id) }]);
    });

    it("requires name, trunk_list and def_dest: 40002 naming the field; nothing is stored", async () => {
      for (const field of ["name", "trunk_list", "def_dest"]) {
        const reply = await create(routeBody("main-line", { [field]: undefined }));
        assert.equal(reply.status, 200);
        assert.equal(reply.body.errcode, 40002, field);
        assert.match(reply.body.errmsg, new RegExp(`^${field}: required`));
      }
      const notObject = await create([routeBody("main-line")]);
      assert.equal(notObject.body.errcode, 40002);
      assert.match(notObject.body.errmsg, /^body: /);
      assert.deepEqual(routes(), []);
    });

    it("refuses a bad name, empty or malformed trunks, a bad DID pattern or destination, naming the field", async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ name: "main line" }, /^name: /],
        [{ name: "main/line" }, /^name: /],
        [{ name: 42 }, /^name: /],
        [{ trunk_list: [] }, /^trunk_list: at least one trunk is required/],
        [{ trunk_list: ["sip-trunk-1"] }, /^trunk_list: must be an array of \{name\}/],
        [{ trunk_list: "sip-trunk-1" }, /^trunk_list: must be an array/],
        [{ did_pattern_list: [{ did_pattern: "555-ABC" }] }, /^did_pattern_list: bad pattern 555-ABC/],
        [{ did_option: "all" }, /^did_option: /],
        [{ def_dest: "nowhere" }, /^def_dest: must be one of .*extension/],
        [{ def_dest_value: 1001 }, /^def_dest_value: must be a string/],
      ];
      for (const [patch, errmsg] of cases) {
        const reply = await create(routeBody("main-line", patch));
        assert.equal(reply.body.errcode, 40002, JSON.stringify(patch));
        assert.match(reply.body.errmsg, errmsg, JSON.stringify(patch));
      }
      assert.deepEqual(routes(), []);
    });

    it("refuses a trunk the PBX does not have, until the trunk is added", async () => {
      const body = routeBody("pstn", { trunk_list: [{ name: "sip-trunk-1" }, { name: "pstn-2" }] });
      const refused = await create(body);
      assert.equal(refused.body.errcode, 40002);
      assert.match(refused.body.errmsg, /^trunk_list: no trunk named pstn-2 on this PBX/);
      assert.deepEqual(routes(), []);
      assert.deepEqual(ctx.sandbox.admin.putTrunk(pbx, "pstn-2"), ["sip-trunk-1", "pstn-2"]);
      assert.equal((await create(body)).body.errcode, 0);
      assert.deepEqual(
        routes()[0].trunk_list.map((t) => t.name),
        ["sip-trunk-1", "pstn-2"],
      );
    });

    it("refuses an extension destination that is not on the PBX; other destinations need none", async () => {
      const absent = await create(routeBody("main-line", { def_dest_value: "9999" }));
      assert.equal(absent.body.errcode, 40002);
      assert.match(absent.body.errmsg, /^def_dest_value: no extension 9999 on this PBX/);
      const empty = await create(routeBody("main-line", { def_dest_value: undefined }));
      assert.match(empty.body.errmsg, /^def_dest_value: no extension \(empty\) on this PBX/);
      assert.deepEqual(routes(), []);
      const hangUp = await create(routeBody("hang-up", { def_dest: "end_call", def_dest_value: undefined }));
      assert.equal(hangUp.body.errcode, 0);
      assert.equal(routes()[0].def_dest_value, "");
    });

    it("refuses a name the PBX has (40004), whatever the other fields", async () => {
      assert.equal((await create(routeBody("main-line"))).body.errcode, 0);
      const again = await create(routeBody("main-line", { def_dest_value: "1002" }));
      assert.equal(again.body.errcode, 40004);
      assert.match(again.body.errmsg, /^name: inbound route main-line already exists/);
      assert.equal(routes().length, 1);
      assert.equal(routes()[0].def_dest_value, "1001");
      assert.equal((await create(routeBody("Main-Line"))).body.errcode, 0, "another name (names are case-sensitive)");
    });

    it("wants an access token (10004) and answers only for the PBX it is", async () => {
      const noToken = await pbxCall(ctx.sandbox, pbx, "inboundRouteCreate", { json: routeBody("main-line") });
      assert.equal(noToken.body.errcode, 10004);
      assert.deepEqual(routes(), []);
      const other = await pbxOf(ctx, "other-pbx");
      assert.equal((await create(routeBody("main-line"))).body.errcode, 0);
      const otherToken = (await pbxTokens(ctx.sandbox, other)).access_token;
      const otherList = await pbxCall(ctx.sandbox, other, "inboundRouteList", { token: otherToken });
      assert.equal(otherList.body.total_number, 0, "another PBX has its own routes");
    });
  });

  describe("list, get, update, delete", () => {
    it("list pages with page and page_size (at most 100)", async () => {
      for (const name of ["a", "b", "c", "d", "e"]) assert.equal((await create(routeBody(name))).body.errcode, 0);
      const second = await list({ page: 2, page_size: 2 });
      assert.equal(second.body.total_number, 5);
      assert.deepEqual(
        second.body.data.map((r: { name: string }) => r.name),
        ["c", "d"],
      );
      assert.equal((await list({ page_size: 101 })).body.errcode, 40002);
      assert.match((await list({ page: 0 })).body.errmsg, /^page: /);
    });

    it("get of an unknown id is 40006, of a bad id 40002", async () => {
      await create(routeBody("main-line"));
      assert.equal((await get(999)).body.errcode, 40006);
      assert.match((await get(999)).body.errmsg, /no inbound route with id 999/);
      assert.equal((await get("x")).body.errcode, 40002);
      assert.equal((await pbxCall(ctx.sandbox, pbx, "inboundRouteGet", { token: access })).body.errcode, 40002);
    });

    it("update sets the fields it is given, checked as at create", async () => {
      const id = (await create(routeBody("main-line"))).body.id as number;
      ctx.sandbox.admin.putTrunk(pbx, "pstn-2");
      const changed = await update({
        id,
        trunk_list: [{ name: "pstn-2" }],
        did_pattern_list: [],
        def_dest_value: "1002",
      });
      assert.equal(changed.body.errcode, 0);
      const stored = routes()[0];
      assert.equal(stored.name, "main-line", "a field not given is kept");
      assert.deepEqual(stored.trunk_list, [{ name: "pstn-2" }]);
      assert.deepEqual(stored.did_pattern_list, []);
      assert.equal(stored.def_dest, "extension");
      assert.equal(stored.def_dest_value, "1002");
      assert.equal((await update({ id, name: "renamed" })).body.errcode, 0);
      assert.equal((await get(id)).body.data.name, "renamed");
      assert.equal((await update({ id, name: "renamed" })).body.errcode, 0, "its own name is not taken");
      assert.equal((await update({ id, def_dest: "end_call" })).body.errcode, 0, "no extension needed");
    });

    it("update refuses an unknown id (40006), a taken name (40004), a bad trunk or extension (40002)", async () => {
      const id = (await create(routeBody("main-line"))).body.id as number;
      await create(routeBody("second"));
      const cases: Array<[Record<string, unknown>, number, RegExp]> = [
        [{ id: 999, name: "x" }, 40006, /no inbound route with id 999/],
        [{ name: "x" }, 40002, /^id: /],
        [{ id, name: "second" }, 40004, /^name: inbound route second already exists/],
        [{ id, trunk_list: [{ name: "pstn-9" }] }, 40002, /^trunk_list: no trunk named pstn-9/],
        [{ id, trunk_list: [] }, 40002, /^trunk_list: /],
        [{ id, def_dest_value: "9999" }, 40002, /^def_dest_value: no extension 9999/],
        [{ id, name: "has space" }, 40002, /^name: /],
      ];
      for (const [json, errcode, errmsg] of cases) {
        const reply = await update(json);
        assert.equal(reply.body.errcode, errcode, JSON.stringify(json));
        assert.match(reply.body.errmsg, errmsg, JSON.stringify(json));
      }
      assert.deepEqual(
        routes().map((r) => [r.name, r.trunk_list[0].name, r.def_dest_value]),
        [
          ["main-line", "sip-trunk-1", "1001"],
          ["second", "sip-trunk-1", "1001"],
        ],
        "a refused update changes nothing",
      );
    });

    it("delete removes the route for good; an unknown id is 40006; ids are not used twice", async () => {
      const id = (await create(routeBody("main-line"))).body.id as number;
      assert.equal((await remove(999)).body.errcode, 40006);
      assert.equal((await remove()).body.errcode, 40002);
      assert.equal((await remove("x")).body.errcode, 40002);
      assert.equal(routes().length, 1);
      assert.equal((await remove(id)).body.errcode, 0);
      assert.deepEqual(routes(), []);
      assert.equal((await get(id)).body.errcode, 40006);
      assert.equal((await remove(id)).body.errcode, 40006);
      const next = (await create(routeBody("main-line"))).body.id as number;
      assert.notEqual(next, id);
    });

    it("counts each request in stats, refused ones too", async () => {
      const id = (await create(routeBody("main-line"))).body.id as number;
      await create(routeBody("main-line"));
      await list();
      await get(id);
      await get(id);
      await update({ id, def_dest_value: "1002" });
      await remove(id);
      const r = ctx.sandbox.admin.stats().requests;
      assert.deepEqual(
        [
          r.pbxInboundRouteCreate,
          r.pbxInboundRouteList,
          r.pbxInboundRouteGet,
          r.pbxInboundRouteUpdate,
          r.pbxInboundRouteDelete,
        ],
        [2, 1, 2, 1, 1],
      );
      assert.equal(r.pbxExtensionList, 0);
    });

    it("an injected fault after the commit leaves the route created", async () => {
      ctx.sandbox.admin.addFault({ endpoint: "pbxInboundRouteCreate", status: 500, afterCommit: true, times: 1 });
      const reply = await create(routeBody("main-line"));
      assert.equal(reply.status, 500);
      assert.equal(routes().length, 1);
      assert.equal((await create(routeBody("main-line"))).body.errcode, 40004);
    });
  });

  describe("admin helpers", () => {
    it("inboundRoutes hands out copies; updateInboundRoute changes a route as someone on the PBX would", async () => {
      const id = (await create(routeBody("main-line"))).body.id as number;
      routes()[0].name = "mutated";
      assert.equal(routes()[0].name, "main-line", "a copy");
      const drifted = ctx.sandbox.admin.updateInboundRoute(pbx, "main-line", {
        def_dest: "ivr",
        def_dest_value: "6200",
      });
      assert.equal(drifted.def_dest, "ivr");
      assert.equal((await get(id)).body.data.def_dest, "ivr");
      assert.equal((await get(id)).body.data.def_dest_value, "6200");
      assert.throws(
        () => ctx.sandbox.admin.updateInboundRoute(pbx, "absent", { def_dest: "ivr" }),
        /no inbound route absent/,
      );
      assert.throws(
        () => ctx.sandbox.admin.updateInboundRoute(pbx, "main-line", { colour: "red" } as never),
        /unknown inbound route field: colour/,
      );
      assert.throws(() => ctx.sandbox.admin.inboundRoutes("nobody.eu.sandbox.yeastarcloud.com"), /no active PBX/);
    });

    it("trunks: sip-trunk-1 until others are added; a bad trunk name is refused; each PBX has its own", async () => {
      assert.deepEqual(ctx.sandbox.admin.trunks(pbx), ["sip-trunk-1"]);
      ctx.sandbox.admin.putTrunk(pbx, "pstn-2");
      assert.deepEqual(ctx.sandbox.admin.putTrunk(pbx, "pstn-2"), ["sip-trunk-1", "pstn-2"], "added once");
      assert.throws(() => ctx.sandbox.admin.putTrunk(pbx, "has space"), /a trunk name is 1 to 63 characters/);
      const other = await pbxOf(ctx, "other-pbx");
      assert.deepEqual(ctx.sandbox.admin.trunks(other), ["sip-trunk-1"]);
    });

    it("are served over HTTP under /__admin/pbx/<pbxUrl>/inbound-routes and /trunks", async () => {
      const json = { "Content-Type": "application/json" };
      const base = `${ctx.sandbox.url}/__admin/pbx/${pbx}`;
      const put = await fetch(`${base}/trunks`, {
        method: "PUT",
        headers: json,
        body: JSON.stringify({ name: "pstn-2" }),
      });
      assert.equal(put.status, 200);
      assert.deepEqual(await put.json(), ["sip-trunk-1", "pstn-2"]);
      const bad = await fetch(`${base}/trunks`, { method: "PUT", headers: json, body: JSON.stringify({}) });
      assert.equal(bad.status, 400);
      assert.deepEqual(await (await fetch(`${base}/trunks`)).json(), ["sip-trunk-1", "pstn-2"]);
      await create(routeBody("main-line", { trunk_list: [{ name: "pstn-2" }] }));
      const patch = await fetch(`${base}/inbound-routes/main-line`, {
        method: "PATCH",
        headers: json,
        body: JSON.stringify({ def_dest_value: "1002" }),
      });
      assert.equal(patch.status, 200);
      assert.equal(((await patch.json()) as { def_dest_value: string }).def_dest_value, "1002");
      const listed = (await (await fetch(`${base}/inbound-routes`)).json()) as Array<{ name: string; id: string }>;
      assert.deepEqual(
        listed.map((r) => [r.name, typeof r.id]),
        [["main-line", "string"]],
      );
      const absent = await fetch(`${base}/inbound-routes/absent`, { method: "PATCH", headers: json, body: "{}" });
      assert.equal(absent.status, 404);
      assert.equal((await fetch(`${ctx.sandbox.url}/__admin/pbx/nobody.example/inbound-routes`)).status, 404);
      assert.equal(ctx.sandbox.admin.stats().requests.pbxInboundRouteList, 0, "the admin surface is not counted");
    });

    it("reset and a deleted product forget the routes and trunks", async () => {
      await create(routeBody("main-line"));
      ctx.sandbox.admin.putTrunk(pbx, "pstn-2");
      const productNo = ctx.sandbox.admin.products()[0].productNo;
      ctx.sandbox.admin.deleteProduct(productNo);
      const again = await pbxOf(ctx, "acme-hq");
      assert.deepEqual(ctx.sandbox.admin.inboundRoutes(again), [], "a PBX bought again under the URL starts empty");
      assert.deepEqual(ctx.sandbox.admin.trunks(again), ["sip-trunk-1"]);
      ctx.sandbox.admin.putTrunk(again, "pstn-3");
      ctx.sandbox.admin.reset();
      ctx.token = await token(ctx.sandbox);
      const third = await pbxOf(ctx, "acme-hq");
      assert.deepEqual(ctx.sandbox.admin.trunks(third), ["sip-trunk-1"]);
    });
  });

  describe("persistence", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "yeastar-sandbox-routes-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("keeps routes and trunks in the state file", async () => {
      const stateFile = join(dir, "state.json");
      const first = await startSandbox({ stateFile });
      let url: string;
      let id: number;
      try {
        url = await pbxOf({ sandbox: first, token: await token(first) }, "persisted");
        const t = (await pbxTokens(first, url)).access_token;
        first.admin.putExtension(url, { number: "1001" });
        first.admin.putTrunk(url, "pstn-2");
        const created = await pbxCall(first, url, "inboundRouteCreate", { token: t, json: routeBody("main-line") });
        assert.equal(created.body.errcode, 0);
        id = created.body.id as number;
      } finally {
        await first.close();
      }
      const second = await startSandbox({ stateFile });
      try {
        assert.deepEqual(second.admin.trunks(url), ["sip-trunk-1", "pstn-2"]);
        assert.deepEqual(
          second.admin.inboundRoutes(url).map((r) => [r.id, r.name]),
          [[String(id), "main-line"]],
        );
        const t = (await pbxTokens(second, url)).access_token;
        const next = await pbxCall(second, url, "inboundRouteCreate", { token: t, json: routeBody("second") });
        assert.notEqual(next.body.id, id, "the next id survived too");
      } finally {
        await second.close();
      }
    });
  });
});
