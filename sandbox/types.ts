/**
 * Shapes of the sandbox's state and of its public options. IDs are decimal strings here, like everywhere else in
 * our code; the HTTP layer writes them as bare JSON integers.
 */
import type { BillingCycle, EndpointName } from "../provider/api/catalog";
import type { PbxEndpoint } from "../provider/api/pbx-api";
import type { StoredUser } from "./customers";
import type { SeedRegion } from "./seeds";
import type { OperationType, PceSpecialRequest, ServiceItem } from "../provider/api/schemas";

/** The endpoints of a PBX's own API as the sandbox counts them (`stats().requests`) and faults them (`addFault`). */
export const PBX_COUNTERS = {
  getToken: "pbxToken",
  refreshToken: "pbxRefreshToken",
  capacity: "pbxCapacity",
  extensionList: "pbxExtensionList",
  extensionSearch: "pbxExtensionSearch",
  extensionGet: "pbxExtensionGet",
  extensionCreate: "pbxExtensionCreate",
  extensionUpdate: "pbxExtensionUpdate",
  extensionDelete: "pbxExtensionDelete",
  inboundRouteList: "pbxInboundRouteList",
  inboundRouteGet: "pbxInboundRouteGet",
  inboundRouteCreate: "pbxInboundRouteCreate",
  inboundRouteUpdate: "pbxInboundRouteUpdate",
  inboundRouteDelete: "pbxInboundRouteDelete",
} as const satisfies Record<PbxEndpoint, string>;
export type PbxCounter = (typeof PBX_COUNTERS)[PbxEndpoint];
/** Every endpoint the sandbox counts: the Partner Portal's and a PBX's. */
export type SandboxEndpoint = EndpointName | PbxCounter;

/** An extension of a PBX, in the API's field names (no passwords: the sandbox keeps none). */
export interface StoredExtension {
  /** A small integer, unique on its PBX (the API's `id`). */
  id: string;
  number: string;
  first_name: string;
  last_name: string;
  caller_id_name: string;
  email_addr: string;
  mobile_number: string;
  presence_status: string;
}

/** An inbound route of a PBX, in the API's field names (sandbox/pbx-inbound-routes.ts). */
export interface StoredInboundRoute {
  /** A small integer, unique on its PBX (the API's `id`). */
  id: string;
  name: string;
  did_option: string;
  did_pattern_list: Array<{ did_pattern: string }>;
  trunk_list: Array<{ name: string }>;
  def_dest: string;
  def_dest_value: string;
}

/** An extension to seed through the admin surface: a number, and any other fields (default ""). */
export type ExtensionSeed = Partial<Omit<StoredExtension, "id">> & { number: string };

export type ProductStatus = "pending" | "active" | "failed";
export type SandboxOrderStatus = "pending" | "succeed" | "failed";

export interface StoredService {
  serviceId: string;
  quantity: number;
}

export interface StoredProduct {
  productNo: string;
  instanceId: string;
  productId: number;
  pbxName: string;
  pbxUrl: string;
  regionId: string;
  pbxSubDomainId: string;
  planId: string;
  billingCycle: BillingCycle;
  extensions: number;
  /** High Availability and Recording Minutes; Extension Expansion is folded into `extensions`. */
  services: StoredService[];
  /** ISO date (YYYY-MM-DD). */
  expireDate: string;
  status: ProductStatus;
  assignId: string;
  activationCode: string;
  activationStatus: string;
  comment: string;
  createTime: number;
  /** Plan name being switched to during a pending downgrade, else "". */
  currentPlan: string;
  currentPlanExpireDate: string;
  /** Billing cycle that the pending downgrade brings with it, else "". */
  switchBillingCycle: BillingCycle | "";
  /**
   * Whether the PBX renews itself at the end of its term. A new PBX starts with it off (the API does not say; off
   * charges nothing unasked); only `instance_subscription/v1/active` or the admin surface turns it on.
   */
  autoRenew: boolean;
  /** A free trial (`trial_plan`) until a `switchTrial_plan` order converts it; its `expireDate` ends the trial. */
  isTrial?: boolean;
}

/** An order item as the order carried it (the shared request shape), with its price. */
export type StoredOrderItem = ServiceItem & { amount: string };

export interface StoredOrder {
  /** 64-bit order ID. */
  id: string;
  orderNo: string;
  transactionNo: string;
  /** Filled once the order succeeds. */
  invoiceNo: string;
  instanceId: string;
  productNo: string;
  pbxUrl: string;
  /** The new PBX's name, region, sub-domain and URL as validated (purchase_plan only). */
  orderPceSpecialRequest?: PceSpecialRequest;
  operationType: OperationType;
  billingId: string;
  poNumber: string;
  assignId: string;
  serviceList: StoredOrderItem[];
  totalAmount: string;
  createTime: number;
  /** When a pending order reaches its final status. */
  settleAt: number;
  /** The status the order reaches at `settleAt`. */
  outcome: "succeed" | "failed";
  orderStatus: SandboxOrderStatus;
  /** Every ID of the request as received (path -> decimal digits), so tests can prove no digit changed. */
  received: Record<string, string>;
  /** The request body exactly as it arrived. */
  rawBody: string;
}

export interface SandboxConfig {
  orderPendingMs: number;
  latencyMs: number;
  tokenLifetimeSeconds: number;
  rejectRefreshTokens: boolean;
  failOrdersForUrls: string[];
  /** Replies shaped unlike the API assumptions of docs/api-assumptions.md, to test that `yeastar-pseries doctor` notices. */
  quirks: Quirk[];
  /**
   * Requests per second the API accepts (all endpoints together; admin requests are free); beyond it, 429
   * `too_many_requests` with `Retry-After`. 0: no limit.
   */
  rateLimitPerSecond: number;
}

