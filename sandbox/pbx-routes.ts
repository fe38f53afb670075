/**
 * Each PBX's own API (provider/api/pbx-api.ts), served under `/pbx/<pbxUrl>/openapi/v1.0/<endpoint>` for every
 * active PBX of the store. A handler returns the keys of a success reply (next to `errcode: 0`) or throws a
 * `PbxError`; the wrapper below counts the request, applies the rate limit (one bucket per PBX), latency and
 * faults, checks the User-Agent, the PBX and the `access_token` query parameter, and writes the reply, all in the
 * PBX API's shape `{errcode, errmsg, ...}` (docs/sandbox.md, "A PBX's own API").
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PBX_API_ROOT, PBX_ERRCODES, PBX_PATHS, type PbxEndpoint } from "../provider/api/pbx-api";
import { ApiError } from "./envelope";
import { applyFault, sendText, type Connections, type FaultWording } from "./http-replies";
import { PbxError, checkCreate, checkUpdate, extensionInfo, idOf, invalid } from "./pbx-extensions";
import { checkRouteCreate, checkRouteUpdate, inboundRouteInfo, type RouteContext } from "./pbx-inbound-routes";
import type { Simulator } from "./simulator";
import { PBX_COUNTERS, type StoredProduct } from "./types";

/** The errcode of a request to a PBX the sandbox does not have (or not yet, or no longer, active). */
export const NO_SUCH_PBX_ERRCODE = 404;
const WRITES: ReadonlySet<PbxEndpoint> = new Set([
  "extensionCreate",
  "extensionUpdate",
  "extensionDelete",
  "inboundRouteCreate",
  "inboundRouteUpdate",
  "inboundRouteDelete",
]);
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

type Query = Record<string, string | string[] | undefined>;
type Handler = (pbx: StoredProduct, req: FastifyRequest) => Record<string, unknown>;

function replyText(errcode: number, errmsg: string, rest: Record<string, unknown> = {}): string {
  return JSON.stringify({ errcode, errmsg, ...rest });
}

function sendPbxError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof PbxError) return sendText(reply, error.httpStatus, replyText(error.errcode, error.message));
  // The body parser's refusal (unparsable JSON), in the Partner Portal's words.
  if (error instanceof ApiError) return sendText(reply, 200, replyText(PBX_ERRCODES.invalidParameter, error.message));
  const err = error as { statusCode?: number; message?: string };
  // Fastify's own refusals (an unparsable JSON body) are a bad parameter too.
  if (err.statusCode !== undefined && err.statusCode < 500) {
    return sendText(reply, 200, replyText(PBX_ERRCODES.invalidParameter, `body: ${err.message ?? "invalid"}`));
  }
  return sendText(reply, 500, replyText(50000, err.message ?? "internal error"));
}

const pbxFaults: FaultWording = {
  errorText: (fault) =>
    replyText(
      fault.errcode ??
        (fault.status === 429 ? PBX_ERRCODES.rateLimited : fault.status === 401 ? PBX_ERRCODES.tokenExpired : 50000),
      "injected fault",
    ),
  emptySuccessText: replyText(0, "SUCCESS"),
};

function queryValue(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Query)[name];
  return Array.isArray(value) ? value[0] : value;
}

function pageQuery(req: FastifyRequest, name: string, fallback: number, max?: number): number {
  const text = queryValue(req, name);
  if (text === undefined || text === "") return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw invalid(name, "must be a positive integer");
  if (max !== undefined && Number(text) > max) throw invalid(name, `must be at most ${max}`);
  return Number(text);
}

/** One page of a list reply: `total_number` and `data`. */
function pageOf(req: FastifyRequest, all: Array<Record<string, unknown>>): Record<string, unknown> {
  const page = pageQuery(req, "page", 1);
  const size = pageQuery(req, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return { total_number: all.length, data: all.slice((page - 1) * size, page * size) };
}

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("body", "must be a JSON object");
  return body as Record<string, unknown>;
}

