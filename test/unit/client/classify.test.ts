/**
 * The attempt classifier, row by row: every failure kind for a read and for the order POST. The last block runs
 * each HTTP row through a real PartnerClient (scripted fetch) and checks that the thrown error carries exactly the
 * flags the row's decision names, so the table and the client cannot drift apart.
 */
import * as assert from "node:assert/strict";
import { PATHS } from "../../../provider/api/catalog";
import {
  classify,
  errorFlags,
  isTransientStatus,
  type CallKind,
  type Decision,
  type Failure,
  type Happened,
} from "../../../provider/client/classify";
import { ApiError, NetworkError, SchemaError } from "../../../provider/client/errors";
import { describeFailure, TransportFailure } from "../../../provider/client/transport";
import { FakeApi, envelope, fixtures, sampleOrder, type Reply } from "./fake-api";

const READ: CallKind = { idempotent: true };
const ORDER: CallKind = { idempotent: false };

function codeError(code: string | undefined, message = "simulated"): Error {
  const err = new Error(message) as NodeJS.ErrnoException;
  if (code) err.code = code;
  err.name = "FetchError";
  return err;
}

// ---- network failures: the transport says whether the request may have left, the classifier decides ----

const retryNetwork: Decision = { kind: "retry", cause: "network" };
const refusedOrder: Decision = { kind: "rejected", cause: "network", repeatable: true, renewToken: false };
const ambiguousNetwork: Decision = { kind: "ambiguous", cause: "network" };

interface NetworkRow {
  name: string;
  /** What the fetch throws, or a reply that makes `exchange` fail on its own (a deadline). */
  thrown?: unknown;
  reply?: Reply;
  failure: TransportFailure;
  read: Decision;
  order: Decision;
}

function thrownBy(name: string, thrown: unknown, read: Decision, order: Decision): NetworkRow {
  return { name, thrown, failure: describeFailure(thrown), read, order };
}

const networkRows: NetworkRow[] = [
  thrownBy("connection refused (ECONNREFUSED)", codeError("ECONNREFUSED"), retryNetwork, refusedOrder),
  thrownBy("DNS: unknown host (ENOTFOUND)", codeError("ENOTFOUND"), retryNetwork, refusedOrder),
  thrownBy("DNS: temporary failure (EAI_AGAIN)", codeError("EAI_AGAIN"), retryNetwork, refusedOrder),
  thrownBy("host unreachable (EHOSTUNREACH)", codeError("EHOSTUNREACH"), retryNetwork, refusedOrder),
  thrownBy("network unreachable (ENETUNREACH)", codeError("ENETUNREACH"), retryNetwork, refusedOrder),
  thrownBy("TLS: expired certificate", codeError("CERT_HAS_EXPIRED"), retryNetwork, refusedOrder),
  thrownBy("TLS: wrong host name", codeError("ERR_TLS_CERT_ALTNAME_INVALID"), retryNetwork, refusedOrder),
  thrownBy("connection reset (ECONNRESET)", codeError("ECONNRESET"), retryNetwork, ambiguousNetwork),
  thrownBy("broken pipe (EPIPE)", codeError("EPIPE"), retryNetwork, ambiguousNetwork),
  thrownBy("socket hang up, no code", codeError(undefined, "socket hang up"), retryNetwork, ambiguousNetwork),
  thrownBy("unknown transport error", new Error("something odd"), retryNetwork, ambiguousNetwork),
  thrownBy("not an Error at all", "weird", retryNetwork, ambiguousNetwork),
  {
    name: "timeout",
    reply: { hang: true },
    failure: new TransportFailure("timeout after 30 ms", true),
    read: retryNetwork,
    order: ambiguousNetwork,
  },
  {
    // Built by `exchange` when the headers arrived but the body broke off.
    name: "body broke off after the headers",
    failure: new TransportFailure("response body interrupted (ECONNRESET: x)", true),
    read: retryNetwork,
    order: ambiguousNetwork,
  },
];

describe("classify: network failures", () => {
  for (const { name, failure, read, order } of networkRows) {
    it(`${name}: read ${read.kind}, order ${order.kind}`, () => {
      const happened: Happened = { kind: "network", maybeSent: failure.maybeSent };
      assert.deepEqual(classify(happened, READ), read);
      assert.deepEqual(classify(happened, ORDER), order);
    });
  }
});

// ---- HTTP responses ----

/** A response row: what came back, and how the classifier must read it for a read and for the order POST. */
interface Row {
  name: string;
  happened: Exclude<Happened, { kind: "network" }>;
  read: Decision;
  order: Decision;
  /** The same reply for the scripted fetch; undefined: a success envelope with a valid result. */
  reply: Reply | undefined;
}

