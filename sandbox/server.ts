/**
 * The HTTP face of the sandbox: the Partner Portal endpoints on fastify, with the envelope, the User-Agent and
 * bearer-token checks, per-endpoint request counting and fault injection.
 */
import type { Socket } from "node:net";
import fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { PATHS, PCE_PRODUCT_ID, type EndpointName } from "../provider/api/catalog";
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
import { validateOrder, validatePriceRequest } from "./orders";
import { lineAmount, sumAmounts } from "./pricing";
import { BILLING_CONTACTS, REGIONS, SUBORDINATE_USERS } from "./seeds";
import type { Simulator } from "./simulator";
import type { FaultSpec, Quirk, StoredOrder, StoredProduct } from "./types";

declare module "fastify" {
  interface FastifyContextConfig {
    endpoint?: EndpointName;
  }
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;

/** Sockets held open by `hang` faults, and timers of injected latency, so close() can end them all. */
export class Connections {
  private readonly held = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  hold(socket: Socket): void {
    this.held.add(socket);
    socket.once("close", () => this.held.delete(socket));
  }

  releaseHeld(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  /** After close() the promise never settles: the request it delays is already gone with its socket. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.releaseHeld();
  }
}

type Query = Record<string, string | string[] | undefined>;

function queryValue(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Query)[name];
  return Array.isArray(value) ? value[0] : value;
}

function positiveIntQuery(req: FastifyRequest, name: string, fallback: number, max?: number): number {
  const text = queryValue(req, name);
  if (text === undefined || text === "") return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw validationError({ [name]: "must be a positive integer" });
  const value = Number(text);
  if (max !== undefined && value > max) throw validationError({ [name]: `must be at most ${max}` });
  return value;
}

function pageOf<T>(req: FastifyRequest, all: T[]) {
  const pageNo = positiveIntQuery(req, "pageNo", 1);
  const pageSize = positiveIntQuery(req, "pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return {
    count: all.length,
    pageNo,
    pageSize,
    results: all.slice((pageNo - 1) * pageSize, pageNo * pageSize),
    total: all.length,
    totalPage: Math.ceil(all.length / pageSize),
  };
}

function productInfo(p: StoredProduct) {
  return {
    productNo: p.productNo,
    instanceId: p.instanceId,
    productId: p.productId,
    pbxName: p.pbxName,
    pbxUrl: p.pbxUrl,
    regionId: p.regionId,
    pbxSubDomainId: p.pbxSubDomainId,
    planId: p.planId,
    billingCycle: p.billingCycle,
    extensions: p.extensions,
    services: p.services,
    expireDate: p.expireDate,
    status: p.status,
    assignId: p.assignId,
    activationCode: p.activationCode,
    activationStatus: p.activationStatus,
    comment: p.comment,
    createTime: p.createTime,
  };
}

function orderInfo(o: StoredOrder) {
  return {
    id: o.id,
    orderNo: o.orderNo,
    orderStatus: o.orderStatus,
    createTime: o.createTime,
    currencyCode: "USD",
    customReferenceNo: o.poNumber,
    invoiceNo: o.invoiceNo,
  };
}

function orderDetail(o: StoredOrder) {
  const contact = BILLING_CONTACTS.find((c) => c.billingContactId === o.billingId);
  return {
    basicInformation: {
      productId: String(PCE_PRODUCT_ID),
      productName: "P-Series Cloud Edition",
      productNo: o.productNo,
    },
    billingInformation: {
      billingId: o.billingId,
      emailAddress: contact?.emailAddress ?? "",
      company: contact?.company ?? "",
    },
    orderInformation: {
      id: o.id,
      orderNo: o.orderNo,
      orderStatus: o.orderStatus,
      operationType: o.operationType,
      instanceId: o.instanceId,
      transactionNo: o.transactionNo,
      createTime: o.createTime,
      currencyCode: "USD",
      customReferenceNo: o.poNumber,
      invoiceNo: o.invoiceNo,
    },
    orderSummary: { serviceList: o.serviceList, totalAmount: o.totalAmount },
  };
}

function isForm(req: FastifyRequest): boolean {
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
}

function formField(body: unknown, name: string): string {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : "";
}

function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(text);
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
  const app = fastify({ logger: options.logger, forceCloseConnections: true });
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

  app.addHook("onRequest", (req, _reply, done) => {
    const endpoint = req.routeOptions.config?.endpoint;
    if (endpoint) sim.count(endpoint);
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

  /** Applies a fault; true when it produced the reply (or deliberately none). */
  async function applyFault(fault: FaultSpec, req: FastifyRequest, reply: FastifyReply, committed?: string) {
    await connections.sleep(fault.latencyMs ?? 0);
    if (fault.hang) {
      reply.hijack();
      connections.hold(req.raw.socket);
      return true;
    }
    if (fault.drop) {
      reply.hijack();
      req.raw.socket.destroy();
      return true;
    }
    if (fault.malformed) {
      const full = committed ?? successText({});
      sendText(reply, 200, full.slice(0, Math.floor(full.length / 2)));
      return true;
    }
    if (fault.status !== undefined) {
      if (fault.retryAfterSeconds !== undefined) reply.header("retry-after", String(fault.retryAfterSeconds));
      const code = fault.code ?? defaultCodeFor(fault.status);
      sendText(reply, fault.status, envelopeText(fault.status, code, "injected fault", null));
      return true;
    }
    return false;
  }

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
        if (fault && (await applyFault(fault, req, reply))) return reply;
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
        if (after && (await applyFault(after, req, reply, text))) return reply;
        return sendText(reply, 200, text);
      },
    });
  }

  api("POST", PATHS.token, "token", (req) => {
    if (!isForm(req)) {
      throw new ApiError(
        415,
        "unsupported_media_type",
        "send application/x-www-form-urlencoded or multipart/form-data",
      );
    }
    const grantType = formField(req.body, "grant_type");
    const now = Date.now();
    const issue = () => {
      const token = sim.store.tokens.issue(sim.credentials.clientId, sim.config.tokenLifetimeSeconds, now);
      sim.store.save();
      return token;
    };
    if (grantType === "pp_credentials") {
      const clientId = formField(req.body, "client_id");
      const clientSecret = formField(req.body, "client_secret");
      const missing: Record<string, string> = {};
      if (clientId === "") missing.client_id = "required";
      if (clientSecret === "") missing.client_secret = "required";
      if (Object.keys(missing).length > 0) throw validationError(missing);
      if (clientId !== sim.credentials.clientId || clientSecret !== sim.credentials.clientSecret) {
        throw new ApiError(401, "invalid_client", "unknown client_id or wrong client_secret");
      }
      return issue();
    }
    if (grantType === "refresh_token") {
      const refreshToken = formField(req.body, "refresh_token");
      if (refreshToken === "") throw validationError({ refresh_token: "required" });
      if (sim.config.rejectRefreshTokens || !sim.store.tokens.redeem(refreshToken, now)) {
        throw new ApiError(401, "invalid_refresh_token", "the refresh token is unknown, used or expired");
      }
      return issue();
    }
    if (grantType === "") throw validationError({ grant_type: "required" });
    throw new ApiError(400, "unsupported_grant_type", `grant_type must be pp_credentials or refresh_token`);
  });

  api("GET", PATHS.regionList, "regionList", () => REGIONS);

  api("GET", PATHS.pbxUrlExisted, "pbxUrlExisted", (req) => {
    const pbxUrl = queryValue(req, "pbxUrl");
    if (!pbxUrl) throw validationError({ pbxUrl: "required" });
    return sim.store.isUrlTaken(pbxUrl);
  });

  api("GET", PATHS.billingContactList, "billingContactList", () => BILLING_CONTACTS);

  api("GET", PATHS.subordinateUserList, "subordinateUserList", () => SUBORDINATE_USERS);

  api("GET", PATHS.productList, "productList", (req) => {
    const productId = queryValue(req, "productId");
    if (productId === undefined || productId === "") throw validationError({ productId: "required" });
    if (!/^\d+$/.test(productId)) throw validationError({ productId: "must be an integer" });
    const mine = sim.store.products.filter((p) => String(p.productId) === productId);
    return pageOf(req, mine.map(productInfo));
  });

  api("GET", PATHS.productDetail, "productDetail", (req) => {
    const productNo = queryValue(req, "productNo");
    const productId = queryValue(req, "productId");
    const missing: Record<string, string> = {};
    if (!productNo) missing.productNo = "required";
    if (!productId) missing.productId = "required";
    if (Object.keys(missing).length > 0) throw validationError(missing);
    const product = sim.store.findProduct(productNo as string);
    if (!product || String(product.productId) !== productId) {
      throw new ApiError(404, "product_not_found", `no product ${productNo} of product ID ${productId}`);
    }
    return {
      ...productInfo(product),
      currentPlan: product.currentPlan,
      currentPlanExpireDate: product.currentPlanExpireDate,
    };
  });

  api("POST", PATHS.orderSave, "orderSave", (req) => {
    const valid = validateOrder(req.body, sim.store.context());
    const order = sim.store.createOrder(valid, rawBodies.get(req) ?? "", Date.now());
    return {
      instanceId: order.instanceId,
      orderNo: order.orderNo,
      orderStatus: order.orderStatus,
      productNo: order.productNo,
      transactionNo: order.transactionNo,
    };
  });

  api("GET", PATHS.orderList, "orderList", (req) => {
    const newestFirst = [...sim.store.orders].reverse();
    return pageOf(req, newestFirst.map(orderInfo));
  });

  api("GET", `${PATHS.orderDetail}/:id`, "orderDetail", (req) => {
    const { id } = req.params as { id: string };
    const order = sim.store.findOrder(id);
    if (!order) throw new ApiError(404, "order_not_found", `no order ${id}`);
    return orderDetail(order);
  });

  api("POST", PATHS.priceCalculate, "priceCalculate", (req) => {
    const valid = validatePriceRequest(req.body, sim.store.context());
    const items = valid.items.map((item) => {
      const price = sim.store.price(item.pricingId);
      return {
        pricingId: item.pricingId,
        serviceType: item.serviceType,
        billingCycle: item.billingCycle,
        quantity: item.quantity,
        unitPrice: price[item.billingCycle],
        amount: lineAmount(price, item.billingCycle, item.quantity),
      };
    });
    return { currencyCode: "USD", totalAmount: sumAmounts(items.map((i) => i.amount)), items };
  });

  registerAdminRoutes(app, sim);
  return { app, connections };
}
