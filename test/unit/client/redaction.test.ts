/**
 * Canary test: a planted secret and planted tokens must never come out of the client, whatever the server
 * echoes back and whichever error path runs.
 */
import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { PATHS } from "../../../provider/api/catalog";
import { ConfigError } from "../../../provider/client/errors";
import { REDACTED, redact } from "../../../provider/client/redact";
import type { ClientOptions } from "../../../provider/client/options";
import type { PartnerClient } from "../../../provider/client/client";
import { FakeApi, SECRET, envelope, failure, sampleOrder } from "./fake-api";

const CANARIES = [SECRET, "canary-SECRET", "canary-TOKEN"];

function assertClean(label: string, text: string): void {
  for (const canary of CANARIES) {
    assert.ok(!text.includes(canary), `${label} leaks ${canary}:\n${text}`);
  }
}

function assertErrorClean(label: string, err: unknown): void {
  assert.ok(err instanceof Error, `${label}: expected an error, got ${String(err)}`);
  assertClean(`${label} message`, err.message);
  assertClean(`${label} String()`, String(err));
  assertClean(`${label} JSON`, JSON.stringify(err));
  assertClean(`${label} inspect`, inspect(err, { depth: 5 }));
  assertClean(`${label} inspect hidden`, inspect(err, { depth: 5, showHidden: true }));
  assertClean(`${label} stack`, err.stack ?? "");
}

/** Everything a hostile or buggy server might echo: the secret, the tokens, the Authorization header. */
function echo(req: { headers: Record<string, string>; body?: string }): string {
  return `${req.headers.Authorization ?? ""} | ${req.body ?? ""} | ${SECRET}`;
}

type Scenario = {
  name: string;
  setup: (api: FakeApi) => void;
  run: (client: PartnerClient) => Promise<unknown>;
  options?: Partial<ClientOptions>;
};

const scenarios: Scenario[] = [
  {
    name: "token endpoint rejects and echoes the form",
    setup: (api) =>
      api.setDefault(PATHS.token, (req) =>
        failure(401, "invalid_client", `bad ${echo(req)}`, { client_secret: echo(req) }),
      ),
    run: (c) => c.listRegions(),
  },
  {
    name: "token endpoint answers a garbled body holding a token",
    setup: (api) =>
      api.setDefault(PATHS.token, { status: 500, raw: '{"result":{"token":"canary-TOKEN-unseen-1","tokenHe' }),
    run: (c) => c.listRegions(),
  },
  {
    name: "token endpoint answers a token of the wrong shape",
    setup: (api) => api.setDefault(PATHS.token, { body: envelope({ token: "canary-TOKEN-odd", expiresIn: "soon" }) }),
    run: (c) => c.listRegions(),
  },
  {
    name: "read rejected with an error envelope echoing the Authorization header",
    setup: (api) =>
      api.setDefault(PATHS.regionList, (req) => ({
        ...failure(
          400,
          "bad_request",
          `header was ${echo(req)}`,
          { Authorization: echo(req) },
          `rid-${req.headers.Authorization}`,
        ),
      })),
    run: (c) => c.listRegions(),
  },
  {
    name: "read answered by an HTML proxy page echoing the headers",
    setup: (api) => api.setDefault(PATHS.regionList, (req) => ({ status: 502, raw: `<html>${echo(req)}</html>` })),
    run: (c) => c.listRegions(),
  },
  {
    name: "read answered 200 with a non-JSON body echoing the headers",
    setup: (api) => api.setDefault(PATHS.billingContactList, (req) => ({ raw: `oops ${echo(req)}` })),
    run: (c) => c.listBillingContacts(),
  },
  {
    name: "read result failing the schema while holding secrets",
    setup: (api) =>
      api.setDefault(PATHS.productDetail, (req) => ({ body: envelope({ productNo: 7, echo: echo(req) }) })),
    run: (c) => c.getProduct("SN"),
  },
  {
    name: "network error whose message carries the request",
    setup: (api) =>
      api.setDefault(PATHS.productList, (req) => {
        const err = new Error(`request failed ${echo(req)}`) as NodeJS.ErrnoException;
        err.code = "ECONNRESET";
        return { error: err };
      }),
    run: (c) => c.listProducts(),
  },
  {
    name: "timeout",
    setup: (api) => api.setDefault(PATHS.orderList, { hang: true }),
    run: (c) => c.listOrders(),
    options: { timeoutMs: 10 },
  },
  {
    name: "401 twice on a read",
    setup: (api) => api.setDefault(PATHS.pbxUrlExisted, (req) => failure(401, "token_expired", echo(req))),
    run: (c) => c.isPbxUrlTaken("x.example"),
  },
  {
    name: "order 500 echoing everything",
    setup: (api) => api.setDefault(PATHS.orderSave, (req) => failure(500, "internal", echo(req), { token: echo(req) })),
    run: (c) => c.createOrder(sampleOrder()),
  },
  {
    name: "order reset",
    setup: (api) =>
      api.setDefault(PATHS.orderSave, (req) => {
        const err = new Error(`socket hang up ${echo(req)}`) as NodeJS.ErrnoException;
        err.code = "ECONNRESET";
        return { error: err };
      }),
    run: (c) => c.createOrder(sampleOrder()),
  },
  {
    name: "order answered with a malformed body echoing the token",
    setup: (api) => api.setDefault(PATHS.orderSave, (req) => ({ raw: `{"code":"success","result":"${echo(req)}` })),
    run: (c) => c.createOrder(sampleOrder()),
  },
  {
    name: "order with an invalid ID holding the secret",
    setup: () => undefined,
    run: (c) => c.createOrder({ ...sampleOrder(), billingId: SECRET }),
  },
  (() => {
    let now = 0;
    return {
      name: "refresh rejected and echoed, then credentials rejected",
      setup: (api: FakeApi) => {
        api.queue(PATHS.token, {
          body: envelope({ token: "canary-TOKEN-r1", expiresIn: "60", refreshToken: "canary-TOKEN-rr1" }),
        });
        api.setDefault(PATHS.token, (req) => failure(400, "invalid_grant", echo(req)));
      },
      run: async (c: PartnerClient) => {
        await c.getToken();
        now = 3_600_000;
        return c.listRegions();
      },
      options: { now: () => now },
    };
  })(),
  {
    name: "price calculation 429 echoing the token",
    setup: (api) =>
      api.setDefault(PATHS.priceCalculate, (req) => ({
        ...failure(429, "too_many", echo(req)),
        headers: { "Retry-After": "0" },
      })),
    run: (c) => c.calculatePrice({ productId: 13, operationType: "purchase_plan", serviceList: [] }),
  },
];

