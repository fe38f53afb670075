/**
 * The HTTP face of the sandbox: fastify wired with lossless body parsing, the envelope, the User-Agent and
 * bearer-token checks, per-endpoint request counting and fault injection. The endpoints themselves live in
 * `partner-routes.ts` (the Partner Portal API) and `admin-http.ts` (the admin surface).
 */
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { EndpointName } from "../provider/api/catalog";
import { parseJson } from "../provider/api/json";
import { registerAdminRoutes } from "./admin-http";
import {
  ApiError,
  defaultCodeFor,
  envelopeText,
  errorText,
  plainSuccessText,
  successText,
  validationError,
} from "./envelope";
import { Connections, applyFault, sendText, type FaultWording } from "./http-replies";
import { registerPartnerRoutes } from "./partner-routes";
import { registerPbxRoutes } from "./pbx-routes";
import type { Simulator } from "./simulator";
import type { Quirk } from "./types";

declare module "fastify" {
  interface FastifyContextConfig {
    endpoint?: EndpointName;
  }
}

function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof ApiError) return sendText(reply, error.status, errorText(error));
  return sendText(reply, 500, envelopeText(500, "internal_error", (error as Error)?.message ?? "internal error", null));
}

/** The success reply, shaped by any quirks the admin switched on (see `Quirk`). */
function replyText(endpoint: EndpointName, result: unknown, quirks: readonly Quirk[]): string {
  if (quirks.includes("product-without-expire-date") && (endpoint === "productList" || endpoint === "productDetail")) {
    const strip = (p: unknown) => {
      const { expireDate: _drop, ...rest } = p as Record<string, unknown>;
      return rest;
    };
    const r = result as { results?: unknown[] };
    result = Array.isArray(r.results) ? { ...r, results: r.results.map(strip) } : strip(result);
  }
  return quirks.includes("ids-as-strings") ? plainSuccessText(result) : successText(result);
}

export interface ServerOptions {
  logger: boolean;
}

export function buildServer(
  sim: Simulator,
  options: ServerOptions,
): { app: FastifyInstance; connections: Connections } {
  // A PBX's API takes its access token in the query: the request log shows it redacted.
  const logger = options.logger && {
    serializers: {
      req: (req: { method: string; url: string; hostname?: string }) => ({
        method: req.method,
        url: req.url.replace(/([?&]access_token=)[^&]*/g, "$1[REDACTED]"),
        host: req.hostname,
      }),
    },
  };
  const app = fastify({ logger, forceCloseConnections: true });
  const connections = new Connections();
  const rawBodies = new WeakMap<FastifyRequest, string>();
  sim.onReset(() => connections.releaseHeld());

  app.removeAllContentTypeParsers();
  // Lossless parsing, so a 64-bit ID in an order arrives with every digit the client sent.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = String(body);
    rawBodies.set(req, text);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, parseJson(text));
    } catch (error) {
      done(validationError({ body: `not valid JSON: ${(error as Error).message}` }), undefined);
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser("multipart/form-data", { parseAs: "buffer" }, (req, body, done) => {
    const headers = { "content-type": String(req.headers["content-type"]) };
    new Response(body as Buffer, { headers })
      .formData()
      .then((form) => {
        const fields: Record<string, string> = {};
        form.forEach((value, key) => {
          if (typeof value === "string") fields[key] = value;
        });
        done(null, fields);
      })
      .catch(() => done(validationError({ body: "not valid multipart/form-data" }), undefined));
  });

  app.addHook("onRequest", (req, reply, done) => {
    const endpoint = req.routeOptions.config?.endpoint;
    if (endpoint) {
      sim.count(endpoint);
      // The rate limit comes first, as at an API gateway: no latency, fault, User-Agent or token check.
      const retryAfterSeconds = sim.rateLimit(endpoint, Date.now());
      if (retryAfterSeconds !== undefined) {
        reply.header("retry-after", String(retryAfterSeconds));
        const limit = sim.config.rateLimitPerSecond;
        sendText(
          reply,
          429,
          envelopeText(
            429,
            "too_many_requests",
            `rate limit of ${limit} requests per second exceeded; retry after ${retryAfterSeconds} s`,
            null,
          ),
        );
        return;
      }
    }
    done();
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    const err = error as { statusCode?: number; code?: string; message?: string };
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    return sendText(reply, status, envelopeText(status, defaultCodeFor(status), err.message ?? "error", null));
  });

  app.setNotFoundHandler((req, reply) =>
    sendText(reply, 404, envelopeText(404, "not_found", `no route ${req.method} ${req.url.split("?")[0]}`, null)),
  );

  const partnerFaults: FaultWording = {
    errorText: (fault) =>
      envelopeText(fault.status, fault.code ?? defaultCodeFor(fault.status), "injected fault", null),
    emptySuccessText: successText({}),
  };

  function checkUserAgent(req: FastifyRequest): void {
    if (String(req.headers["user-agent"] ?? "").trim() === "") {
      throw new ApiError(400, "missing_user_agent", "the User-Agent header is required");
    }
  }

  function checkBearer(req: FastifyRequest): void {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ""));
    if (!match) throw new ApiError(401, "unauthorized", "missing Authorization: Bearer <token>");
    const check = sim.store.tokens.check(match[1], Date.now());
    if (check === "unknown") throw new ApiError(401, "unauthorized", "unknown access token");
    if (check === "expired")
      throw new ApiError(401, "token_expired", "the access token has expired; request a new one");
  }

  function api(
    method: "GET" | "POST",
    url: string,
    endpoint: EndpointName,
    handler: (req: FastifyRequest) => unknown,
  ): void {
    app.route({
      method,
      url,
      config: { endpoint },
      handler: async (req, reply) => {
        await connections.sleep(sim.config.latencyMs);
        const fault = sim.faults.take(endpoint, "before");
        if (fault && (await applyFault(connections, partnerFaults, fault, req, reply))) return reply;
        let text: string;
        try {
          checkUserAgent(req);
          if (endpoint !== "token") checkBearer(req);
          sim.store.settle(Date.now());
          text = replyText(endpoint, await handler(req), sim.config.quirks);
        } catch (error) {
          return sendError(reply, error);
        }
        // Only a committed order reaches this point, which is what "commit, then fail" needs.
        const after = endpoint === "orderSave" ? sim.faults.take(endpoint, "afterCommit") : undefined;
        if (after && (await applyFault(connections, partnerFaults, after, req, reply, text))) return reply;
        return sendText(reply, 200, text);
      },
    });
  }

  registerPartnerRoutes(api, sim, (req) => rawBodies.get(req) ?? "");
  registerPbxRoutes(app, sim, connections);
  registerAdminRoutes(app, sim);
  return { app, connections };
}
