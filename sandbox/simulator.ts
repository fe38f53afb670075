/**
 * The sandbox without its HTTP layer: state, faults and counters, and the admin operations on them.
 */
import { PATHS, type EndpointName } from "../provider/api/catalog";
import { checkSeed, seeded } from "./pbx-extensions";
import { isRouteName } from "../provider/api/pbx-inbound-routes";
import type { StoredUser } from "./customers";
import { FaultBook } from "./faults";
import { isMoney } from "./pricing";
import { RateLimiter } from "./rate-limit";
import type { SeedRegion } from "./seeds";
import { Store } from "./store";
import {
  PBX_COUNTERS,
  QUIRKS,
  type ExtensionSeed,
  type PbxCounter,
  type SandboxEndpoint,
  type StoredExtension,
  type StoredInboundRoute,
  type ConfigPatch,
  type FaultSpec,
  type Price,
  type SandboxAdmin,
  type SandboxConfig,
  type SandboxStats,
  type StoredProduct,
} from "./types";

/** An admin request that cannot be carried out; `status` is what the HTTP admin surface replies. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "AdminError";
  }
}

function zeroCounters(): Record<SandboxEndpoint, number> {
  const names = [...Object.keys(PATHS), ...Object.values(PBX_COUNTERS)];
  return Object.fromEntries(names.map((name) => [name, 0])) as Record<SandboxEndpoint, number>;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** A region list as the API returns it: ids as decimal strings, each region with sub-domains and suffixes. */
function checkRegions(input: unknown): SeedRegion[] {
  const id = (v: unknown) => typeof v === "string" && /^\d{1,20}$/.test(v);
  if (!Array.isArray(input)) throw new AdminError(400, "regions must be an array");
  input.forEach((r: Partial<SeedRegion> | null, i) => {
    if (!r || !id(r.id) || typeof r.name !== "string" || r.name === "" || !Array.isArray(r.region)) {
      throw new AdminError(400, `regions[${i}] needs "id" (a decimal string), "name" and "region" (an array)`);
    }
    r.region.forEach((d: Partial<SeedRegion["region"][number]> | null, j) => {
      const suffixes = d?.pbxSubDomain;
      if (!d || !id(d.pbxSubDomainId) || !Array.isArray(suffixes) || !suffixes.every((s) => typeof s === "string")) {
        throw new AdminError(
          400,
          `regions[${i}].region[${j}] needs "pbxSubDomainId" (a decimal string) and "pbxSubDomain" (an array of suffixes)`,
        );
      }
    });
  });
  return structuredClone(input as SeedRegion[]);
}

export function checkConfigPatch(input: unknown): ConfigPatch {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new AdminError(400, "config must be an object");
  }
  const patch = input as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case "orderPendingMs":
      case "latencyMs":
        if (!isNonNegativeInteger(value)) throw new AdminError(400, `${key} must be a non-negative integer`);
        break;
      case "tokenLifetimeSeconds":
        if (!isNonNegativeInteger(value) || value === 0) {
          throw new AdminError(400, `${key} must be a positive integer`);
        }
        break;
      case "rejectRefreshTokens":
        if (typeof value !== "boolean") throw new AdminError(400, `${key} must be a boolean`);
        break;
      case "failOrdersForUrls":
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
          throw new AdminError(400, `${key} must be an array of strings`);
        }
        break;
      case "rateLimitPerSecond":
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
          throw new AdminError(400, `${key} must be a number of requests per second, 0 (no limit) or more`);
        }
        break;
      case "quirks":
        if (!Array.isArray(value) || !value.every((v) => (QUIRKS as readonly unknown[]).includes(v))) {
          throw new AdminError(400, `${key} must be an array of any of: ${QUIRKS.join(", ")}`);
        }
        break;
      default:
        throw new AdminError(400, `unknown config field: ${key}`);
    }
  }
  return patch as ConfigPatch;
}

export class Simulator implements SandboxAdmin {
  readonly store: Store;
  readonly faults = new FaultBook();
  requests = zeroCounters();
  rateLimited = zeroCounters();
  private readonly limiter = new RateLimiter();
  /** One rate limit per PBX: each PBX's API is its own server. */
  private readonly pbxLimiters = new Map<string, RateLimiter>();
  private readonly resetListeners: Array<() => void> = [];

