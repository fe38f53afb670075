/**
 * The inbound-route calls of the PBX client (provider/client/pbx-route-calls.ts): over a fake channel (paging,
 * the wire shape both ways, ids checked before anything is sent), through PbxClient with an injected fetch (the
 * errors and their advice, writes sent once, reads retried), and against the sandbox's PBX API.
 */
import * as assert from "node:assert/strict";
import * as sinon from "sinon";
import type { InboundRouteFields } from "../../../provider/api/pbx-inbound-routes";
import { ApiError, ConfigError } from "../../../provider/client/errors";
import { pbxErrcodeOf, type PbxCall } from "../../../provider/client/pbx-call";
import { PbxClient, type PbxClientOptions } from "../../../provider/client/pbx-client";
import * as routes from "../../../provider/client/pbx-route-calls";
import type { FetchLike } from "../../../provider/client/transport";
import { startSandbox, type Sandbox } from "../../../sandbox";
import { token } from "../sandbox/helpers";
import { pbxOf } from "../sandbox/pbx-helpers";

const FIELDS: InboundRouteFields = {
  name: "main-line",
  trunks: ["sip-trunk-1", "pstn-2"],
  didPatterns: ["555XXXX"],
  destinationExtension: "1001",
};
const BODY = {
  name: "main-line",
  trunk_list: [{ name: "sip-trunk-1" }, { name: "pstn-2" }],
  did_option: "patterns",
  did_pattern_list: [{ did_pattern: "555XXXX" }],
  def_dest: "extension",
  def_dest_value: "1001",
};
const wireRoute = (id: number, over: Record<string, unknown> = {}) => ({ ...BODY, id, name: `route-${id}`, ...over });

/** A channel whose replies are parsed with the call's schema, as the client's are. */
function fakeChannel(answer: (spec: PbxCall<unknown>) => unknown) {
  const seen: Array<PbxCall<unknown>> = [];
  const run = async (spec: PbxCall<unknown>) => {
    seen.push(spec);
    return spec.schema.parse({ errcode: 0, errmsg: "SUCCESS", ...(answer(spec) as object) });
  };
  const channel = { read: sinon.spy(run), sendOnce: sinon.spy(run) } as unknown as routes.PbxChannel & {
    read: sinon.SinonSpy;
    sendOnce: sinon.SinonSpy;
  };
  return { channel, seen };
}

