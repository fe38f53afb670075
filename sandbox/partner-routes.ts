/**
 * The Partner Portal endpoints the provider uses, one handler each. A handler returns the `result` of a success
 * envelope or throws an `ApiError`; `server.ts` wraps every one with the envelope, the User-Agent and bearer checks,
 * latency, faults and counting.
 */
import type { FastifyRequest } from "fastify";
import { PATHS, type EndpointName } from "../provider/api/catalog";
import { ApiError, validationError } from "./envelope";
import { validateOrder } from "./orders";
import { validatePriceRequest } from "./price-request";
import { idOf } from "./request-fields";
import { lineAmount, sumAmounts } from "./pricing";
import { orderDetail, orderInfo, orderResult, productInfo } from "./replies";
import { registerCustomerRoutes } from "./customers";
import { BILLING_CONTACTS } from "./seeds";
import type { Simulator } from "./simulator";

/** Registers one API endpoint with the server's wrapping (see `buildServer`). */
export type ApiRoute = (
  method: "GET" | "POST",
  url: string,
  endpoint: EndpointName,
  handler: (req: FastifyRequest) => unknown,
) => void;

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 25;

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

function isForm(req: FastifyRequest): boolean {
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
}

function formField(body: unknown, name: string): string {
  const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : "";
}

/** `rawBody` gives a request's body exactly as it arrived (kept with each order). */
export function registerPartnerRoutes(api: ApiRoute, sim: Simulator, rawBody: (req: FastifyRequest) => string): void {
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

  api("GET", PATHS.regionList, "regionList", () => sim.store.regions);

  api("GET", PATHS.pbxUrlExisted, "pbxUrlExisted", (req) => {
    const pbxUrl = queryValue(req, "pbxUrl");
    if (!pbxUrl) throw validationError({ pbxUrl: "required" });
    return sim.store.isUrlTaken(pbxUrl);
  });

  api("GET", PATHS.billingContactList, "billingContactList", () => BILLING_CONTACTS);

  registerCustomerRoutes(api, sim);

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
    return orderResult(sim.store.createOrder(valid, rawBody(req), Date.now()));
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

  // Auto-renewal. The guide documents turning it on and reading it, nothing that turns it off.
  const renewable = (productNo: unknown, productId: unknown) => {
    const missing: Record<string, string> = {};
    if (typeof productNo !== "string" || productNo === "") missing.productNo = "required";
    if (productId === undefined || productId === null || productId === "") missing.productId = "required";
    if (Object.keys(missing).length > 0) throw validationError(missing);
    const product = sim.store.findProduct(productNo as string);
    if (!product || String(product.productId) !== String(productId)) {
      throw new ApiError(
        404,
        "product_not_found",
        `no product ${String(productNo)} of product ID ${String(productId)}`,
      );
    }
    return product;
  };

  api("GET", PATHS.autoRenewStatus, "autoRenewStatus", (req) => {
    const product = renewable(queryValue(req, "productNo"), queryValue(req, "productId"));
    return { autoRenew: product.autoRenew };
  });

  api("POST", PATHS.autoRenewEnable, "autoRenewEnable", (req) => {
    const body = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const product = renewable(body.productNo, body.productId);
    const planId = idOf(body.planOrServiceId);
    if (planId === undefined) throw validationError({ planOrServiceId: "required: the ID of the PBX's plan" });
    // Safest for the buyer: only the plan the PBX has now renews, and only a PBX that is live.
    if (planId !== product.planId) {
      throw validationError({ planOrServiceId: `must be the PBX's current plan ${product.planId}, got ${planId}` });
    }
    if (product.status !== "active") {
      throw new ApiError(400, "product_not_active", `product ${product.productNo} is ${product.status}, not active`);
    }
    sim.store.updateProduct(product.productNo, { autoRenew: true });
    return true;
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
}
