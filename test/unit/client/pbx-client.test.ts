/**
 * The PBX client (provider/client/pbx-client.ts) against the sandbox's PBX API over loopback HTTP: tokens (one
 * for many calls, refresh before expiry, a new one after 10004), writes sent exactly once (ambiguous after a
 * doubtful failure), reads retried, the wrong-credentials message, capacity, paging and the extension calls.
 */
import * as assert from "node:assert/strict";
import { PATHS, PLANS, SERVICES } from "../../../provider/api/catalog";
import { ApiError, ConfigError, NetworkError, SchemaError } from "../../../provider/client/errors";
import { pbxErrcodeOf } from "../../../provider/client/pbx-call";
import { PbxClient, type PbxClientOptions } from "../../../provider/client/pbx-client";
import { defaultFetch, packageVersion, type FetchLike } from "../../../provider/client/transport";
import { startSandbox, type Sandbox } from "../../../sandbox";
import { call, serviceBody, token } from "../sandbox/helpers";
import { pbxOf } from "../sandbox/pbx-helpers";

const FIELDS = { number: "101", firstName: "Ada", lastName: "Lovelace", email: "ada@acme.example", mobile: "+44 1" };

describe("PBX client against the sandbox", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let pbx: string;
  let lines: string[];
  let seen: Array<{ url: string; headers: Record<string, string>; body?: string }>;
  const recording: FetchLike = (url, init) => {
    seen.push({ url, headers: init.headers, body: init.body });
    return defaultFetch(url, init);
  };

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());
  beforeEach(async () => {
    sandbox.admin.reset();
    pbx = await pbxOf({ sandbox, token: await token(sandbox) }, "acme-hq", 300);
    sandbox.admin.resetCounters();
    lines = [];
    seen = [];
  });
  const requests = () => sandbox.admin.stats().requests;

  function client(extra: Partial<PbxClientOptions> = {}): PbxClient {
    return new PbxClient({
      baseUrl: sandbox.pbxBaseUrl(pbx),
      clientId: "pbx-client",
      clientSecret: "pbx-secret",
      retries: 3,
      retryBaseDelayMs: 10,
      fetch: recording,
      log: (l) => lines.push(l),
      ...extra,
    });
  }

  describe("tokens", () => {
    it("gets one token for concurrent first calls, and sends its User-Agent on every request", async () => {
      const c = client();
      await Promise.all([c.capacity(), c.listExtensions(), c.findExtension("1"), c.capacity()]);
      assert.equal(requests().pbxToken, 1);
      assert.equal(c.stats.tokenRequests, 1);
      for (const r of seen) assert.equal(r.headers["User-Agent"], `pulumi-yeastar-pseries/${packageVersion()}`);
      const [tokenRequest, ...others] = seen;
      assert.match(tokenRequest.url, /\/openapi\/v1\.0\/get_token$/);
      assert.deepEqual(JSON.parse(tokenRequest.body ?? ""), { username: "pbx-client", password: "pbx-secret" });
      for (const r of others) assert.ok(new URL(r.url).searchParams.get("access_token"), r.url);
    });

    it("refreshes with refresh_token before the access token expires, and gets a new one once that expired", async () => {
      let now = Date.now();
      const c = client({ now: () => now });
      await c.capacity();
      now += (1800 - 121) * 1000;
      await c.capacity();
      assert.equal(requests().pbxRefreshToken, 0, "still inside the lifetime minus the 120 s margin");
      now += 2_000;
      await c.capacity();
      assert.deepEqual([requests().pbxToken, requests().pbxRefreshToken], [1, 1]);
      now += 86_400 * 1000;
      await c.capacity();
      assert.deepEqual([requests().pbxToken, requests().pbxRefreshToken], [2, 1], "the refresh token expired too");
    });

    it("on errcode 10004 gets a new token and sends the read once more", async () => {
      const c = client();
      await c.capacity();
      sandbox.admin.expireTokens();
      assert.equal((await c.capacity()).extensionCapacity, 300);
      assert.equal(requests().pbxCapacity, 3);
      assert.equal(requests().pbxRefreshToken, 1, "the refresh token was still good");
      assert.ok(lines.some((l) => /access token refused; getting a new one and retrying once/.test(l)));
      sandbox.admin.setConfig({ rejectRefreshTokens: true });
      sandbox.admin.expireTokens();
      await c.capacity();
      assert.equal(requests().pbxToken, 2, "a refused refresh falls back to the credentials");
    });

    it("sends a read only once more when the new token is refused too", async () => {
      const c = client();
      sandbox.admin.addFault({ endpoint: "pbxCapacity", status: 200, errcode: 10004 });
      const err = await c.capacity().then(
        () => assert.fail("expected a refusal"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiError);
      assert.equal(pbxErrcodeOf(err), 10004);
      assert.equal(requests().pbxCapacity, 2);
    });

    it("wrong credentials: one clear error naming the PBX, no secret in it, not retried", async () => {
      const c = client({ clientSecret: "wrong-canary-secret" });
      const err = await c.listExtensions().then(
        () => assert.fail("expected a refusal"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "20004");
      const where = `${new URL(sandbox.url).host}/pbx/${pbx}`;
      assert.ok(err.message.includes(`The PBX at ${where} refused the PBX API client id and secret`), err.message);
      assert.ok(err.message.startsWith(`Yeastar PBX API (${where}): get access token failed`), err.message);
      assert.ok(!err.message.includes("wrong-canary-secret"));
      assert.ok(!lines.join("\n").includes("wrong-canary-secret"));
      assert.equal(requests().pbxToken, 1);
      assert.equal(requests().pbxExtensionList, 0);
    });
  });

  describe("writes are sent once", () => {
    it("a 500 after the commit is ambiguous, and the sandbox holds exactly one extension", async () => {
      const c = client();
      sandbox.admin.addFault({ endpoint: "pbxExtensionCreate", status: 500, afterCommit: true, times: 1 });
      const err = await c.createExtension(FIELDS).then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiError);
      assert.equal(err.ambiguous, true);
      assert.equal(err.retryable, false);
      assert.match(err.message, /may or may not have carried out "create extension 101"/);
      assert.equal(requests().pbxExtensionCreate, 1);
      assert.deepEqual(
        sandbox.admin.extensions(pbx).map((e) => e.number),
        ["101"],
      );
      assert.equal((await c.findExtension("101"))?.email, "ada@acme.example", "looked up, it is there");
    });

    it("a dropped connection, a timeout and a cut reply after the commit are ambiguous; each sent once", async () => {
      const c = client({ timeoutMs: 300 });
      sandbox.admin.addFault({ endpoint: "pbxExtensionCreate", drop: true, afterCommit: true, times: 1 });
      await assert.rejects(c.createExtension(FIELDS), (e: unknown) => e instanceof NetworkError && e.ambiguous);
      const id = sandbox.admin.extensions(pbx)[0].id;
      sandbox.admin.addFault({ endpoint: "pbxExtensionUpdate", hang: true, afterCommit: true, times: 1 });
      await assert.rejects(
        c.updateExtension(id, { ...FIELDS, lastName: "Byron" }),
        (e: unknown) => e instanceof NetworkError && e.ambiguous && /timeout after 300 ms/.test(e.message),
      );
      assert.equal(sandbox.admin.extensions(pbx)[0].last_name, "Byron");
      sandbox.admin.addFault({ endpoint: "pbxExtensionDelete", malformed: true, afterCommit: true, times: 1 });
      await assert.rejects(c.deleteExtension(id), (e: unknown) => e instanceof SchemaError && e.ambiguous);
      assert.deepEqual(sandbox.admin.extensions(pbx), []);
      const r = requests();
      assert.deepEqual([r.pbxExtensionCreate, r.pbxExtensionUpdate, r.pbxExtensionDelete], [1, 1, 1]);
    });

    it("a 503 before the write is still ambiguous (the client cannot tell) and is not sent again", async () => {
      const c = client();
      sandbox.admin.addFault({ endpoint: "pbxExtensionCreate", status: 503, times: 1 });
      await assert.rejects(c.createExtension(FIELDS), (e: unknown) => e instanceof ApiError && e.ambiguous);
      assert.equal(requests().pbxExtensionCreate, 1);
      assert.deepEqual(sandbox.admin.extensions(pbx), []);
    });

    it("a definite refusal is not ambiguous and says nothing was changed; an expired token is not retried", async () => {
      const c = client();
      await c.createExtension(FIELDS);
      const err = await c.createExtension({ ...FIELDS, email: "other@acme.example" }).then(
        () => assert.fail("expected a refusal"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiError && !err.ambiguous);
      assert.equal(pbxErrcodeOf(err), 40004);
      assert.match(err.message, /Nothing was changed on the PBX\. That extension number is taken/);
      sandbox.admin.expireTokens();
      await assert.rejects(c.createExtension({ ...FIELDS, number: "102" }), (e: unknown) => pbxErrcodeOf(e) === 10004);
      assert.equal(requests().pbxExtensionCreate, 3);
      await c.createExtension({ ...FIELDS, number: "102" });
      assert.equal(sandbox.admin.extensions(pbx).length, 2);
    });
  });

  describe("reads", () => {
    it("are retried on a 5xx, a dropped connection and errcode 40029", async () => {
      const c = client();
      sandbox.admin.addFault({ endpoint: "pbxExtensionList", status: 503, times: 1 });
      sandbox.admin.addFault({ endpoint: "pbxExtensionList", drop: true, times: 1 });
      sandbox.admin.addFault({ endpoint: "pbxExtensionList", status: 200, errcode: 40029, times: 1 });
      assert.deepEqual(await c.listExtensions(), []);
      assert.equal(requests().pbxExtensionList, 4);
      assert.equal(lines.filter((l) => /list extensions: retrying/.test(l)).length, 3);
    });

    it("honour Retry-After on HTTP 429", async () => {
      const c = client();
      await c.capacity();
      sandbox.admin.addFault({ endpoint: "pbxCapacity", status: 429, retryAfterSeconds: 1, times: 1 });
      const started = Date.now();
      await c.capacity();
      assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
      assert.equal(requests().pbxCapacity, 3);
    });

    it("give up after the retries, and do not retry a bad request", async () => {
      const c = client();
      sandbox.admin.addFault({ endpoint: "pbxCapacity", status: 502 });
      await assert.rejects(c.capacity(), (e: unknown) => e instanceof ApiError && /after 4 attempts/.test(e.message));
      assert.equal(requests().pbxCapacity, 4);
      sandbox.admin.clearFaults();
      sandbox.admin.addFault({ endpoint: "pbxExtensionGet", status: 200, errcode: 40002 });
      await assert.rejects(c.getExtension("1"), (e: unknown) => pbxErrcodeOf(e) === 40002);
      assert.equal(requests().pbxExtensionGet, 1);
    });
  });

  describe("the PbxApi methods", () => {
    it("capacity: the PBX's extensions (raised by an Extension Expansion) and how many are used", async () => {
      const c = client();
      assert.deepEqual(await c.capacity(), { extensionCapacity: 300, extensionUsed: 0 });
      for (const number of ["1", "2", "3"]) sandbox.admin.putExtension(pbx, { number });
      const partner = await token(sandbox);
      const productNo = sandbox.admin.products()[0].productNo;
      const json = serviceBody(productNo, PLANS.enterprise, [[SERVICES.extensionExpansion, 10]]);
      assert.equal((await call(sandbox, PATHS.orderSave, { token: partner, json })).status, 200);
      assert.deepEqual(await c.capacity(), { extensionCapacity: 310, extensionUsed: 3 });
    });

    it("listExtensions pages through 250 extensions, 100 a page", async () => {
      for (let i = 0; i < 250; i++) {
        sandbox.admin.putExtension(pbx, { number: String(1000 + i), first_name: `F${i}`, email_addr: `e${i}@x.io` });
      }
      const all = await client().listExtensions();
      assert.equal(all.length, 250);
      assert.equal(new Set(all.map((e) => e.number)).size, 250);
      assert.deepEqual(all[249], {
        id: "250",
        number: "1249",
        firstName: "F249",
        lastName: "",
        email: "e249@x.io",
        mobile: "",
      });
      assert.equal(requests().pbxExtensionList, 3);
      assert.ok(seen.some((r) => /[?&]page=3&page_size=100/.test(r.url)));
    });

    it("findExtension returns only an exact number match; getExtension undefined on 40006 only", async () => {
      for (const number of ["1010", "2101", "101"]) sandbox.admin.putExtension(pbx, { number });
      const c = client();
      assert.equal((await c.findExtension("101"))?.number, "101");
      assert.equal(await c.findExtension("10"), undefined);
      const id = (await c.findExtension("2101"))?.id as string;
      assert.equal((await c.getExtension(id))?.number, "2101");
      assert.equal(await c.getExtension("999"), undefined);
      const gone = client({ baseUrl: sandbox.pbxBaseUrl("gone.eu.sandbox.yeastarcloud.com") });
      await assert.rejects(
        gone.getExtension("1"),
        (e: unknown) => e instanceof ApiError && e.httpStatus === 404 && /No PBX API answers at/.test(e.message),
      );
    });

    it("create sends strong random passwords it never logs; update sets the fields; delete removes it", async () => {
      const c = client();
      const id = await c.createExtension(FIELDS);
      const body = JSON.parse(seen.find((r) => /extension\/create/.test(r.url))?.body ?? "{}") as Record<
        string,
        unknown
      >;
      const passwords = [body.user_password, body.reg_password] as string[];
      for (const p of passwords) assert.match(p, /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z\d]{24}$/);
      assert.notEqual(passwords[0], passwords[1]);
      assert.equal(body.reg_name, "101");
      assert.equal(body.presence_status, "available");
      const stored = sandbox.admin.extensions(pbx)[0];
      assert.equal(stored.id, id);
      assert.equal(stored.caller_id_name, "Ada Lovelace");
      await c.updateExtension(id, { ...FIELDS, lastName: "King", email: "countess@acme.example" });
      assert.deepEqual(await c.getExtension(id), { ...FIELDS, id, lastName: "King", email: "countess@acme.example" });
      await c.deleteExtension(id);
      assert.deepEqual(sandbox.admin.extensions(pbx), []);
      await assert.rejects(c.updateExtension(id, FIELDS), (e: unknown) => pbxErrcodeOf(e) === 40006);
      await assert.rejects(c.deleteExtension(id), (e: unknown) => pbxErrcodeOf(e) === 40006);
      const logged = lines.join("\n");
      for (const p of passwords) assert.ok(!logged.includes(p), "a password in the log");
      const again = await c.createExtension({ ...FIELDS, number: "102" });
      assert.notEqual(again, id);
    });
  });

  describe("settings", () => {
    it("wants https, except http to a loopback host; both credentials; a decimal extension id", async () => {
      const base = { clientId: "a", clientSecret: "b" };
      assert.throws(() => new PbxClient({ ...base, baseUrl: "http://acme-hq.eu.yeastarcloud.com" }), ConfigError);
      assert.throws(() => new PbxClient({ ...base, baseUrl: "http://acme-hq.eu.yeastarcloud.com" }), /PBX baseUrl/);
      assert.ok(new PbxClient({ ...base, baseUrl: "https://acme-hq.eu.yeastarcloud.com" }));
      assert.ok(new PbxClient({ ...base, baseUrl: "http://127.0.0.1:1/pbx/x" }));
      assert.throws(() => new PbxClient({ ...base, baseUrl: "https://x.example", clientSecret: "" }), /client secret/);
      await assert.rejects(client().getExtension("1; drop"), ConfigError);
    });
  });
});
