/**
 * The sandbox's PBX API (sandbox/pbx-routes.ts) over raw HTTP: which PBXs answer, tokens, capacity and the
 * extension rules (create, update, delete, get, list, search), each refusal with its errcode.
 */
import * as assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { startSandbox } from "../../../sandbox";
import { call, serviceBody, sleep, token, withSandbox } from "./helpers";
import { PBX_ID, PBX_SECRET, createBody, pbxCall, pbxOf, pbxTokens } from "./pbx-helpers";

describe("sandbox: a PBX's own API", () => {
  const ctx = withSandbox();
  let pbx: string;
  let access: string;
  beforeEach(async () => {
    pbx = await pbxOf(ctx, "acme-hq", 10);
    access = (await pbxTokens(ctx.sandbox, pbx)).access_token;
  });
  const create = (number: string, extra: Record<string, unknown> = {}) =>
    pbxCall(ctx.sandbox, pbx, "extensionCreate", { token: access, json: createBody(number, extra) });

  describe("which PBXs answer", () => {
    it("serves an active PBX under ${url}/pbx/<pbxUrl>/openapi/v1.0/, case-insensitively", async () => {
      assert.equal(ctx.sandbox.pbxBaseUrl(pbx), `${ctx.sandbox.url}/pbx/${pbx}`);
      const reply = await pbxCall(ctx.sandbox, pbx.toUpperCase(), "getToken", {
        json: { username: PBX_ID, password: PBX_SECRET },
      });
      assert.equal(reply.body.errcode, 0);
    });

    it("answers HTTP 404 with an errcode for a PBX it does not have, or one not active", async () => {
      const unknown = await pbxCall(ctx.sandbox, "nobody.eu.sandbox.yeastarcloud.com", "capacity", { token: access });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.errcode, 404);
      assert.match(unknown.body.errmsg, /no active PBX nobody\.eu\.sandbox\.yeastarcloud\.com/);
      ctx.sandbox.admin.setConfig({ orderPendingMs: 60_000 });
      const pending = await pbxOf(ctx, "pending-one");
      const reply = await pbxCall(ctx.sandbox, pending, "getToken", {
        json: { username: PBX_ID, password: PBX_SECRET },
      });
      assert.equal(reply.status, 404, "a PBX whose purchase is pending has no API yet");
    });

    it("requires a User-Agent (HTTP 400, errcode 40002)", async () => {
      const url = new URL(`${ctx.sandbox.pbxBaseUrl(pbx)}/openapi/v1.0/system/capacity?access_token=${access}`);
      const reply = await new Promise<{ status: number; body: { errcode: number; errmsg: string } }>(
        (resolve, reject) => {
          const req = httpRequest(url, { method: "GET" }, (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          });
          req.on("error", reject);
          req.end();
        },
      );
      assert.equal(reply.status, 400);
      assert.equal(reply.body.errcode, 40002);
      assert.match(reply.body.errmsg, /User-Agent/);
    });
  });

  describe("tokens", () => {
    it("get_token: pbx-client / pbx-secret by default; 1800 s and 86400 s; counted as pbxToken", async () => {
      ctx.sandbox.admin.resetCounters();
      const pair = await pbxTokens(ctx.sandbox, pbx);
      assert.equal(pair.access_token_expire_time, 1800);
      assert.equal(pair.refresh_token_expire_time, 86400);
      assert.notEqual(pair.access_token, pair.refresh_token);
      assert.equal(ctx.sandbox.admin.stats().requests.pbxToken, 1);
      assert.equal(ctx.sandbox.admin.stats().pbxTokensIssued, 1);
      assert.ok(ctx.sandbox.admin.issuedTokens().includes(pair.access_token));
    });

    it("wrong credentials: errcode 20004 on HTTP 200; a missing field: 40002 naming it", async () => {
      const wrong = await pbxCall(ctx.sandbox, pbx, "getToken", { json: { username: PBX_ID, password: "nope" } });
      assert.equal(wrong.status, 200);
      assert.equal(wrong.body.errcode, 20004);
      assert.equal(wrong.body.access_token, undefined);
      const missing = await pbxCall(ctx.sandbox, pbx, "getToken", { json: { username: PBX_ID } });
      assert.equal(missing.body.errcode, 40002);
      assert.match(missing.body.errmsg, /^password: /);
      const partner = await pbxCall(ctx.sandbox, pbx, "getToken", {
        json: { username: "sandbox-client", password: "sandbox-secret" },
      });
      assert.equal(partner.body.errcode, 20004, "the Partner Portal's credentials are not the PBX's");
    });

    it("the credentials are set by the sandbox options", async () => {
      const other = await startSandbox({ pbxClientId: "my-id", pbxClientSecret: "my-secret" });
      try {
        const c = { sandbox: other, token: await token(other) };
        const url = await pbxOf(c, "options");
        await assert.rejects(pbxTokens(other, url), /20004/);
        assert.ok((await pbxTokens(other, url, "my-id", "my-secret")).access_token.length >= 32);
      } finally {
        await other.close();
      }
    });

    it("an access token is refused (10004) when missing, unknown, of another PBX, or expired", async () => {
      const other = await pbxOf(ctx, "other-pbx");
      const otherToken = (await pbxTokens(ctx.sandbox, other)).access_token;
      for (const t of [undefined, "not-a-token", otherToken]) {
        const reply = await pbxCall(ctx.sandbox, pbx, "capacity", { token: t });
        assert.equal(reply.body.errcode, 10004, `token ${t}`);
      }
      assert.equal((await pbxCall(ctx.sandbox, pbx, "capacity", { token: access })).body.errcode, 0);
      ctx.sandbox.admin.expireTokens();
      const expired = await pbxCall(ctx.sandbox, pbx, "capacity", { token: access });
      assert.equal(expired.body.errcode, 10004);
      assert.match(expired.body.errmsg, /EXPIRED/);
    });

    it("an access token expires after tokenLifetimeSeconds", async () => {
      ctx.sandbox.admin.setConfig({ tokenLifetimeSeconds: 1 });
      const pair = await pbxTokens(ctx.sandbox, pbx);
      assert.equal(pair.access_token_expire_time, 1);
      assert.equal((await pbxCall(ctx.sandbox, pbx, "capacity", { token: pair.access_token })).body.errcode, 0);
      await sleep(1100);
      assert.equal((await pbxCall(ctx.sandbox, pbx, "capacity", { token: pair.access_token })).body.errcode, 10004);
    });

    it("refresh_token gives a new pair once per refresh token; rejectRefreshTokens refuses all", async () => {
      const pair = await pbxTokens(ctx.sandbox, pbx);
      const refreshed = await pbxCall(ctx.sandbox, pbx, "refreshToken", {
        json: { refresh_token: pair.refresh_token },
      });
      assert.equal(refreshed.body.errcode, 0);
      assert.notEqual(refreshed.body.access_token, pair.access_token);
      assert.equal(ctx.sandbox.admin.stats().requests.pbxRefreshToken, 1);
      const again = await pbxCall(ctx.sandbox, pbx, "refreshToken", { json: { refresh_token: pair.refresh_token } });
      assert.equal(again.body.errcode, 10004, "a used refresh token stops working");
      const missing = await pbxCall(ctx.sandbox, pbx, "refreshToken", { json: {} });
      assert.equal(missing.body.errcode, 40002);
      ctx.sandbox.admin.setConfig({ rejectRefreshTokens: true });
      const rejected = await pbxCall(ctx.sandbox, pbx, "refreshToken", {
        json: { refresh_token: refreshed.body.refresh_token },
      });
      assert.equal(rejected.body.errcode, 10004);
    });
  });

  describe("capacity", () => {
    it("is the product's extensions (an Extension Expansion raises it); used counts its extensions", async () => {
      const capacity = async () => (await pbxCall(ctx.sandbox, pbx, "capacity", { token: access })).body.data;
      assert.deepEqual(await capacity(), { extension_capacity: 10, extension_used: 0, cc_capacity: 0, cc_used: 0 });
      await create("101");
      await create("102");
      assert.equal((await capacity()).extension_used, 2);
      const productNo = ctx.sandbox.admin.products().find((p) => p.pbxUrl === pbx)?.productNo as string;
      const order = await call(ctx.sandbox, PATHS.orderSave, {
        token: ctx.token,
        json: serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 5]]),
      });
      assert.equal(order.status, 200, order.text);
      assert.equal((await capacity()).extension_capacity, 15);
    });
  });

  describe("extensions", () => {
    it("create answers the new id; get, list and search read it back without passwords", async () => {
      const created = await create("101");
      assert.equal(created.body.errcode, 0);
      assert.equal(typeof created.body.id, "number");
      const got = await pbxCall(ctx.sandbox, pbx, "extensionGet", { token: access, query: { id: created.body.id } });
      assert.equal(got.body.data.number, "101");
      assert.equal(got.body.data.email_addr, "ext101@acme.example");
      assert.equal(got.body.data.presence_status, "available");
      assert.equal(JSON.stringify(got.body).includes("Secret-Pass-123"), false);
      assert.equal(JSON.stringify(ctx.sandbox.admin.extensions(pbx)).includes("RegPass12345"), false);
      const list = await pbxCall(ctx.sandbox, pbx, "extensionList", { token: access });
      assert.equal(list.body.total_number, 1);
      assert.equal(list.body.data[0].id, created.body.id);
    });

    it("refuses a duplicate number with 40004", async () => {
      assert.equal((await create("101")).body.errcode, 0);
      const again = await create("101", { email_addr: "other@acme.example" });
      assert.equal(again.body.errcode, 40004);
      assert.equal(ctx.sandbox.admin.extensions(pbx).length, 1);
    });

    it("refuses a number that is not 1-7 digits, a bad email, a missing or weak password with 40002 naming the field", async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ number: "12345678" }, /^number: /],
        [{ number: "10a" }, /^number: /],
        [{ number: "" }, /^number: /],
        [{ email_addr: "not-an-email" }, /^email_addr: /],
        [{ first_name: "" }, /^first_name: /],
        [{ user_password: undefined }, /^user_password: /],
        [{ reg_password: "weak" }, /^reg_password: /],
        [{ concurrent_registrations: 0 }, /^concurrent_registrations: /],
        [{ presence_status: "asleep" }, /^presence_status: /],
      ];
      for (const [patch, errmsg] of cases) {
        const reply = await create((patch.number as string | undefined) ?? "200", patch);
        assert.equal(reply.status, 200);
        assert.equal(reply.body.errcode, 40002, JSON.stringify(patch));
        assert.match(reply.body.errmsg, errmsg);
      }
      const notJson = await pbxCall(ctx.sandbox, pbx, "extensionCreate", { token: access, json: "{oops" });
      assert.equal(notJson.body.errcode, 40002);
      assert.equal(ctx.sandbox.admin.extensions(pbx).length, 0);
    });

    it("refuses one more extension than the capacity with 40005", async () => {
      const small = await pbxOf(ctx, "small", 5);
      const t = (await pbxTokens(ctx.sandbox, small)).access_token;
      for (let i = 0; i < 5; i++) {
        const reply = await pbxCall(ctx.sandbox, small, "extensionCreate", { token: t, json: createBody(`30${i}`) });
        assert.equal(reply.body.errcode, 0);
      }
      const full = await pbxCall(ctx.sandbox, small, "extensionCreate", { token: t, json: createBody("399") });
      assert.equal(full.body.errcode, 40005);
      assert.equal(ctx.sandbox.admin.extensions(small).length, 5);
    });

    it("update sets the fields it is given; an unknown id is 40006, a taken number 40004", async () => {
      const id = (await create("101")).body.id as number;
      await create("102");
      const update = (json: Record<string, unknown>) =>
        pbxCall(ctx.sandbox, pbx, "extensionUpdate", { token: access, json });
      assert.equal((await update({ id, last_name: "Byron", email_addr: "ada@acme.example" })).body.errcode, 0);
      const stored = ctx.sandbox.admin.extensions(pbx)[0];
      assert.equal(stored.last_name, "Byron");
      assert.equal(stored.first_name, "Ada");
      assert.equal(stored.email_addr, "ada@acme.example");
      assert.equal((await update({ id: 999, last_name: "X" })).body.errcode, 40006);
      assert.equal((await update({ id, number: "102" })).body.errcode, 40004);
      assert.equal((await update({ id, email_addr: "bad" })).body.errcode, 40002);
      assert.equal((await update({ last_name: "no id" })).body.errcode, 40002);
    });

    it("get and delete of an unknown id are 40006; delete removes the extension for good", async () => {
      const id = (await create("101")).body.id as number;
      const get = (i: number) => pbxCall(ctx.sandbox, pbx, "extensionGet", { token: access, query: { id: i } });
      const del = (i: number) => pbxCall(ctx.sandbox, pbx, "extensionDelete", { token: access, query: { id: i } });
      assert.equal((await get(999)).body.errcode, 40006);
      assert.equal((await del(999)).body.errcode, 40006);
      assert.equal((await del(id)).body.errcode, 0);
      assert.equal((await get(id)).body.errcode, 40006);
      assert.equal((await del(id)).body.errcode, 40006);
      const next = (await create("101")).body.id as number;
      assert.notEqual(next, id, "ids are not used twice");
    });

    it("list pages with page and page_size (at most 100); search matches part of a number or name", async () => {
      for (const n of ["101", "102", "103", "1010", "2101"]) await create(n, { first_name: `Name${n}` });
      const page = (query: Record<string, string | number>) =>
        pbxCall(ctx.sandbox, pbx, "extensionList", { token: access, query });
      const second = await page({ page: 2, page_size: 2 });
      assert.equal(second.body.total_number, 5);
      assert.deepEqual(
        second.body.data.map((e: { number: string }) => e.number),
        ["103", "1010"],
      );
      assert.equal((await page({ page_size: 101 })).body.errcode, 40002);
      assert.match((await page({ page: 0 })).body.errmsg, /^page: /);
      const search = await pbxCall(ctx.sandbox, pbx, "extensionSearch", {
        token: access,
        query: { search_value: "101" },
      });
      assert.deepEqual(
        search.body.data.map((e: { number: string }) => e.number),
        ["101", "1010", "2101"],
      );
      assert.equal((await pbxCall(ctx.sandbox, pbx, "extensionSearch", { token: access })).body.errcode, 40002);
    });
  });
});