function env(httpStatus: number, code: string, bodyStatus?: number, retryAfterMs?: number): Row["happened"] {
  return {
    kind: "envelope",
    httpStatus,
    code,
    ...(bodyStatus === undefined ? {} : { bodyStatus }),
    resultValid: false,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function bare(httpStatus: number, retryAfterMs?: number): Row["happened"] {
  return { kind: "no-envelope", httpStatus, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** An error envelope; `bodyStatus` undefined leaves the envelope's own `status` out. */
function errorBody(code: string, bodyStatus: number | undefined) {
  return {
    code,
    detailMessage: "d",
    requestId: "req-1",
    result: null,
    ...(bodyStatus === undefined ? {} : { status: bodyStatus }),
  };
}

const retry = (cause: "api" | "http" | "garbled", httpStatus: number, retryAfterMs?: number): Decision =>
  retryAfterMs === undefined
    ? { kind: "retry", cause, httpStatus }
    : { kind: "retry", cause, httpStatus, retryAfterMs };
const ambiguous = (cause: "api" | "http" | "garbled" | "schema", httpStatus: number): Decision => ({
  kind: "ambiguous",
  cause,
  httpStatus,
});
const rejected = (
  cause: "api" | "http" | "schema",
  httpStatus: number,
  more: { repeatable?: boolean; renewToken?: boolean } = {},
): Failure => ({
  kind: "rejected",
  cause,
  httpStatus,
  repeatable: more.repeatable ?? false,
  renewToken: more.renewToken ?? false,
});

const rows: Row[] = [
  // 2xx
  {
    name: "200 success, result matches",
    happened: { kind: "envelope", httpStatus: 200, code: "success", bodyStatus: 200, resultValid: true },
    read: { kind: "success" },
    order: { kind: "success" },
    reply: undefined,
  },
  {
    name: "200 success, result does not match the schema",
    happened: { kind: "envelope", httpStatus: 200, code: "success", bodyStatus: 200, resultValid: false },
    read: rejected("schema", 200),
    order: ambiguous("schema", 200),
    reply: { status: 200, body: envelope({ unexpected: true }) },
  },
  {
    name: "200 error envelope without a body status",
    happened: env(200, "insufficient_balance"),
    read: rejected("api", 200),
    order: rejected("api", 200),
    reply: { status: 200, body: errorBody("insufficient_balance", undefined) },
  },
  {
    name: "200 error envelope whose body says 400",
    happened: env(200, "parameter_validation_failed", 400),
    read: rejected("api", 400),
    order: rejected("api", 400),
    reply: { status: 200, body: errorBody("parameter_validation_failed", 400) },
  },
  {
    name: "200 error envelope whose body says 401 token_expired",
    happened: env(200, "token_expired", 401),
    read: rejected("api", 401, { renewToken: true }),
    order: rejected("api", 401, { renewToken: true }),
    reply: { status: 200, body: errorBody("token_expired", 401) },
  },
  {
    name: "200 error envelope whose body says 429",
    happened: env(200, "too_many_requests", 429),
    read: retry("api", 429),
    order: rejected("api", 429, { repeatable: true }),
    reply: { status: 200, body: errorBody("too_many_requests", 429) },
  },
  {
    name: "200 error envelope whose body says 503",
    happened: env(200, "service_unavailable", 503),
    read: retry("api", 503),
    order: ambiguous("api", 503),
    reply: { status: 200, body: errorBody("service_unavailable", 503) },
  },
  {
    name: "200 truncated JSON",
    happened: bare(200),
    read: retry("garbled", 200),
    order: ambiguous("garbled", 200),
    reply: { status: 200, raw: '{"code":"success","result":{"instanceId":319' },
  },
  {
    name: "200 JSON that is no envelope",
    happened: bare(200),
    read: retry("garbled", 200),
    order: ambiguous("garbled", 200),
    reply: { status: 200, raw: '{"ok":true}' },
  },
  {
    name: "204 empty body",
    happened: bare(204),
    read: retry("garbled", 204),
    order: ambiguous("garbled", 204),
    reply: { status: 204, raw: "" },
  },
  // 3xx: redirects are never followed
  {
    name: "302 without an envelope",
    happened: bare(302),
    read: rejected("http", 302),
    order: ambiguous("http", 302),
    reply: { status: 302, raw: "", headers: { Location: "https://elsewhere.example/" } },
  },
  // 4xx
  {
    name: "400 validation envelope",
    happened: env(400, "parameter_validation_failed", 400),
    read: rejected("api", 400),
    order: rejected("api", 400),
    reply: { status: 400, body: errorBody("parameter_validation_failed", 400) },
  },
  {
    name: "400 without an envelope",
    happened: bare(400),
    read: rejected("http", 400),
    order: ambiguous("http", 400),
    reply: { status: 400, raw: "Bad Request" },
  },
  {
    name: "401 token_expired envelope",
    happened: env(401, "token_expired", 401),
    read: rejected("api", 401, { renewToken: true }),
    order: rejected("api", 401, { renewToken: true }),
    reply: { status: 401, body: errorBody("token_expired", 401) },
  },
  {
    name: "401 unauthorized envelope",
    happened: env(401, "unauthorized", 401),
    read: rejected("api", 401, { renewToken: true }),
    order: rejected("api", 401, { renewToken: true }),
    reply: { status: 401, body: errorBody("unauthorized", 401) },
  },
  {
    name: "401 invalid_client envelope (credentials, not the token)",
    happened: env(401, "invalid_client", 401),
    read: rejected("api", 401),
    order: rejected("api", 401),
    reply: { status: 401, body: errorBody("invalid_client", 401) },
  },
  {
    name: "401 without an envelope",
    happened: bare(401),
    read: rejected("http", 401),
    order: ambiguous("http", 401),
    reply: { status: 401, raw: "Unauthorized" },
  },
  {
    name: "403 envelope",
    happened: env(403, "forbidden", 403),
    read: rejected("api", 403),
    order: rejected("api", 403),
    reply: { status: 403, body: errorBody("forbidden", 403) },
  },
  {
    name: "403 without an envelope",
    happened: bare(403),
    read: rejected("http", 403),
    order: ambiguous("http", 403),
    reply: { status: 403, raw: "<html>Forbidden</html>" },
  },
  {
    name: "404 envelope",
    happened: env(404, "order_not_found", 404),
    read: rejected("api", 404),
    order: rejected("api", 404),
    reply: { status: 404, body: errorBody("order_not_found", 404) },
  },
  {
    name: "404 without an envelope (a proxy or a wrong base URL)",
    happened: bare(404),
    read: rejected("http", 404),
    order: ambiguous("http", 404),
    reply: { status: 404, raw: "Not Found" },
  },
  {
    name: "408 envelope",
    happened: env(408, "request_timeout", 408),
    read: retry("api", 408),
    order: rejected("api", 408, { repeatable: true }),
    reply: { status: 408, body: errorBody("request_timeout", 408) },
  },
  {
    name: "409 envelope",
    happened: env(409, "pbx_url_existed", 409),
    read: rejected("api", 409),
    order: rejected("api", 409),
    reply: { status: 409, body: errorBody("pbx_url_existed", 409) },
  },
  {
    name: "409 without an envelope",
    happened: bare(409),
    read: rejected("http", 409),
    order: ambiguous("http", 409),
    reply: { status: 409, raw: "Conflict" },
  },
  {
    name: "429 envelope with Retry-After",
    happened: env(429, "too_many_requests", 429, 2000),
    read: retry("api", 429, 2000),
    order: rejected("api", 429, { repeatable: true }),
    reply: { status: 429, body: errorBody("too_many_requests", 429), headers: { "Retry-After": "2" } },
  },
  {
    name: "429 envelope without Retry-After",
    happened: env(429, "too_many_requests", 429),
    read: retry("api", 429),
    order: rejected("api", 429, { repeatable: true }),
    reply: { status: 429, body: errorBody("too_many_requests", 429) },
  },
  {
    // Without the API's envelope nothing says who refused: a gateway may answer 429 after forwarding the order.
    name: "429 without an envelope, with Retry-After",
    happened: bare(429, 2000),
    read: retry("http", 429, 2000),
    order: ambiguous("http", 429),
    reply: { status: 429, raw: "Too Many Requests", headers: { "Retry-After": "2" } },
  },
  {
    name: "429 without an envelope or Retry-After",
    happened: bare(429),
    read: retry("http", 429),
    order: ambiguous("http", 429),
    reply: { status: 429, raw: "Too Many Requests" },
  },
  // 5xx
  {
    name: "500 envelope",
    happened: env(500, "internal_error", 500),
    read: retry("api", 500),
    order: ambiguous("api", 500),
    reply: { status: 500, body: errorBody("internal_error", 500) },
  },
  {
    name: "500 with a success envelope",
    happened: env(500, "success", 500),
    read: retry("api", 500),
    order: ambiguous("api", 500),
    reply: { status: 500, body: errorBody("success", 500) },
  },
  {
    name: "500 without an envelope",
    happened: bare(500),
    read: retry("http", 500),
    order: ambiguous("http", 500),
    reply: { status: 500, raw: "" },
  },
  {
    name: "502 envelope",
    happened: env(502, "bad_gateway", 502),
    read: retry("api", 502),
    order: ambiguous("api", 502),
    reply: { status: 502, body: errorBody("bad_gateway", 502) },
  },
  {
    name: "502 HTML page",
    happened: bare(502),
    read: retry("http", 502),
    order: ambiguous("http", 502),
    reply: { status: 502, raw: "<html>Bad Gateway</html>" },
  },
  {
    name: "503 envelope with Retry-After",
    happened: env(503, "service_unavailable", 503, 1000),
    read: retry("api", 503, 1000),
    order: ambiguous("api", 503),
    reply: { status: 503, body: errorBody("service_unavailable", 503), headers: { "Retry-After": "1" } },
  },
  {
    name: "503 without an envelope",
    happened: bare(503),
    read: retry("http", 503),
    order: ambiguous("http", 503),
    reply: { status: 503, raw: "Service Unavailable" },
  },
  {
    name: "504 envelope",
    happened: env(504, "gateway_timeout", 504),
    read: retry("api", 504),
    order: ambiguous("api", 504),
    reply: { status: 504, body: errorBody("gateway_timeout", 504) },
  },
  {
    name: "504 without an envelope",
    happened: bare(504),
    read: retry("http", 504),
    order: ambiguous("http", 504),
    reply: { status: 504, raw: "Gateway Timeout" },
  },
];

describe("classify: HTTP responses", () => {
  for (const row of rows) {
    it(`${row.name}: read ${row.read.kind}, order ${row.order.kind}`, () => {
      assert.deepEqual(classify(row.happened, READ), row.read);
      assert.deepEqual(classify(row.happened, ORDER), row.order);
    });
  }
});

describe("classify: rules over every combination", () => {
  const statuses = [
    100, 200, 201, 204, 301, 302, 400, 401, 403, 404, 405, 408, 409, 415, 422, 429, 500, 501, 502, 503, 504, 599,
  ];
  const codes = ["success", "token_expired", "unauthorized", "invalid_client", "parameter_validation_failed"];
  const all: Happened[] = [
    { kind: "network", maybeSent: true },
    { kind: "network", maybeSent: false },
  ];
  for (const httpStatus of statuses) {
    for (const retryAfterMs of [undefined, 3000]) {
      all.push({ kind: "no-envelope", httpStatus, retryAfterMs });
      for (const code of codes) {
        for (const bodyStatus of [undefined, 200, 400, 401, 429, 500, 503]) {
          for (const resultValid of [true, false]) {
            all.push({ kind: "envelope", httpStatus, code, bodyStatus, resultValid, retryAfterMs });
          }
        }
      }
    }
  }

  /** True when the server certainly refused before doing anything: its own envelope with a status below 500. */
  function definiteRefusal(h: Happened): boolean {
    if (h.kind === "network") return !h.maybeSent;
    if (h.kind === "no-envelope") return false;
    const succeeded = h.code === "success" && h.httpStatus < 400;
    const status = h.httpStatus >= 400 ? h.httpStatus : (h.bodyStatus ?? h.httpStatus);
    return !succeeded && status < 500;
  }

  it(`the order POST is never retried, and is ambiguous unless refused for certain (${all.length} cases)`, () => {
    for (const h of all) {
      const d = classify(h, ORDER);
      const where = JSON.stringify(h);
      assert.notEqual(d.kind, "retry", where);
      if (d.kind === "success") continue;
      assert.equal(d.kind === "rejected", definiteRefusal(h), where);
    }
  });

  it("a read is never ambiguous; it is retried exactly when the failure may pass", () => {
    for (const h of all) {
      const d = classify(h, READ);
      const where = JSON.stringify(h);
      assert.notEqual(d.kind, "ambiguous", where);
      let transient: boolean;
      if (h.kind === "network") transient = true;
      else if (h.kind === "no-envelope")
        transient = (h.httpStatus >= 200 && h.httpStatus < 300) || isTransientStatus(h.httpStatus);
      else if (h.code === "success" && h.httpStatus < 400) transient = false;
      else transient = isTransientStatus(h.httpStatus >= 400 ? h.httpStatus : (h.bodyStatus ?? h.httpStatus));
      assert.equal(d.kind === "retry", transient, where);
    }
  });

  it("Retry-After is carried only by a retry, and never changes the kind of a decision", () => {
    for (const h of all) {
      if (h.kind === "network") continue;
      for (const call of [READ, ORDER]) {
        const withIt = classify({ ...h, retryAfterMs: 3000 }, call);
        const without = classify({ ...h, retryAfterMs: undefined }, call);
        assert.equal(withIt.kind, without.kind, JSON.stringify(h));
        assert.equal("retryAfterMs" in without, false, JSON.stringify(h));
        // A garbled 2xx becomes a SchemaError, which carries no Retry-After.
        const carries = withIt.kind === "retry" && withIt.cause !== "garbled";
        assert.equal("retryAfterMs" in withIt, carries, JSON.stringify(h));
      }
    }
  });
});

describe("classify: error flags", () => {
  it("maps each decision to retryable and ambiguous", () => {
    assert.deepEqual(errorFlags({ kind: "retry", cause: "network" }), { retryable: true, ambiguous: false });
    assert.deepEqual(errorFlags({ kind: "ambiguous", cause: "api", httpStatus: 500 }), {
      retryable: false,
      ambiguous: true,
    });
    assert.deepEqual(errorFlags(rejected("api", 429, { repeatable: true })), { retryable: true, ambiguous: false });
    assert.deepEqual(errorFlags(rejected("api", 400)), { retryable: false, ambiguous: false });
  });
});

// ---- the client follows the table ----

const ERROR_TYPE = { api: ApiError, http: ApiError, garbled: SchemaError, schema: SchemaError, network: NetworkError };

/** Requests to an endpoint, with or without a path suffix (order detail is `/get/{id}`). */
function sent(api: FakeApi, path: string): number {
  return api.requests.filter((r) => r.path === path || r.path.startsWith(`${path}/`)).length;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("classify: PartnerClient throws what the table decides", () => {
  for (const row of rows) {
    for (const [label, call] of [
      ["read", READ],
      ["order", ORDER],
    ] as const) {
      const decision = label === "read" ? row.read : row.order;
      it(`${row.name}, ${label}: ${decision.kind}`, async () => {
        const api = new FakeApi();
        const path = label === "read" ? PATHS.orderDetail : PATHS.orderSave;
        const valid = label === "read" ? fixtures.orderDetail : fixtures.orderResult;
        const reply = row.reply ?? { body: envelope(valid) };
        // A read whose token was refused gets a new token and is sent once more (and refused again here).
        const renews = decision.kind === "rejected" && decision.renewToken && call.idempotent;
        api.queue(path, reply, reply);
        const client = api.client({ retry: { retries: 0 } });
        const run = call.idempotent ? client.getOrder("1") : client.createOrder(sampleOrder());
        const err = await caught(run);
        assert.equal(sent(api, path), renews ? 2 : 1);
        assert.equal(api.to(PATHS.token).length, renews ? 2 : 1);
        if (decision.kind === "success") {
          assert.equal(err, undefined);
          return;
        }
        assert.ok(err instanceof ERROR_TYPE[decision.cause], `${row.name}: got ${String(err)}`);
        const e = err as ApiError | SchemaError;
        assert.deepEqual({ retryable: e.retryable, ambiguous: e.ambiguous }, errorFlags(decision));
        assert.equal(e.httpStatus, decision.httpStatus);
        if (decision.kind === "retry" && decision.retryAfterMs !== undefined) {
          assert.equal((e as ApiError).retryAfterMs, decision.retryAfterMs);
        }
      });
    }
  }

  for (const row of networkRows.filter((r) => r.thrown !== undefined || r.reply !== undefined)) {
    for (const [label, call, decision] of [
      ["read", READ, row.read],
      ["order", ORDER, row.order],
    ] as const) {
      it(`${row.name}, ${label}: NetworkError, ${decision.kind}`, async () => {
        const api = new FakeApi();
        const path = call.idempotent ? PATHS.orderDetail : PATHS.orderSave;
        api.queue(path, row.reply ?? { error: row.thrown as NodeJS.ErrnoException });
        const client = api.client({ retry: { retries: 0 }, timeoutMs: 30, orderTimeoutMs: 30 });
        await client.getToken();
        const err = await caught(call.idempotent ? client.getOrder("1") : client.createOrder(sampleOrder()));
        assert.equal(sent(api, path), 1);
        assert.ok(err instanceof NetworkError, `got ${String(err)}`);
        assert.equal(err.reason, row.failure.reason);
        assert.deepEqual({ retryable: err.retryable, ambiguous: err.ambiguous }, errorFlags(decision as Failure));
      });
    }
  }
});