/**
 * - `ids-as-strings`: every 64-bit id in a reply is a JSON string instead of a bare integer.
 * - `product-without-expire-date`: product list and detail leave out `expireDate`.
 */
export const QUIRKS = ["ids-as-strings", "product-without-expire-date"] as const;
export type Quirk = (typeof QUIRKS)[number];

export interface Price {
  monthly: string;
  annually: string;
}

export interface SandboxOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default "sandbox-client". */
  clientId?: string;
  /** Default "sandbox-secret". */
  clientSecret?: string;
  /** Default 1800. */
  tokenLifetimeSeconds?: number;
  /** Default 0: orders succeed at once; >0: "pending" until that long after creation, then final. */
  orderPendingMs?: number;
  /** Default 0: added to every API request (not admin). */
  latencyMs?: number;
  /** JSON persistence: loaded at start, saved after each change. */
  stateFile?: string;
  /** Default 0 (no limit): API requests per second, beyond which the sandbox answers 429 with Retry-After. */
  rateLimitPerSecond?: number;
  /** Default false. */
  logger?: boolean;
  /** The client id every PBX's own API accepts (`get_token`'s `username`); default "pbx-client". */
  pbxClientId?: string;
  /** The client secret every PBX's own API accepts (`get_token`'s `password`); default "pbx-secret". */
  pbxClientSecret?: string;
}

export interface FaultSpec {
  endpoint: SandboxEndpoint;
  /** Reply with this HTTP status and an error envelope. */
  status?: number;
  code?: string;
  /** PBX endpoints: the reply's `errcode` (default 40029 with status 429, 10004 with 401, else 50000). */
  errcode?: number;
  /** Adds a Retry-After header (use with status 429). */
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** Never reply; the socket stays open until close() or reset(). */
  hang?: boolean;
  /** Reply 200 with a truncated JSON body. */
  malformed?: boolean;
  /** Destroy the socket without replying. */
  drop?: boolean;
  /** orderSave and the PBX writes only: store the order (and product) or the change first, then apply the fault. */
  afterCommit?: boolean;
  /** Apply to the next N matching requests only (default: until cleared). */
  times?: number;
}

export interface SandboxStats {
  /** Every API request received, those refused by the rate limit included. */
  requests: Record<SandboxEndpoint, number>;
  /** Requests refused with 429 by the rate limit (`rateLimitPerSecond`), per endpoint; injected faults not included. */
  rateLimited: Record<SandboxEndpoint, number>;
  orders: StoredOrder[];
  tokensIssued: number;
  /** Access tokens the PBXs' own APIs issued (`get_token` and `refresh_token`). */
  pbxTokensIssued: number;
}

export type ConfigPatch = Partial<SandboxConfig>;

export interface SandboxAdmin {
  stats(): SandboxStats;
  /** Clears products, orders, counters and faults, and restores the seeds and the startup config. */
  reset(): void;
  /** Clears only the request counters and tokensIssued. */
  resetCounters(): void;
  addFault(f: FaultSpec): void;
  clearFaults(): void;
  setConfig(c: ConfigPatch): void;
  products(): StoredProduct[];
  /** Subordinate users: the seeded ones and those created through `save_user`. */
  users(): StoredUser[];
  updateProduct(productNo: string, patch: Partial<StoredProduct>): void;
  deleteProduct(productNo: string): void;
  /** Every access token issued so far becomes expired (refresh tokens stay valid). */
  expireTokens(): void;
  setPrices(p: Record<string, Price>): void;
  /**
   * Replaces the region list the API offers (regions, their sub-domain ids and domain suffixes), as the portal may
   * change it; later orders are checked against it. Not persisted; reset restores the seeds.
   */
  setRegions(regions: SeedRegion[]): void;
  /** Every access and refresh token issued and still known (the PBXs' too), so tests can prove none leaked. */
  issuedTokens(): string[];
  /** The extensions of the active PBX with this URL (the PBX's own API, sandbox/pbx-routes.ts), by id. */
  extensions(pbxUrl: string): StoredExtension[];
  /**
   * Puts an extension on the PBX as if someone made it there (to seed existing ones): a new one, or the one with
   * this number replaced (its id kept). Not limited by capacity. Returns it.
   */
  putExtension(pbxUrl: string, fields: ExtensionSeed): StoredExtension;
  /** Changes fields of the extension with this number, as someone on the PBX would (drift). Returns it. */
  updateExtension(pbxUrl: string, number: string, patch: Partial<Omit<StoredExtension, "id">>): StoredExtension;
  /** The inbound routes of the active PBX with this URL, by id. */
  inboundRoutes(pbxUrl: string): StoredInboundRoute[];
  /** Changes fields of the inbound route with this name, as someone on the PBX would (drift). Returns it. */
  updateInboundRoute(pbxUrl: string, name: string, patch: Partial<Omit<StoredInboundRoute, "id">>): StoredInboundRoute;
  /** The PBX's trunk names: `DEFAULT_TRUNK` unless `putTrunk` added others. */
  trunks(pbxUrl: string): string[];
  /** Adds a trunk to the PBX (as if it were set up there). */
  putTrunk(pbxUrl: string, name: string): string[];
}

export interface Sandbox {
  url: string;
  port: number;
  /** The base URL of a PBX's own API in this sandbox: `${url}/pbx/${pbxUrl}` (the PBX client's `baseUrl`). */
  pbxBaseUrl(pbxUrl: string): string;
  admin: SandboxAdmin;
  close(): Promise<void>;
}
