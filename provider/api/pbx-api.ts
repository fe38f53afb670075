/**
 * What the provider needs from a PBX's own REST API (Yeastar's "P-Series Cloud Edition developer guide"):
 * `{base}/openapi/v1.0/{endpoint}?access_token=...`, GET and POST only, a `User-Agent` header on every request,
 * tokens from `get_token` with the PBX's API client id and secret (an access token lives 30 minutes, a refresh
 * token 24 hours). Every reply is `{errcode, errmsg, ...}`; `errcode` 0 is success. `provider/client/pbx-client.ts`
 * implements it over HTTP; unit tests may fake it. Methods throw the errors in `provider/client/errors.ts`.
 *
 * Documented: the endpoints, `system/capacity` -> `data.extension_capacity` / `data.extension_used`, the list's
 * `total_number` and `data[]` of `{id, number, caller_id_name, email_addr, mobile_number, ...}`. Inferred (and
 * served so by the sandbox): the fields of create/update this provider sends, `extension/search` by
 * `search_value` (the number), `extension/get` by `id`, `extension/delete` by `id` (a GET), and the error codes
 * in `PBX_ERRCODES` (docs/api-assumptions.md, "A PBX's own API").
 */
import { z } from "zod";
import type { InboundRouteFields, PbxInboundRoute } from "./pbx-inbound-routes";

/** Where the API lives under a PBX's base URL (`https://<pbxUrl>`, or the sandbox's `<sandbox>/pbx/<pbxUrl>`). */
export const PBX_API_ROOT = "/openapi/v1.0/";

/** The endpoints, relative to `{base}/openapi/v1.0/`. */
export const PBX_PATHS = {
  getToken: "get_token",
  refreshToken: "refresh_token",
  capacity: "system/capacity",
  extensionList: "extension/list",
  extensionSearch: "extension/search",
  extensionGet: "extension/get",
  extensionCreate: "extension/create",
  extensionUpdate: "extension/update",
  extensionDelete: "extension/delete",
  inboundRouteList: "inbound_route/list",
  inboundRouteGet: "inbound_route/get",
  inboundRouteCreate: "inbound_route/create",
  inboundRouteUpdate: "inbound_route/update",
  inboundRouteDelete: "inbound_route/delete",
} as const;
export type PbxEndpoint = keyof typeof PBX_PATHS;

/** Error codes the provider tells apart (inferred; the sandbox answers with them). Any other non-zero is an error. */
export const PBX_ERRCODES = {
  /** The access token is invalid or expired: get a new one and send a read again. */
  tokenExpired: 10004,
  /** Wrong API client id or secret (get_token). */
  badCredentials: 20004,
  /** A request field is missing or invalid; `errmsg` names it. */
  invalidParameter: 40002,
  /** The extension number (or, of an inbound route, the name) is taken on this PBX. */
  duplicateNumber: 40004,
  /** The PBX has as many extensions as it was bought with. */
  capacityReached: 40005,
  /** No extension (or inbound route) with that id. */
  notFound: 40006,
  /** Too many requests: wait `Retry-After` seconds. */
  rateLimited: 40029,
} as const;

export const PbxEnvelope = z.looseObject({ errcode: z.number().int(), errmsg: z.string().optional().default("") });

export const PbxToken = z.looseObject({
  access_token: z.string().min(1),
  access_token_expire_time: z.number().int().positive(),
  refresh_token: z.string().min(1),
  refresh_token_expire_time: z.number().int().positive(),
});
export type PbxToken = z.infer<typeof PbxToken>;

export const PbxCapacityReply = z.looseObject({
  data: z.looseObject({
    extension_capacity: z.number().int().nonnegative(),
    extension_used: z.number().int().nonnegative(),
  }),
});

/** One extension as the list, search and get replies carry it. */
export const PbxExtensionInfo = z.looseObject({
  id: z.union([z.number().int(), z.string()]).transform((v) => String(v)),
  number: z.string(),
  caller_id_name: z.string().optional().default(""),
  first_name: z.string().optional().default(""),
  last_name: z.string().optional().default(""),
  email_addr: z.string().optional().default(""),
  mobile_number: z.string().optional().default(""),
});
export type PbxExtensionInfo = z.infer<typeof PbxExtensionInfo>;

export const PbxExtensionPage = z.looseObject({
  total_number: z.number().int().nonnegative(),
  data: z.array(PbxExtensionInfo).optional().default([]),
});
export const PbxExtensionOne = z.looseObject({ data: PbxExtensionInfo });
export const PbxCreated = z.looseObject({ id: z.union([z.number().int(), z.string()]).transform((v) => String(v)) });

