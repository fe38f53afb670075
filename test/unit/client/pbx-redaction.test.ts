/**
 * Canary test of the PBX client: the access token rides in the URL's query, so planted tokens, the planted client
 * secret and a new extension's passwords must never come out of the client, whatever a server or the HTTP stack
 * echoes back (node-fetch puts the whole URL in its error messages) and whichever error path runs. Also run
 * against the real sandbox with the tokens it issued.
 */
import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { PbxClient, type PbxClientOptions } from "../../../provider/client/pbx-client";
import type { FetchLike, FetchResponse } from "../../../provider/client/transport";
import { startSandbox, type Sandbox } from "../../../sandbox";
import { token } from "../sandbox/helpers";
import { pbxOf } from "../sandbox/pbx-helpers";

const SECRET = "canary-PBX-SECRET-41f0";
const ACCESS = "canary-PBX-ACCESS";
const REFRESH = "canary-PBX-REFRESH";
const FIELDS = { number: "101", firstName: "Ada", lastName: "L", email: "ada@acme.example", mobile: "" };

interface Seen {
  url: string;
  path: string;
  body?: string;
}
type Answer = { status?: number; raw?: string; body?: unknown } | { error: Error & { code?: string } } | "hang";

function assertClean(label: string, text: string, canaries: string[]): void {
  for (const canary of canaries) assert.ok(!text.includes(canary), `${label} leaks ${canary}:\n${text}`);
}

function assertErrorClean(label: string, err: unknown, canaries: string[]): void {
  assert.ok(err instanceof Error, `${label}: expected an error, got ${String(err)}`);
  assertClean(`${label} message`, err.message, canaries);
  assertClean(`${label} String()`, String(err), canaries);
  assertClean(`${label} JSON`, JSON.stringify(err), canaries);
  assertClean(`${label} inspect`, inspect(err, { depth: 5, showHidden: true }), canaries);
  assertClean(`${label} stack`, err.stack ?? "", canaries);
}

/** Everything a hostile or buggy server might echo: the URL with its token, the body, the secret. */
const echo = (req: Seen) => `${req.url} | ${req.body ?? ""} | ${SECRET}`;

