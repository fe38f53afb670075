/**
 * The record of one `yeastar-pseries doctor` run (doctor-main.ts): the rows and contradictions found so far, the raw
 * reply of each endpoint (read in memory, never printed: a token reply holds credentials) and the checks on them.
 */
import { parse as parseLossless, isLosslessNumber } from "lossless-json";
import { PATHS, type EndpointName } from "../api/catalog";
import { PartnerClient } from "../client/client";
import { SchemaError } from "../client/errors";
import type { FetchLike } from "../client/transport";
import type { Credentials } from "./credentials";

/** docs/api-assumptions.md that the doctor can check from read-only replies. */
export const ASSUMPTIONS = {
  idsAsIntegers:
    "64-bit ids go on the wire as bare JSON integers, in requests and in replies (region, sub-domain, billing contact, plan, service, order)",
  plainArrays: "Lists that the guide does not page (regions, billing contacts, subordinate users) are plain arrays",
  productFields:
    "Product list and detail carry URL, region, plan id, billing cycle, extensions, services (HA, minutes) and expiry",
  ownUrlTaken: "The URL check answers true for our own PBXs too",
  productNotFound: "Product detail for an unknown serial number is 404 product_not_found",
  ordersNewestFirst: "The order list is newest first",
  priceShape: "The price-calculation reply is {currencyCode, totalAmount, items}",
  tokenLifetime: "A token lasts expiresIn seconds (a number or a digit string) and comes with a refresh token",
} as const;
export type AssumptionKey = keyof typeof ASSUMPTIONS;

export type CheckResult = "ok" | "FAIL" | "contradicts" | "skipped";
export interface CheckRow {
  check: string;
  result: CheckResult;
  detail: string;
}
export interface Contradiction {
  assumption: AssumptionKey;
  text: string;
  evidence: string;
}
export interface DoctorReport {
  ok: boolean;
  checks: CheckRow[];
  contradictions: Contradiction[];
}

interface RawReply {
  status: number;
  text: string;
}

/** Response fields that carry 64-bit ids, per endpoint (docs/api-assumptions.md: ids as bare JSON integers). */
const ID_FIELDS_IN_REPLIES: Partial<Record<EndpointName, string[]>> = {
  regionList: ["id", "pbxSubDomainId"],
  billingContactList: ["billingContactId"],
  productList: ["regionId", "pbxSubDomainId", "planId", "serviceId"],
  productDetail: ["regionId", "pbxSubDomainId", "planId", "serviceId"],
  orderList: ["id"],
};

const PRODUCT_FIELDS = ["pbxUrl", "regionId", "planId", "billingCycle", "extensions", "services", "expireDate"];

export function endpointOf(url: string): EndpointName | undefined {
  const pathname = new URL(url).pathname;
  // Longest path first: the order-detail path is a prefix match ("/get/{id}").
  const entries = (Object.entries(PATHS) as Array<[EndpointName, string]>).sort((a, b) => b[1].length - a[1].length);
  return entries.find(([, p]) => pathname.endsWith(p) || pathname.includes(`${p}/`))?.[0];
}

/** One run: a client whose raw replies are kept per endpoint, and what the checks found. */
export class DoctorRun {
  readonly checks: CheckRow[] = [];
  readonly contradictions: Contradiction[] = [];
  private readonly last = new Map<EndpointName, RawReply>();
  private made?: PartnerClient;

  constructor(
    private readonly creds: Credentials,
    private readonly fetchImpl: FetchLike,
  ) {}

  /** The client, made on first use (after the base URL check: its constructor refuses an unsafe one). */
  get client(): PartnerClient {
    if (!this.made) {
      const recording: FetchLike = async (url, init) => {
        const res = await this.fetchImpl(url, init);
        const text = await res.text();
        const endpoint = endpointOf(url);
        if (endpoint) this.last.set(endpoint, { status: res.status, text });
        return { status: res.status, headers: res.headers, text: async () => text };
      };
      // Few retries: the doctor should answer quickly, and a flaky endpoint is worth seeing.
      this.made = new PartnerClient({ ...this.creds, fetch: recording, retry: { retries: 1, baseDelayMs: 200 } });
    }
    return this.made;
  }