describe("PBX client: inbound-route calls over a channel", () => {
  it("list pages through 250 routes, 100 a page, as reads", async () => {
    const all = Array.from({ length: 250 }, (_, i) => wireRoute(i + 1));
    const { channel, seen } = fakeChannel((spec) => {
      const { page, page_size } = spec.query as { page: number; page_size: number };
      return { total_number: all.length, data: all.slice((page - 1) * page_size, page * page_size) };
    });
    const listed = await routes.listInboundRoutes(channel);
    assert.equal(listed.length, 250);
    assert.equal(new Set(listed.map((r) => r.id)).size, 250);
    assert.deepEqual(
      seen.map((s) => [s.endpoint, s.method, s.query?.page, s.query?.page_size]),
      [
        ["inboundRouteList", "GET", 1, 100],
        ["inboundRouteList", "GET", 2, 100],
        ["inboundRouteList", "GET", 3, 100],
      ],
    );
    assert.equal(channel.sendOnce.callCount, 0, "a list is a read (retried), never a write");
    assert.deepEqual(listed[249], {
      id: "250",
      name: "route-250",
      trunks: ["sip-trunk-1", "pstn-2"],
      didPatterns: ["555XXXX"],
      destinationType: "extension",
      destinationExtension: "1001",
    });
  });

  it("list stops at total_number, counts a route repeated across pages once, and stops a list that never ends", async () => {
    const full = Array.from({ length: 100 }, (_, i) => wireRoute(i + 1));
    const exact = fakeChannel(() => ({ total_number: 100, data: full }));
    assert.equal((await routes.listInboundRoutes(exact.channel)).length, 100);
    assert.equal(exact.seen.length, 1, "a full page that is the whole list is the last");
    let next = 0;
    const endless = fakeChannel(() => ({
      total_number: 1_000_000,
      data: Array.from({ length: 100 }, () => wireRoute(++next)),
    }));
    assert.equal((await routes.listInboundRoutes(endless.channel)).length, 10_000);
    assert.equal(endless.seen.length, 100, "stopped after 100 pages");
    const same = fakeChannel(() => ({ total_number: 150, data: full }));
    const once = await routes.listInboundRoutes(same.channel);
    assert.equal(once.length, 100);
    assert.equal(same.seen.length, 100, "a server repeating a page is stopped too");
  });

  it("reads the wire shapes the PBX may send: bare trunk and pattern names, numbers, other destinations", async () => {
    const { channel } = fakeChannel(() => ({
      total_number: 3,
      data: [
        {
          id: 1,
          name: "bare",
          trunk_list: ["t1"],
          did_pattern_list: ["5551234"],
          def_dest: "extension",
          def_dest_value: 1001,
        },
        {
          id: "2",
          name: "all-calls",
          did_option: "all",
          did_pattern_list: [{ did_pattern: "1" }],
          def_dest: "ivr",
          def_dest_value: "6200",
        },
        { id: 3, name: "minimal" },
      ],
    }));
    assert.deepEqual(await routes.listInboundRoutes(channel), [
      {
        id: "1",
        name: "bare",
        trunks: ["t1"],
        didPatterns: ["5551234"],
        destinationType: "extension",
        destinationExtension: "1001",
      },
      { id: "2", name: "all-calls", trunks: [], didPatterns: [], destinationType: "ivr", destinationExtension: "" },
      { id: "3", name: "minimal", trunks: [], didPatterns: [], destinationType: "", destinationExtension: "" },
    ]);
    const bad = fakeChannel(() => ({ total_number: 1, data: [{ id: 1 }] }));
    await assert.rejects(routes.listInboundRoutes(bad.channel), /name/);
  });

  it("create sends the route once and returns the PBX's id as a string", async () => {
    const { channel, seen } = fakeChannel(() => ({ id: 41 }));
    assert.equal(await routes.createInboundRoute(channel, FIELDS), "41");
    assert.equal(channel.sendOnce.callCount, 1);
    assert.equal(channel.read.callCount, 0);
    assert.deepEqual(
      { endpoint: seen[0].endpoint, method: seen[0].method, json: seen[0].json, operation: seen[0].operation },
      { endpoint: "inboundRouteCreate", method: "POST", json: BODY, operation: "create inbound route main-line" },
    );
    const none = fakeChannel(() => ({ id: 42 }));
    await routes.createInboundRoute(none.channel, { ...FIELDS, didPatterns: [] });
    assert.deepEqual((none.seen[0].json as { did_pattern_list: unknown }).did_pattern_list, []);
  });

  it("update sends every field with the numeric id; delete is a GET of ?id=; both once", async () => {
    const { channel, seen } = fakeChannel(() => ({}));
    await routes.updateInboundRoute(channel, "7", FIELDS);
    await routes.deleteInboundRoute(channel, "7");
    assert.equal(channel.sendOnce.callCount, 2);
    assert.deepEqual(seen[0].json, { id: 7, ...BODY });
    assert.equal(seen[0].endpoint, "inboundRouteUpdate");
    assert.equal(seen[0].operation, "update inbound route main-line (id 7)");
    assert.deepEqual(
      [seen[1].endpoint, seen[1].method, seen[1].json, seen[1].query, seen[1].operation],
      ["inboundRouteDelete", "GET", undefined, { id: "7" }, "delete inbound route id 7"],
    );
  });

  it("get reads one route; an id that is not a decimal number is refused before anything is sent", async () => {
    const { channel, seen } = fakeChannel(() => ({ data: wireRoute(7) }));
    assert.equal((await routes.getInboundRoute(channel, "7"))?.name, "route-7");
    assert.deepEqual(seen[0].query, { id: "7" });
    for (const bad of ["", "7; drop", "-1", "abc", 7 as unknown as string]) {
      await assert.rejects(routes.getInboundRoute(channel, bad), ConfigError);
      await assert.rejects(routes.updateInboundRoute(channel, bad, FIELDS), /an inbound route id is a decimal number/);
      await assert.rejects(routes.deleteInboundRoute(channel, bad), ConfigError);
    }
    assert.equal(seen.length, 1);
  });

  it("get answers undefined only for the PBX's own 40006 on a good HTTP status", async () => {
    const refusal = (httpStatus: number, code: string, fromEnvelope = true) =>
      new ApiError({ operation: "get inbound route", httpStatus, code, retryable: false, fromEnvelope });
    const failing = (err: Error): routes.PbxChannel => ({
      read: () => Promise.reject(err),
      sendOnce: () => Promise.reject(err),
    });
    assert.equal(await routes.getInboundRoute(failing(refusal(200, "40006")), "7"), undefined);
    for (const err of [refusal(404, "40006"), refusal(200, "40002"), refusal(200, "40006", false)]) {
      await assert.rejects(routes.getInboundRoute(failing(err), "7"), (e: unknown) => e === err);
    }
  });
});