function fakeFetch(answer: (req: Seen, n: number) => Answer | undefined, seen: Seen[]): FetchLike {
  let tokens = 0;
  return async (url, init) => {
    const req: Seen = { url, path: new URL(url).pathname.replace(/^.*\/openapi\/v1\.0\//, ""), body: init.body };
    seen.push(req);
    let reply = answer(req, seen.length);
    if (reply === undefined && (req.path === "get_token" || req.path === "refresh_token")) {
      tokens += 1;
      reply = {
        body: {
          errcode: 0,
          errmsg: "SUCCESS",
          access_token: `${ACCESS}-${tokens}`,
          access_token_expire_time: 1800,
          refresh_token: `${REFRESH}-${tokens}`,
          refresh_token_expire_time: 86400,
        },
      };
    }
    reply ??= { body: { errcode: 0, errmsg: "SUCCESS", id: 1, data: { extension_capacity: 5, extension_used: 0 } } };
    if (reply === "hang") return new Promise<FetchResponse>(() => undefined);
    if ("error" in reply) throw reply.error;
    const text = reply.raw ?? JSON.stringify(reply.body);
    return { status: reply.status ?? 200, headers: { get: () => null }, text: async () => text };
  };
}

/** Like node-fetch's FetchError: the whole URL, token included, in the message. */
function fetchError(req: Seen, code: string): { error: Error & { code?: string } } {
  const error = new Error(`request to ${req.url} failed, reason: ${code}`) as Error & { code?: string };
  error.name = "FetchError";
  error.code = code;
  return { error };
}

type Scenario = {
  name: string;
  answer: (req: Seen, n: number) => Answer | undefined;
  run: (c: PbxClient, advance: () => void) => Promise<unknown>;
  options?: Partial<PbxClientOptions>;
};

const read = (c: PbxClient) => c.capacity();
const write = (c: PbxClient) => c.createExtension(FIELDS);
const isApi = (req: Seen) => req.path !== "get_token" && req.path !== "refresh_token";

/** The bare token of a request, as a server might quote it. */
const bare = (req: Seen) => new URL(req.url).searchParams.get("access_token") ?? "";

const scenarios: Scenario[] = [
  {
    name: "read: an error reply quoting the bare token",
    answer: (r) => (isApi(r) ? { body: { errcode: 40002, errmsg: `token ${bare(r)} is odd` } } : undefined),
    run: read,
  },
  {
    name: "read: network error carrying the URL",
    answer: (r) => (isApi(r) ? fetchError(r, "ECONNRESET") : undefined),
    run: read,
  },
  {
    name: "write: network error carrying the URL",
    answer: (r) => (isApi(r) ? fetchError(r, "ECONNRESET") : undefined),
    run: write,
  },
  {
    name: "read: a proxy page echoing the request",
    answer: (r) => (isApi(r) ? { status: 502, raw: `<p>${echo(r)}</p>` } : undefined),
    run: read,
  },
  {
    name: "write: a 500 echoing the body with the passwords",
    answer: (r) => (isApi(r) ? { status: 500, raw: echo(r) } : undefined),
    run: write,
  },
  {
    name: "write: an error reply echoing the URL and the body",
    answer: (r) => (isApi(r) ? { body: { errcode: 40002, errmsg: `bad ${echo(r)}` } } : undefined),
    run: write,
  },
  {
    name: "read: a garbled reply echoing the URL",
    answer: (r) => (isApi(r) ? { raw: `{"errcode":0,"data":{"x":"${r.url}` } : undefined),
    run: read,
  },
  {
    name: "read: a reply of the wrong shape holding the token",
    answer: (r) => (isApi(r) ? { body: { errcode: 0, data: { extension_capacity: r.url } } } : undefined),
    run: read,
  },
  {
    name: "token refused with the request echoed",
    answer: (r) => (isApi(r) ? undefined : { body: { errcode: 20004, errmsg: `wrong: ${echo(r)}` } }),
    run: read,
  },
  {
    name: "token reply of the wrong shape holding a token",
    answer: (r) => (isApi(r) ? undefined : { body: { errcode: 0, access_token: `${ACCESS}-odd`, refresh_token: 7 } }),
    run: read,
  },
  {
    name: "token reply garbled holding a token",
    answer: (r) => (isApi(r) ? undefined : { status: 500, raw: `{"errcode":0,"access_token":"${ACCESS}-unseen` }),
    run: read,
  },
  {
    name: "token refused twice on a read, echoing the URL",
    answer: (r) => (isApi(r) ? { body: { errcode: 10004, errmsg: `expired ${r.url}` } } : undefined),
    run: read,
  },
  {
    name: "refresh refused echoing the refresh token, then the credentials refused",
    answer: (r, n) =>
      n === 1 || isApi(r) ? undefined : { body: { errcode: r.path === "get_token" ? 20004 : 10004, errmsg: echo(r) } },
    run: async (c, advance) => {
      await c.capacity();
      advance();
      return c.capacity();
    },
  },
  { name: "write: timeout", answer: (r) => (isApi(r) ? "hang" : undefined), run: write, options: { timeoutMs: 50 } },
];

describe("PBX client: the access token and the secrets never leak", () => {
  for (const s of scenarios) {
    it(`never leaks: ${s.name}`, async () => {
      const seen: Seen[] = [];
      const lines: string[] = [];
      let now = 1_000_000;
      const c = new PbxClient({
        baseUrl: "https://acme-hq.eu.yeastarcloud.com",
        clientId: "pbx-client",
        clientSecret: SECRET,
        retries: 1,
        retryBaseDelayMs: 1,
        fetch: fakeFetch(s.answer, seen),
        log: (l) => lines.push(l),
        now: () => now,
        ...s.options,
      });
      const err = await s
        .run(c, () => (now += 3600_000))
        .then(
          () => assert.fail("expected a failure"),
          (e: unknown) => e,
        );
      const passwords = seen
        .filter((r) => r.path === "extension/create")
        .flatMap((r) => Object.values(JSON.parse(r.body ?? "{}") as Record<string, string>))
        .filter((v) => typeof v === "string" && v.length === 24);
      if (s.run === write) assert.equal(passwords.length, 2, "the create carried two passwords");
      const canaries = [SECRET, ACCESS, REFRESH, ...passwords];
      // Where a token was issued, it went out in a URL (the point of the test); else the token request failed.
      if (seen.some(isApi)) assert.ok(seen.some((r) => r.url.includes(`access_token=${ACCESS}`)));
      assertErrorClean(s.name, err, canaries);
      assertClean(`${s.name}: log`, lines.join("\n"), canaries);
      assertClean(`${s.name}: inspect(client)`, inspect(c, { depth: 5, showHidden: true }), canaries);
      assertClean(`${s.name}: JSON(client)`, JSON.stringify(c), canaries);
    });
  }

  describe("against the sandbox", function () {
    this.timeout(20_000);
    let sandbox: Sandbox;
    let pbx: string;
    before(async () => {
      sandbox = await startSandbox();
      pbx = await pbxOf({ sandbox, token: await token(sandbox) }, "canary", 20);
    });
    after(() => sandbox.close());

    it("no token the sandbox issued shows in an error or a log line of a dropped read, write or timeout", async () => {
      const lines: string[] = [];
      const c = new PbxClient({
        baseUrl: sandbox.pbxBaseUrl(pbx),
        clientId: "pbx-client",
        clientSecret: "pbx-secret",
        retries: 1,
        retryBaseDelayMs: 1,
        timeoutMs: 300,
        log: (l) => lines.push(l),
      });
      await c.capacity();
      sandbox.admin.addFault({ endpoint: "pbxCapacity", drop: true, times: 2 });
      sandbox.admin.addFault({ endpoint: "pbxExtensionCreate", drop: true, afterCommit: true, times: 1 });
      sandbox.admin.addFault({ endpoint: "pbxExtensionList", hang: true, times: 2 });
      const errors = await Promise.all(
        [c.capacity(), c.createExtension(FIELDS), c.listExtensions()].map((p) =>
          p.then(
            () => assert.fail("expected a failure"),
            (e: unknown) => e,
          ),
        ),
      );
      const issued = sandbox.admin.issuedTokens();
      assert.ok(issued.length >= 2);
      for (const [i, err] of errors.entries()) assertErrorClean(`error ${i}`, err, [...issued, "pbx-secret"]);
      assertClean("log", lines.join("\n"), [...issued, "pbx-secret"]);
      assert.ok(
        lines.some((l) => l.includes("/openapi/v1.0/system/capacity")),
        "the log names the paths",
      );
    });
  });
});