  constructor(
    readonly credentials: { clientId: string; clientSecret: string; pbxClientId: string; pbxClientSecret: string },
    config: SandboxConfig,
    stateFile?: string,
  ) {
    this.store = new Store(config, stateFile);
    this.store.load();
  }

  get config(): SandboxConfig {
    return this.store.config;
  }

  count(endpoint: SandboxEndpoint): void {
    this.requests[endpoint] += 1;
  }

  /**
   * Applies the rate limit to one API request: undefined when it may pass, else the seconds for `Retry-After`
   * (the refusal is counted).
   */
  rateLimit(endpoint: EndpointName, nowMs: number): number | undefined {
    this.limiter.configure(this.config.rateLimitPerSecond, nowMs);
    const wait = this.limiter.take(nowMs);
    if (wait !== undefined) this.rateLimited[endpoint] += 1;
    return wait;
  }

  /** The rate limit of one PBX's API (the same `rateLimitPerSecond`, a bucket per PBX). */
  rateLimitPbx(endpoint: PbxCounter, pbxUrl: string, nowMs: number): number | undefined {
    const key = pbxUrl.toLowerCase();
    let limiter = this.pbxLimiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter();
      this.pbxLimiters.set(key, limiter);
    }
    limiter.configure(this.config.rateLimitPerSecond, nowMs);
    const wait = limiter.take(nowMs);
    if (wait !== undefined) this.rateLimited[endpoint] += 1;
    return wait;
  }

  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  stats(): SandboxStats {
    this.store.settle(Date.now());
    return {
      requests: { ...this.requests },
      rateLimited: { ...this.rateLimited },
      orders: structuredClone(this.store.orders),
      tokensIssued: this.store.tokens.issued,
      pbxTokensIssued: this.store.pbx.issued,
    };
  }

  reset(): void {
    this.store.reset();
    this.faults.clear();
    this.resetCounters();
    for (const listener of this.resetListeners) listener();
  }

  resetCounters(): void {
    this.requests = zeroCounters();
    this.rateLimited = zeroCounters();
    this.store.tokens.issued = 0;
    this.store.pbx.issued = 0;
  }

  addFault(f: FaultSpec): void {
    try {
      this.faults.add(f);
    } catch (error) {
      throw new AdminError(400, (error as Error).message);
    }
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setConfig(c: ConfigPatch): void {
    Object.assign(this.store.config, structuredClone(checkConfigPatch(c)));
  }

  products(): StoredProduct[] {
    this.store.settle(Date.now());
    return structuredClone(this.store.products);
  }

  users(): StoredUser[] {
    return structuredClone(this.store.users);
  }

  updateProduct(productNo: string, patch: Partial<StoredProduct>): void {
    const product = this.store.findProduct(productNo);
    if (!product) throw new AdminError(404, `no product ${productNo}`);
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
      throw new AdminError(400, "patch must be an object");
    }
    for (const [key, value] of Object.entries(patch)) {
      if (key === "productNo") throw new AdminError(400, "productNo cannot change");
      if (!Object.hasOwn(product, key)) throw new AdminError(400, `unknown product field: ${key}`);
      const current: unknown = product[key as keyof StoredProduct];
      if (typeof value !== typeof current || Array.isArray(value) !== Array.isArray(current)) {
        throw new AdminError(400, `${key} must be of type ${Array.isArray(current) ? "array" : typeof current}`);
      }
    }
    this.store.updateProduct(productNo, patch);
  }

  deleteProduct(productNo: string): void {
    if (!this.store.deleteProduct(productNo)) throw new AdminError(404, `no product ${productNo}`);
  }

  expireTokens(): void {
    this.store.tokens.expireAll();
    this.store.pbx.expireAll();
    this.store.save();
  }

  issuedTokens(): string[] {
    return [...this.store.tokens.all(), ...this.store.pbx.allTokens()];
  }

  extensions(pbxUrl: string): StoredExtension[] {
    return structuredClone(this.store.pbx.list(this.activePbx(pbxUrl).productNo));
  }

  putExtension(pbxUrl: string, fields: ExtensionSeed): StoredExtension {
    const { productNo } = this.activePbx(pbxUrl);
    const seed = this.checkedSeed(fields, true) as ExtensionSeed;
    const existing = this.store.pbx.findByNumber(productNo, seed.number);
    const stored = existing
      ? Object.assign(existing, seeded({ ...seed, presence_status: seed.presence_status ?? existing.presence_status }))
      : this.store.pbx.add(productNo, seeded(seed));
    this.store.save();
    return structuredClone(stored);
  }

  updateExtension(pbxUrl: string, number: string, patch: Partial<Omit<StoredExtension, "id">>): StoredExtension {
    const { productNo } = this.activePbx(pbxUrl);
    const extension = this.store.pbx.findByNumber(productNo, number);
    if (!extension) throw new AdminError(404, `no extension ${number} on ${pbxUrl}`);
    const checked = this.checkedSeed(patch, false);
    if (
      checked.number !== undefined &&
      checked.number !== number &&
      this.store.pbx.findByNumber(productNo, checked.number)
    ) {
      throw new AdminError(409, `extension ${checked.number} already exists on ${pbxUrl}`);
    }
    Object.assign(extension, checked);
    this.store.save();
    return structuredClone(extension);
  }

  inboundRoutes(pbxUrl: string): StoredInboundRoute[] {
    return structuredClone(this.store.pbx.routes(this.activePbx(pbxUrl).productNo));
  }

  updateInboundRoute(pbxUrl: string, name: string, patch: Partial<Omit<StoredInboundRoute, "id">>): StoredInboundRoute {
    const { productNo } = this.activePbx(pbxUrl);
    const route = this.store.pbx.routes(productNo).find((r) => r.name === name);
    if (!route) throw new AdminError(404, `no inbound route ${name} on ${pbxUrl}`);
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
      throw new AdminError(400, "the patch must be an object");
    }
    const keys = Object.keys(route).filter((k) => k !== "id");
    const unknown = Object.keys(patch).filter((k) => !keys.includes(k));
    if (unknown.length > 0)
      throw new AdminError(400, `unknown inbound route field: ${unknown.join(", ")} (use ${keys.join(", ")})`);
    Object.assign(route, structuredClone(patch));
    this.store.save();
    return structuredClone(route);
  }

  trunks(pbxUrl: string): string[] {
    return [...this.store.pbx.trunks(this.activePbx(pbxUrl).productNo)];
  }

  putTrunk(pbxUrl: string, name: string): string[] {
    const { productNo } = this.activePbx(pbxUrl);
    if (typeof name !== "string" || !isRouteName(name)) {
      throw new AdminError(400, "a trunk name is 1 to 63 characters without spaces or special characters");
    }
    const trunks = this.store.pbx.addTrunk(productNo, name);
    this.store.save();
    return trunks;
  }

  private activePbx(pbxUrl: string): StoredProduct {
    this.store.settle(Date.now());
    const pbx = this.store.activePbx(String(pbxUrl));
    if (!pbx) throw new AdminError(404, `no active PBX ${pbxUrl}`);
    return pbx;
  }

  private checkedSeed(input: unknown, requireNumber: boolean): Partial<Omit<StoredExtension, "id">> {
    try {
      return checkSeed(input, requireNumber);
    } catch (error) {
      throw new AdminError(400, (error as Error).message);
    }
  }

  setRegions(regions: SeedRegion[]): void {
    this.store.regions = checkRegions(regions);
  }

  setPrices(p: Record<string, Price>): void {
    if (typeof p !== "object" || p === null || Array.isArray(p)) throw new AdminError(400, "prices must be an object");
    for (const [pricingId, price] of Object.entries(p)) {
      if (!/^\d{1,20}$/.test(pricingId)) throw new AdminError(400, `pricing ID ${pricingId} is not a decimal ID`);
      if (!price || !isMoney(price.monthly) || !isMoney(price.annually)) {
        throw new AdminError(
          400,
          `price of ${pricingId} needs "monthly" and "annually" as decimal strings like "4.00"`,
        );
      }
    }
    this.store.setPrices(p);
  }
}