describe("client: redaction canary", () => {
  for (const scenario of scenarios) {
    it(`never leaks credentials: ${scenario.name}`, async () => {
      const api = new FakeApi();
      scenario.setup(api);
      const lines: string[] = [];
      const client = api.client({
        log: (l) => lines.push(l),
        retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
        ...scenario.options,
      });
      const err = await scenario.run(client).then(
        () => assert.fail("expected an error"),
        (e: unknown) => e,
      );
      assertErrorClean(scenario.name, err);
      assert.ok(lines.length > 0 || err instanceof ConfigError, "the scenario should have logged");
      for (const line of lines) assertClean(`${scenario.name} log`, line);
    });
  }

  it("logs every attempt without credentials on the happy path", async () => {
    const api = new FakeApi();
    api.queue(PATHS.regionList, { status: 503, body: envelope(null) });
    const lines: string[] = [];
    const client = api.client({ log: (l) => lines.push(l) });
    await client.listRegions();
    assert.ok(lines.some((l) => l.includes(`POST ${PATHS.token} -> HTTP 200`)));
    assert.ok(lines.some((l) => l.includes(`GET ${PATHS.regionList} -> HTTP 503`)));
    assert.ok(lines.some((l) => /list regions: retrying \(attempt 2 of 5/.test(l)));
    for (const line of lines) assertClean("log", line);
  });
});

describe("redact()", () => {
  it("replaces known secrets, longest first", () => {
    assert.equal(redact("a canary-SECRET-5f2c9e b", [SECRET]), `a ${REDACTED} b`);
    assert.equal(redact("xx-long yy", ["xx", "xx-long"]), `${REDACTED} yy`);
    assert.equal(redact("nothing here", ["", "absent"]), "nothing here");
  });

  it("catches credential shapes it was not told about", () => {
    assert.equal(redact("Authorization: Bearer abc.def-123"), `Authorization: Bearer ${REDACTED}`);
    assert.equal(
      redact("grant_type=refresh_token&refresh_token=r123&client_secret=s456&client_id=c"),
      `grant_type=refresh_token&refresh_token=${REDACTED}&client_secret=${REDACTED}&client_id=c`,
    );
    assert.equal(
      redact('{"token":"t1","refreshToken":"r\\"2","x":1}'),
      `{"token":"${REDACTED}","refreshToken":"${REDACTED}","x":1}`,
    );
    assert.equal(redact("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_value here"), `jwt ${REDACTED} here`);
  });

  it("leaves ordinary messages alone", () => {
    const text = 'Yeastar API: request access token failed: HTTP 401, code "invalid_client", requestId abc.';
    assert.equal(redact(text, [SECRET]), text);
  });
});