  row(check: string, result: CheckResult, detail: string): void {
    this.checks.push({ check, result, detail });
  }

  contradict(assumption: AssumptionKey, evidence: string): void {
    this.contradictions.push({ assumption, text: ASSUMPTIONS[assumption], evidence });
  }

  report(): DoctorReport {
    return {
      ok: this.checks.every((c) => c.result === "ok" || c.result === "skipped") && this.contradictions.length === 0,
      checks: this.checks,
      contradictions: this.contradictions,
    };
  }

  /** The raw reply last read from an endpoint: its HTTP status and parsed envelope. */
  raw(endpoint: EndpointName): { status?: number; envelope: unknown; result: unknown } {
    const raw = this.last.get(endpoint);
    return { status: raw?.status, envelope: rawEnvelope(raw), result: rawResult(raw) };
  }

  /** Runs one read; returns its value, or undefined after recording a failure. */
  async probe<T>(
    check: string,
    endpoint: EndpointName,
    call: () => Promise<T>,
    describe: (value: T) => string,
    onSchemaError?: AssumptionKey,
  ): Promise<T | undefined> {
    const before = this.contradictions.length;
    try {
      const value = await call();
      this.checkIdsAreIntegers(endpoint);
      this.row(check, this.contradictions.length > before ? "contradicts" : "ok", describe(value));
      return value;
    } catch (err) {
      if (err instanceof SchemaError && onSchemaError) {
        this.contradict(onSchemaError, `${check}: ${err.issues.join("; ")}`);
      }
      this.row(check, "FAIL", (err as Error).message);
      return undefined;
    }
  }

  /** Marks a check that passed as contradicting an assumption found after it. */
  setResult(check: string): void {
    const r = this.checks.find((c) => c.check === check);
    if (r && r.result === "ok") r.result = "contradicts";
  }

  checkIdsAreIntegers(endpoint: EndpointName): void {
    const fields = ID_FIELDS_IN_REPLIES[endpoint];
    const result = this.raw(endpoint).result;
    if (!fields || result === undefined) return;
    const bad = findNonIntegerIds(result, new Set(fields), "result");
    if (bad.length > 0) {
      this.contradict(
        "idsAsIntegers",
        `${endpoint}: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? ` and ${bad.length - 3} more` : ""}`,
      );
    }
  }

  checkPlainArray(endpoint: EndpointName): void {
    const result = this.raw(endpoint).result;
    if (result !== undefined && !Array.isArray(result)) {
      this.contradict("plainArrays", `${endpoint}: result is ${describeType(result)}, not an array`);
    }
  }

  checkProductFields(endpoint: EndpointName, itemsOf: (result: unknown) => unknown[]): void {
    const result = this.raw(endpoint).result;
    if (result === undefined) return;
    for (const item of itemsOf(result)) {
      if (!item || typeof item !== "object") continue;
      const missing = PRODUCT_FIELDS.filter((f) => !(f in (item as object)));
      if (missing.length > 0) {
        const serial = (item as { productNo?: unknown }).productNo;
        this.contradict("productFields", `${endpoint}: product ${String(serial)} has no ${missing.join(", ")}`);
        return;
      }
    }
  }
}

function rawEnvelope(raw: RawReply | undefined): unknown {
  if (!raw) return undefined;
  try {
    return parseLossless(raw.text);
  } catch {
    return undefined;
  }
}

function rawResult(raw: RawReply | undefined): unknown {
  const env = rawEnvelope(raw) as { result?: unknown } | undefined;
  return env && typeof env === "object" ? env.result : undefined;
}

export function describeType(value: unknown): string {
  if (isLosslessNumber(value)) return "a number";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "missing";
  return `a ${typeof value}`;
}

/** Paths of id fields (by name) whose value is not a bare JSON integer. */
function findNonIntegerIds(value: unknown, fields: Set<string>, at: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findNonIntegerIds(v, fields, `${at}[${i}]`));
  if (!value || typeof value !== "object" || isLosslessNumber(value)) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (fields.has(key) && v !== undefined && !isLosslessNumber(v)) out.push(`${at}.${key} is ${describeType(v)}`);
    else out.push(...findNonIntegerIds(v, fields, `${at}.${key}`));
  }
  return out;
}