export function registerPbxRoutes(app: FastifyInstance, sim: Simulator, connections: Connections): void {
  const store = sim.store;

  function route(method: "GET" | "POST", endpoint: PbxEndpoint, handler: Handler): void {
    const counter = PBX_COUNTERS[endpoint];
    const authenticated = endpoint !== "getToken" && endpoint !== "refreshToken";
    app.route({
      method,
      url: `/pbx/:pbxUrl${PBX_API_ROOT}${PBX_PATHS[endpoint]}`,
      errorHandler: (error, _req, reply) => sendPbxError(reply, error),
      handler: async (req, reply) => {
        const { pbxUrl } = req.params as { pbxUrl: string };
        sim.count(counter);
        // The rate limit comes first, as at an API gateway: no latency, fault, User-Agent or token check.
        const retryAfterSeconds = sim.rateLimitPbx(counter, pbxUrl, Date.now());
        if (retryAfterSeconds !== undefined) {
          reply.header("retry-after", String(retryAfterSeconds));
          const limit = sim.config.rateLimitPerSecond;
          const errmsg = `rate limit of ${limit} requests per second exceeded; retry after ${retryAfterSeconds} s`;
          return sendText(reply, 429, replyText(PBX_ERRCODES.rateLimited, errmsg));
        }
        await connections.sleep(sim.config.latencyMs);
        const fault = sim.faults.take(counter, "before");
        if (fault && (await applyFault(connections, pbxFaults, fault, req, reply))) return reply;
        let text: string;
        try {
          if (String(req.headers["user-agent"] ?? "").trim() === "") {
            throw new PbxError(PBX_ERRCODES.invalidParameter, "User-Agent: the header is required", 400);
          }
          store.settle(Date.now());
          const pbx = store.activePbx(pbxUrl);
          if (!pbx) {
            throw new PbxError(NO_SUCH_PBX_ERRCODE, `no active PBX ${pbxUrl} in this sandbox`, 404);
          }
          if (authenticated) checkToken(req, pbx);
          text = replyText(0, "SUCCESS", handler(pbx, req));
        } catch (error) {
          return sendPbxError(reply, error);
        }
        // Only a committed write reaches this point, which is what "commit, then fail" needs.
        const after = WRITES.has(endpoint) ? sim.faults.take(counter, "afterCommit") : undefined;
        if (after && (await applyFault(connections, pbxFaults, after, req, reply, text))) return reply;
        return sendText(reply, 200, text);
      },
    });
  }

  function checkToken(req: FastifyRequest, pbx: StoredProduct): void {
    const token = queryValue(req, "access_token") ?? "";
    const check = token === "" ? "unknown" : store.pbx.check(token, pbx.productNo, Date.now());
    if (check === "expired") throw new PbxError(PBX_ERRCODES.tokenExpired, "TOKEN EXPIRED: get a new access token");
    if (check === "unknown") throw new PbxError(PBX_ERRCODES.tokenExpired, "INVALID TOKEN: get a new access token");
  }

  function issue(pbx: StoredProduct): Record<string, unknown> {
    const issued = store.pbx.issue(pbx.productNo, sim.config.tokenLifetimeSeconds, Date.now());
    store.save();
    return { ...issued };
  }

  const extensionOf = (pbx: StoredProduct, id: string) => {
    const found = store.pbx.find(pbx.productNo, id);
    if (!found) throw new PbxError(PBX_ERRCODES.notFound, `no extension with id ${id}`);
    return found;
  };

  route("POST", "getToken", (pbx, req) => {
    const body = bodyOf(req);
    if (typeof body.username !== "string" || body.username === "") throw invalid("username", "required");
    if (typeof body.password !== "string" || body.password === "") throw invalid("password", "required");
    const expected = sim.credentials;
    if (body.username !== expected.pbxClientId || body.password !== expected.pbxClientSecret) {
      throw new PbxError(
        PBX_ERRCODES.badCredentials,
        "INVALID USERNAME OR PASSWORD: the API client id or secret is wrong",
      );
    }
    return issue(pbx);
  });

  route("POST", "refreshToken", (pbx, req) => {
    const refreshToken = bodyOf(req).refresh_token;
    if (typeof refreshToken !== "string" || refreshToken === "") throw invalid("refresh_token", "required");
    if (sim.config.rejectRefreshTokens || !store.pbx.redeem(refreshToken, pbx.productNo, Date.now())) {
      store.save();
      throw new PbxError(PBX_ERRCODES.tokenExpired, "INVALID REFRESH TOKEN: unknown, used or expired");
    }
    return issue(pbx);
  });

  route("GET", "capacity", (pbx) => ({
    data: {
      extension_capacity: pbx.extensions,
      extension_used: store.pbx.list(pbx.productNo).length,
      cc_capacity: 0,
      cc_used: 0,
    },
  }));

  route("GET", "extensionList", (pbx, req) => pageOf(req, store.pbx.list(pbx.productNo).map(extensionInfo)));

  route("GET", "extensionSearch", (pbx, req) => {
    const value = (queryValue(req, "search_value") ?? "").toLowerCase();
    if (value === "") throw invalid("search_value", "required");
    // Like the PBX's search box: a part of the number or of the name matches.
    const hits = store.pbx
      .list(pbx.productNo)
      .filter((e) =>
        [e.number, e.caller_id_name, e.first_name, e.last_name].some((v) => v.toLowerCase().includes(value)),
      );
    return pageOf(req, hits.map(extensionInfo));
  });

  route("GET", "extensionGet", (pbx, req) => ({
    data: extensionInfo(extensionOf(pbx, idOf(queryValue(req, "id")))),
  }));

  route("POST", "extensionCreate", (pbx, req) => {
    const fields = checkCreate(req.body);
    if (store.pbx.findByNumber(pbx.productNo, fields.number)) {
      throw new PbxError(PBX_ERRCODES.duplicateNumber, `number: extension ${fields.number} already exists`);
    }
    if (store.pbx.list(pbx.productNo).length >= pbx.extensions) {
      throw new PbxError(
        PBX_ERRCODES.capacityReached,
        `the PBX has ${pbx.extensions} extensions, as many as its capacity allows`,
      );
    }
    const created = store.pbx.add(pbx.productNo, fields);
    store.save();
    return { id: Number(created.id) };
  });

  route("POST", "extensionUpdate", (pbx, req) => {
    const { id, patch } = checkUpdate(req.body);
    const extension = extensionOf(pbx, id);
    if (patch.number !== undefined && patch.number !== extension.number) {
      if (store.pbx.findByNumber(pbx.productNo, patch.number)) {
        throw new PbxError(PBX_ERRCODES.duplicateNumber, `number: extension ${patch.number} already exists`);
      }
    }
    Object.assign(extension, patch);
    store.save();
    return {};
  });

  route("GET", "extensionDelete", (pbx, req) => {
    const id = idOf(queryValue(req, "id"));
    extensionOf(pbx, id);
    store.pbx.remove(pbx.productNo, id);
    store.save();
    return {};
  });

  // ---- inbound routes (sandbox/pbx-inbound-routes.ts) ----

  const routeOf = (pbx: StoredProduct, id: string) => {
    const found = store.pbx.routes(pbx.productNo).find((r) => r.id === id);
    if (!found) throw new PbxError(PBX_ERRCODES.notFound, `no inbound route with id ${id}`);
    return found;
  };
  const contextOf = (pbx: StoredProduct): RouteContext => ({
    trunks: store.pbx.trunks(pbx.productNo),
    extensionNumbers: new Set(store.pbx.list(pbx.productNo).map((e) => e.number)),
  });
  const assertNameFree = (pbx: StoredProduct, name: string, id?: string) => {
    if (store.pbx.routes(pbx.productNo).some((r) => r.name === name && r.id !== id)) {
      throw new PbxError(PBX_ERRCODES.duplicateNumber, `name: inbound route ${name} already exists`);
    }
  };

  route("GET", "inboundRouteList", (pbx, req) => pageOf(req, store.pbx.routes(pbx.productNo).map(inboundRouteInfo)));

  route("GET", "inboundRouteGet", (pbx, req) => ({
    data: inboundRouteInfo(routeOf(pbx, idOf(queryValue(req, "id")))),
  }));

  route("POST", "inboundRouteCreate", (pbx, req) => {
    const fields = checkRouteCreate(req.body, contextOf(pbx));
    assertNameFree(pbx, fields.name);
    const created = store.pbx.addRoute(pbx.productNo, fields);
    store.save();
    return { id: Number(created.id) };
  });

  route("POST", "inboundRouteUpdate", (pbx, req) => {
    const body = bodyOf(req);
    const current = routeOf(pbx, idOf(body.id));
    const patch = checkRouteUpdate(body, current, contextOf(pbx));
    if (patch.name !== undefined) assertNameFree(pbx, patch.name, current.id);
    Object.assign(current, patch);
    store.save();
    return {};
  });

  route("GET", "inboundRouteDelete", (pbx, req) => {
    const id = idOf(queryValue(req, "id"));
    routeOf(pbx, id);
    store.pbx.removeRoute(pbx.productNo, id);
    store.save();
    return {};
  });
}