/** What the provider sets on an extension (the fields a reseller sets for a new employee). */
export interface ExtensionFields {
  number: string;
  firstName: string;
  lastName: string;
  email: string;
  mobile: string;
}

/** An extension number the API accepts (inferred: 1 to 7 digits). */
export const EXTENSION_NUMBER = /^\d{1,7}$/;
/** An email address as the API checks it (inferred: something@domain.tld, no spaces). */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The sign-in secrets the API requires of a new extension (`user_password` for the user portal, `reg_password`
 * for the SIP registration). The client makes strong random ones at create time and never returns, logs or stores
 * them; users set their own through the PBX (the provider manages who has an extension, not how they sign in).
 */
export interface ExtensionSecrets {
  userPassword: string;
  regPassword: string;
}

/** A password the API accepts (inferred): 8 to 63 characters with a lower-case letter, an upper-case one and a digit. */
export function isStrongPassword(value: unknown): boolean {
  return (
    typeof value === "string" &&
    value.length >= 8 &&
    value.length <= 63 &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /\d/.test(value)
  );
}

/** Presence values `presence_status` takes (inferred); a new extension starts "available". */
export const PRESENCE_STATUSES = ["available", "away", "business_trip", "do_not_disturb", "lunch_break", "off_work"];

export interface PbxExtension extends ExtensionFields {
  id: string;
}

export interface PbxCapacity {
  /** Extensions the PBX was bought with (its plan's count plus expansions). */
  extensionCapacity: number;
  extensionUsed: number;
}

export interface PbxApi {
  /** `system/capacity` (a read: retried). */
  capacity(): Promise<PbxCapacity>;
  /** Every extension, paging through `extension/list` (a read). */
  listExtensions(): Promise<PbxExtension[]>;
  /** The extension with exactly this number, by `extension/search`; undefined when none (a read). */
  findExtension(number: string): Promise<PbxExtension | undefined>;
  /** By id; undefined on a definite not-found (a read). */
  getExtension(id: string): Promise<PbxExtension | undefined>;
  /** Creates one; sent once, never retried (after a doubtful failure, look the number up). Returns its id. */
  createExtension(fields: ExtensionFields): Promise<string>;
  /** Sets every field but the number; sent once. */
  updateExtension(id: string, fields: ExtensionFields): Promise<void>;
  /** Deletes it (an extension is free: this really deletes); sent once. */
  deleteExtension(id: string): Promise<void>;
  /** Every inbound route, paging through `inbound_route/list` (a read). */
  listInboundRoutes(): Promise<PbxInboundRoute[]>;
  /** By id; undefined on a definite not-found (a read). */
  getInboundRoute(id: string): Promise<PbxInboundRoute | undefined>;
  /** Creates one; sent once, never retried (after a doubtful failure, look the name up). Returns its id. */
  createInboundRoute(fields: InboundRouteFields): Promise<string>;
  /** Sets every field (the name included); sent once. */
  updateInboundRoute(id: string, fields: InboundRouteFields): Promise<void>;
  /** Deletes it (free: this really deletes); sent once. */
  deleteInboundRoute(id: string): Promise<void>;
}

/** The wire body of create and update (`first_name` is required by the API; `caller_id_name` follows the name). */
export function extensionBody(fields: ExtensionFields, id?: string): Record<string, unknown> {
  const name = [fields.firstName, fields.lastName].filter(Boolean).join(" ");
  return {
    ...(id !== undefined ? { id: Number(id) } : { number: fields.number, type: "SIP" }),
    first_name: fields.firstName,
    last_name: fields.lastName,
    caller_id_name: name,
    email_addr: fields.email,
    mobile_number: fields.mobile,
  };
}

/**
 * The wire body of create: `extensionBody` and what the API requires of a new extension besides (its registration
 * name is its number, one registration at a time, presence "available").
 */
export function extensionCreateBody(fields: ExtensionFields, secrets: ExtensionSecrets): Record<string, unknown> {
  return {
    ...extensionBody(fields),
    user_password: secrets.userPassword,
    reg_name: fields.number,
    reg_password: secrets.regPassword,
    concurrent_registrations: 1,
    presence_status: "available",
  };
}

export function extensionOf(info: PbxExtensionInfo): PbxExtension {
  return {
    id: info.id,
    number: info.number,
    firstName: info.first_name,
    lastName: info.last_name,
    email: info.email_addr,
    mobile: info.mobile_number,
  };
}
