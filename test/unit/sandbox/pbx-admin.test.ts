/**
 * The sandbox's PBX API under test control: faults (before and after a write is committed), the rate limit (a
 * bucket per PBX), counters, the admin helpers for extensions (in process and over HTTP), and persistence.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "../../../sandbox";
import { token, withSandbox } from "./helpers";
import { createBody, pbxCall, pbxOf, pbxTokens } from "./pbx-helpers";

describe("sandbox: a PBX's API under test control", () => {
  const ctx = withSandbox();
  let pbx: string;
  let access: string;
  beforeEach(async () => {
    pbx = await pbxOf(ctx, "acme-hq", 20);
    access = (await pbxTokens(ctx.sandbox, pbx)).access_token;
    ctx.sandbox.admin.resetCounters();
  });
  const list = () => pbxCall(ctx.sandbox, pbx, "extensionList", { token: access });
  const create = (number: string) =>
    pbxCall(ctx.sandbox, pbx, "extensionCreate", { token: access, json: createBody(number) });

  describe("faults", () => {
    it("a status fault answers that status with an errcode (50000, 40029 with Retry-After, or the one given)", async () => {
      ctx.sandbox.admin.addFault({ endpoint: "pbxExtensionList", status: 503, times: 1 });
      ctx.sandbox.admin.addFault({ endpoint: "pbxExtensionList", status: 429, retryAfterSeconds: 3, times: 1 });
      ctx.sandbox.admin.addFault({ endpoint: "pbxExtensionList", status: 200, errcode: 40029, times: 1 });
      const first = await list();
      assert.equal(first.status, 503);
      assert.equal(first.body.errcode, 50000);
      const second = await list();
      assert.equal(second.status, 429);
      assert.equal(second.body.errcode, 40029);
      assert.equal(second.headers.get("retry-after"), "3");
      const third = await list();
      assert.equal(third.status, 200);
      assert.equal(third.body.errcode, 40029);
      assert.equal((await list()).body.errcode, 0);
      assert.equal(ctx.sandbox.admin.stats().requests.pbxExtensionList, 4, "faulted requests are counted");
    });

    it("afterCommit on a write: the extension is stored, then the fault answers", async () => {
      ctx.sandbox.admin.addFault({ endpoint: "pbxExtensionCreate", status: 500, afterCommit: true, times: 1 });
      const reply = await create("101");
      assert.equal(reply.status, 500);
      assert.deepEqual(
        ctx.sandbox.admin.extensions(pbx).map((e) => e.number),
        ["101"],
      );
      ctx.sandbox.admin.addFault({ endpoint: "pbxExtensionDelete", malformed: true, afterCommit: true, times: 1 });
      const id = ctx.sandbox.admin.extensions(pbx)[0].id;
      const res = await fetch(
        `${ctx.sandbox.pbxBaseUrl(pbx)}/openapi/v1.0/extension/delete?id=${id}&access_token=${access}`,
        { headers: { "User-Agent": "t" } },
      );
      const text = await res.text();
      assert.ok(text.length > 0 && text.startsWith('{"errcode":0'), text);
      assert.throws(() => JSON.parse(text), SyntaxError, "the committed reply, cut in half");
      assert.equal(ctx.sandbox.admin.extensions(pbx).length, 0);
    });

    it("a fault before the write leaves nothing stored; a dropped connection too", async () => {
      ctx.sandbox.admin.addFault({ endpoint: "pbxExtensionCreate", drop: true, times: 1 });
      await assert.rejects(create("101"));
      assert.equal(ctx.sandbox.admin.extensions(pbx).length, 0);
    });

    it("refuses afterCommit on a read, errcode on a Partner Portal endpoint, and unknown endpoints", () => {
      assert.throws(() => ctx.sandbox.admin.addFault({ endpoint: "pbxCapacity", status: 500, afterCommit: true }));
      assert.throws(() => ctx.sandbox.admin.addFault({ endpoint: "regionList", status: 500, errcode: 1 }));
      assert.throws(
        () => ctx.sandbox.admin.addFault({ endpoint: "pbxNothing" as "pbxToken", status: 500 }),
        /pbxExtensionDelete/,
      );
    });
  });

  describe("rate limit", () => {
    it("answers HTTP 429 errcode 40029 with Retry-After beyond rateLimitPerSecond, a bucket per PBX", async () => {
      const other = await pbxOf(ctx, "other-pbx");
      const otherToken = (await pbxTokens(ctx.sandbox, other)).access_token;
      ctx.sandbox.admin.setConfig({ rateLimitPerSecond: 1 });
      assert.equal((await list()).body.errcode, 0);
      const limited = await list();
      assert.equal(limited.status, 429);
      assert.equal(limited.body.errcode, 40029);
      assert.equal(limited.headers.get("retry-after"), "1");
      const elsewhere = await pbxCall(ctx.sandbox, other, "capacity", { token: otherToken });
      assert.equal(elsewhere.body.errcode, 0, "another PBX has its own limit");
      const stats = ctx.sandbox.admin.stats();
      assert.equal(stats.rateLimited.pbxExtensionList, 1);
      assert.equal(stats.requests.pbxExtensionList, 2);
    });
  });

  describe("admin helpers", () => {
    it("putExtension seeds an extension or replaces the one with its number; updateExtension drifts one", async () => {
      const seeded = ctx.sandbox.admin.putExtension(pbx, { number: "200", first_name: "Grace", last_name: "Hopper" });
      assert.equal(seeded.caller_id_name, "Grace Hopper");
      assert.equal(seeded.presence_status, "available");
      const replaced = ctx.sandbox.admin.putExtension(pbx, {
        number: "200",
        first_name: "Grace",
        email_addr: "g@x.io",
      });
      assert.equal(replaced.id, seeded.id);
      assert.equal(replaced.last_name, "");
      const drifted = ctx.sandbox.admin.updateExtension(pbx, "200", { email_addr: "grace@navy.example" });
      assert.equal(drifted.email_addr, "grace@navy.example");
      const got = await pbxCall(ctx.sandbox, pbx, "extensionGet", { token: access, query: { id: seeded.id } });
      assert.equal(got.body.data.email_addr, "grace@navy.example");
      assert.equal(ctx.sandbox.admin.stats().requests.pbxExtensionGet, 1, "admin calls are not counted");
    });

    it("seeding ignores capacity; the API then refuses creates (40005)", async () => {
      for (let i = 0; i < 21; i++) ctx.sandbox.admin.putExtension(pbx, { number: String(500 + i) });
      assert.equal((await create("999")).body.errcode, 40005);
    });

    it("refuses an unknown PBX (404), a bad field (400), an unknown number (404) and a taken one (409)", () => {
      const status = (fn: () => unknown) => {
        try {
          fn();
        } catch (error) {
          return (error as { status?: number }).status;
        }
        return 200;
      };
      const admin = ctx.sandbox.admin;
      assert.equal(
        status(() => admin.extensions("nobody.example")),
        404,
      );
      assert.equal(
        status(() => admin.putExtension(pbx, { number: "12345678" })),
        400,
      );
      assert.equal(
        status(() => admin.putExtension(pbx, { number: "1", colour: "red" } as never)),
        400,
      );
      assert.equal(
        status(() => admin.updateExtension(pbx, "404", { last_name: "x" })),
        404,
      );
      admin.putExtension(pbx, { number: "1" });
      admin.putExtension(pbx, { number: "2" });
      assert.equal(
        status(() => admin.updateExtension(pbx, "1", { number: "2" })),
        409,
      );
    });

    it("are served over HTTP under /__admin/pbx/<pbxUrl>/extensions", async () => {
      const base = `${ctx.sandbox.url}/__admin/pbx/${pbx}/extensions`;
      const json = { "Content-Type": "application/json" };
      const put = await fetch(base, { method: "PUT", headers: json, body: JSON.stringify({ number: "300" }) });
      assert.equal(put.status, 200);
      const patch = await fetch(`${base}/300`, {
        method: "PATCH",
        headers: json,
        body: JSON.stringify({ first_name: "Alan" }),
      });
      assert.equal(((await patch.json()) as { first_name: string }).first_name, "Alan");
      const listed = (await (await fetch(base)).json()) as Array<{ number: string; first_name: string }>;
      assert.deepEqual(
        listed.map((e) => [e.number, e.first_name]),
        [["300", "Alan"]],
      );
      assert.equal((await fetch(`${ctx.sandbox.url}/__admin/pbx/nobody.example/extensions`)).status, 404);
    });

    it("reset and a deleted product forget the extensions", async () => {
      ctx.sandbox.admin.putExtension(pbx, { number: "300" });
      const productNo = ctx.sandbox.admin.products()[0].productNo;
      ctx.sandbox.admin.deleteProduct(productNo);
      const again = await pbxOf(ctx, "acme-hq", 20);
      assert.deepEqual(ctx.sandbox.admin.extensions(again), [], "a PBX bought again under the URL starts empty");
      ctx.sandbox.admin.putExtension(again, { number: "301" });
      ctx.sandbox.admin.reset();
      ctx.token = await token(ctx.sandbox);
      const third = await pbxOf(ctx, "acme-hq", 20);
      assert.deepEqual(ctx.sandbox.admin.extensions(third), []);
    });
  });
});

describe("sandbox: a PBX's extensions in the state file", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "yeastar-sandbox-pbx-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("saves extensions and PBX tokens, and loads them at start", async () => {
    const stateFile = join(dir, "state.json");
    const first = await startSandbox({ stateFile });
    const pbx = await pbxOf({ sandbox: first, token: await token(first) }, "persisted");
    const access = (await pbxTokens(first, pbx)).access_token;
    const created = await pbxCall(first, pbx, "extensionCreate", { token: access, json: createBody("101") });
    assert.equal(created.body.errcode, 0);
    await first.close();
    const text = readFileSync(stateFile, "utf8");
    assert.equal(text.includes("Secret-Pass-123"), false, "no password in the state file");
    assert.equal(text.includes("RegPass12345"), false);

    const second = await startSandbox({ stateFile });
    try {
      const got = await pbxCall(second, pbx, "extensionGet", { token: access, query: { id: created.body.id } });
      assert.equal(got.body.errcode, 0, "the token and the extension survived");
      assert.equal(got.body.data.number, "101");
      const next = await pbxCall(second, pbx, "extensionCreate", { token: access, json: createBody("102") });
      assert.notEqual(next.body.id, created.body.id);
    } finally {
      await second.close();
    }
  });

  it("loads a state file of the previous version (no pbx key): its PBXs have no extensions", async () => {
    const stateFile = join(dir, "old.json");
    const first = await startSandbox({ stateFile });
    const pbx = await pbxOf({ sandbox: first, token: await token(first) }, "old-state");
    await first.close();
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as Record<string, unknown>;
    delete state.pbx;
    writeFileSync(stateFile, JSON.stringify(state));
    const second = await startSandbox({ stateFile });
    try {
      assert.deepEqual(second.admin.extensions(pbx), []);
      const access = (await pbxTokens(second, pbx)).access_token;
      assert.equal((await pbxCall(second, pbx, "capacity", { token: access })).body.data.extension_used, 0);
    } finally {
      await second.close();
    }
  });
});