describe("PBX client: inbound-route errors, through an injected fetch", () => {
  interface Seen {
    path: string;
    query: string;
    method: string;
    body?: string;
  }
  type Reply = { status?: number; body: Record<string, unknown> };

  function client(answers: Record<string, Reply[]>, extra: Partial<PbxClientOptions> = {}) {
    const seen: Seen[] = [];
    const fetch: FetchLike = async (url, init) => {
      const path = new URL(url).pathname.replace(/^.*\/openapi\/v1\.0\//, "");
      const params = new URL(url).searchParams;
      params.delete("access_token");
      seen.push({ path, query: params.toString(), method: init.method, body: init.body });
      const reply: Reply =
        path === "get_token"
          ? {
              body: {
                errcode: 0,
                errmsg: "SUCCESS",
                access_token: "access-1",
                access_token_expire_time: 1800,
                refresh_token: "refresh-1",
                refresh_token_expire_time: 86400,
              },
            }
          : (answers[path]?.shift() ?? { body: { errcode: 0, errmsg: "SUCCESS" } });
      const text = JSON.stringify(reply.body);
      return { status: reply.status ?? 200, headers: { get: () => null }, text: async () => text };
    };
    const c = new PbxClient({
      baseUrl: "https://acme-hq.eu.yeastarcloud.com",
      clientId: "pbx-client",
      clientSecret: "pbx-secret",
      retries: 2,
      retryBaseDelayMs: 1,
      fetch,
      ...extra,
    });
    const sent = (path: string) => seen.filter((s) => s.path === path);
    return { c, seen, sent };
  }
  const failure = async (p: Promise<unknown>) =>
    p.then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e as ApiError,
    );

  it("sends the calls to inbound_route/* with the route's body", async () => {
    const { c, sent } = client({
      "inbound_route/create": [{ body: { errcode: 0, errmsg: "SUCCESS", id: 41 } }],
      "inbound_route/list": [{ body: { errcode: 0, errmsg: "SUCCESS", total_number: 1, data: [wireRoute(41)] } }],
    });
    assert.equal(await c.createInboundRoute(FIELDS), "41");
    assert.deepEqual(JSON.parse(sent("inbound_route/create")[0].body ?? ""), BODY);
    assert.equal(sent("inbound_route/create")[0].method, "POST");
    assert.equal((await c.listInboundRoutes())[0].id, "41");
    assert.equal(sent("inbound_route/list")[0].method, "GET");
    await c.updateInboundRoute("41", FIELDS);
    await c.deleteInboundRoute("41");
    assert.deepEqual(JSON.parse(sent("inbound_route/update")[0].body ?? ""), { id: 41, ...BODY });
    const deleted = sent("inbound_route/delete")[0];
    assert.deepEqual([deleted.method, deleted.query, deleted.body], ["GET", "id=41", undefined]);
    assert.equal(sent("inbound_route/list")[0].query, "page=1&page_size=100");
    assert.deepEqual(
      [c.stats.calls.inboundRouteCreate, c.stats.calls.inboundRouteList, c.stats.calls.inboundRouteDelete],
      [1, 1, 1],
    );
  });

  it("a taken name (40004): a definite refusal naming the route, sent once", async () => {
    const { c, sent } = client({
      "inbound_route/create": [{ body: { errcode: 40004, errmsg: "name: inbound route main-line already exists" } }],
    });
    const err = await failure(c.createInboundRoute(FIELDS));
    assert.ok(err instanceof ApiError);
    assert.equal(pbxErrcodeOf(err), 40004);
    assert.equal(err.ambiguous, false);
    assert.match(err.message, /create inbound route main-line/);
    assert.match(err.message, /name: inbound route main-line already exists/);
    assert.match(
      err.message,
      /Nothing was changed on the PBX\. That inbound route name is taken on the PBX: import the route or choose another name/,
    );
    assert.doesNotMatch(err.message, /extension number/);
    assert.equal(sent("inbound_route/create").length, 1);
  });

  it("an unknown id (40006) on update or delete says the route is gone, not an extension", async () => {
    const gone = { body: { errcode: 40006, errmsg: "no inbound route with id 7" } };
    const { c } = client({ "inbound_route/update": [gone], "inbound_route/delete": [gone] });
    for (const call of [c.updateInboundRoute("7", FIELDS), c.deleteInboundRoute("7")]) {
      const err = await failure(call);
      assert.equal(pbxErrcodeOf(err), 40006);
      assert.match(err.message, /The PBX has no inbound route with that id \(was it deleted on the PBX\?\)/);
      assert.doesNotMatch(err.message, /no extension with that id/);
    }
  });

  it("a 5xx on a write is ambiguous, not sent again, and says to look the route up by its name", async () => {
    const { c, sent } = client({
      "inbound_route/create": [{ status: 503, body: { errcode: 50000, errmsg: "busy" } }],
    });
    const err = await failure(c.createInboundRoute(FIELDS));
    assert.equal(err.ambiguous, true);
    assert.match(err.message, /may or may not have carried out "create inbound route main-line"/);
    assert.match(err.message, /first look the inbound route up by its name/);
    assert.equal(sent("inbound_route/create").length, 1);
  });

  it("a bad parameter (40002) says what to fix; a list is retried on a 5xx", async () => {
    const { c, sent } = client({
      "inbound_route/create": [{ body: { errcode: 40002, errmsg: "trunk_list: no trunk named pstn-2 on this PBX" } }],
      "inbound_route/list": [
        { status: 502, body: { errcode: 50000, errmsg: "bad gateway" } },
        { body: { errcode: 0, errmsg: "SUCCESS", total_number: 0, data: [] } },
      ],
    });
    const err = await failure(c.createInboundRoute(FIELDS));
    assert.equal(err.ambiguous, false);
    assert.match(err.message, /trunk_list: no trunk named pstn-2 on this PBX/);
    assert.match(err.message, /Nothing was changed on the PBX\. Fix the request values named above/);
    assert.deepEqual(await c.listInboundRoutes(), []);
    assert.equal(sent("inbound_route/list").length, 2);
  });
});

describe("PBX client: inbound routes against the sandbox", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let pbx: string;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());
  beforeEach(async () => {
    sandbox.admin.reset();
    pbx = await pbxOf({ sandbox, token: await token(sandbox) }, "acme-hq", 10);
    sandbox.admin.putExtension(pbx, { number: "1001" });
    sandbox.admin.putExtension(pbx, { number: "1002" });
    sandbox.admin.putTrunk(pbx, "pstn-2");
    sandbox.admin.resetCounters();
  });
  const client = () =>
    new PbxClient({
      baseUrl: sandbox.pbxBaseUrl(pbx),
      clientId: "pbx-client",
      clientSecret: "pbx-secret",
      retries: 2,
      retryBaseDelayMs: 10,
    });

  it("create, list, get, update and delete a route", async () => {
    const c = client();
    const id = await c.createInboundRoute(FIELDS);
    assert.match(id, /^\d+$/);
    const expected = { ...FIELDS, id, destinationType: "extension" };
    assert.deepEqual(await c.listInboundRoutes(), [expected]);
    assert.deepEqual(await c.getInboundRoute(id), expected);
    await c.updateInboundRoute(id, { ...FIELDS, trunks: ["pstn-2"], didPatterns: [], destinationExtension: "1002" });
    assert.deepEqual(await c.getInboundRoute(id), {
      ...expected,
      trunks: ["pstn-2"],
      didPatterns: [],
      destinationExtension: "1002",
    });
    await c.deleteInboundRoute(id);
    assert.deepEqual(sandbox.admin.inboundRoutes(pbx), []);
    assert.equal(await c.getInboundRoute(id), undefined);
    await assert.rejects(c.deleteInboundRoute(id), (e: unknown) => pbxErrcodeOf(e) === 40006);
    const r = sandbox.admin.stats().requests;
    assert.deepEqual([r.pbxInboundRouteCreate, r.pbxInboundRouteUpdate, r.pbxInboundRouteDelete], [1, 1, 2]);
  });

  it("lists 150 routes in two pages", async () => {
    const c = client();
    for (let i = 0; i < 150; i++) await c.createInboundRoute({ ...FIELDS, name: `route-${i}` });
    sandbox.admin.resetCounters();
    const all = await c.listInboundRoutes();
    assert.equal(all.length, 150);
    assert.equal(new Set(all.map((r) => r.name)).size, 150);
    assert.equal(sandbox.admin.stats().requests.pbxInboundRouteList, 2);
  });

  it("the sandbox's refusals come back as the PBX's errors: unknown trunk, absent extension, taken name", async () => {
    const c = client();
    const trunk = await failure(c.createInboundRoute({ ...FIELDS, trunks: ["pstn-9"] }));
    assert.equal(pbxErrcodeOf(trunk), 40002);
    assert.match(trunk.message, /trunk_list: no trunk named pstn-9 on this PBX/);
    const ext = await failure(c.createInboundRoute({ ...FIELDS, destinationExtension: "9999" }));
    assert.match(ext.message, /def_dest_value: no extension 9999 on this PBX/);
    await c.createInboundRoute(FIELDS);
    const taken = await failure(c.createInboundRoute(FIELDS));
    assert.equal(pbxErrcodeOf(taken), 40004);
    assert.match(taken.message, /That inbound route name is taken on the PBX/);
    assert.equal(sandbox.admin.inboundRoutes(pbx).length, 1);
  });

  it("a reply lost after the commit is ambiguous; the route exists once and is found by name", async () => {
    const c = client();
    sandbox.admin.addFault({ endpoint: "pbxInboundRouteCreate", drop: true, afterCommit: true, times: 1 });
    const err = await failure(c.createInboundRoute(FIELDS));
    assert.equal(err.ambiguous, true);
    assert.equal(sandbox.admin.stats().requests.pbxInboundRouteCreate, 1);
    assert.deepEqual(
      (await c.listInboundRoutes()).map((r) => r.name),
      ["main-line"],
    );
  });

  const failure = async (p: Promise<unknown>) =>
    p.then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e as ApiError,
    );
});
