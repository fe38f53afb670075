/**
 * The extension rules of a PBX's own API as the sandbox serves them (docs/api-assumptions.md, "A PBX's own API"):
 * what create and update accept, each refusal an errcode 40002 whose errmsg names the field, and the wire shape
 * of an extension. Passwords are checked and then dropped: the sandbox keeps none.
 */
import {
  EMAIL_ADDRESS,
  EXTENSION_NUMBER,
  PBX_ERRCODES,
  PRESENCE_STATUSES,
  isStrongPassword,
} from "../provider/api/pbx-api";
import type { ExtensionSeed, StoredExtension } from "./types";

/** A refusal in the PBX API's shape: `{errcode, errmsg}`, on HTTP 200 unless `httpStatus` says otherwise. */
export class PbxError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = "PbxError";
  }
}

export function invalid(field: string, reason: string): PbxError {
  return new PbxError(PBX_ERRCODES.invalidParameter, `${field}: ${reason}`);
}

type Fields = Omit<StoredExtension, "id">;
const TEXT_FIELDS = ["first_name", "last_name", "caller_id_name", "email_addr", "mobile_number"] as const;
const MOBILE = /^\+?[\d\s()-]{1,31}$/;
const PASSWORD_RULE = "required: 8 to 63 characters with a lower-case letter, an upper-case letter and a digit";

function objectOf(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("body", "must be a JSON object");
  return body as Record<string, unknown>;
}

/** The id of an update or a query: a positive integer, as a JSON number or a digit string. */
export function idOf(value: unknown): string {
  const text = typeof value === "number" || typeof value === "string" ? String(value) : "";
  if (!/^\d{1,18}$/.test(text) || Number(text) < 1) throw invalid("id", "required: a positive integer id");
  return String(Number(text));
}

/** The fields of `body` that an update may set, each checked; absent fields are left out. */
function checkedFields(body: Record<string, unknown>): Partial<Fields> {
  const out: Partial<Fields> = {};
  if (body.number !== undefined) {
    if (typeof body.number !== "string" || !EXTENSION_NUMBER.test(body.number)) {
      throw invalid("number", "must be 1 to 7 digits");
    }
    out.number = body.number;
  }
  for (const field of TEXT_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.length > 127)
      throw invalid(field, "must be a string of at most 127 characters");
    out[field] = value;
  }
  if (out.first_name !== undefined && out.first_name.trim() === "") throw invalid("first_name", "must not be empty");
  if (out.email_addr && !EMAIL_ADDRESS.test(out.email_addr)) throw invalid("email_addr", "not a valid email address");
  if (out.mobile_number && !MOBILE.test(out.mobile_number)) throw invalid("mobile_number", "not a valid phone number");
  if (body.presence_status !== undefined) {
    if (!PRESENCE_STATUSES.includes(body.presence_status as string)) {
      throw invalid("presence_status", `must be one of ${PRESENCE_STATUSES.join(", ")}`);
    }
    out.presence_status = body.presence_status as string;
  }
  for (const field of ["user_password", "reg_password"]) {
    if (body[field] !== undefined && !isStrongPassword(body[field])) throw invalid(field, PASSWORD_RULE);
  }
  return out;
}

/** A create body, checked: everything the API requires of a new extension (inferred), passwords not kept. */
export function checkCreate(input: unknown): Fields {
  const body = objectOf(input);
  if (body.number === undefined) throw invalid("number", "required: 1 to 7 digits");
  const fields = checkedFields(body);
  if (fields.first_name === undefined) throw invalid("first_name", "required");
  for (const field of ["user_password", "reg_password"]) {
    if (body[field] === undefined) throw invalid(field, PASSWORD_RULE);
  }
  if (typeof body.reg_name !== "string" || body.reg_name === "") throw invalid("reg_name", "required");
  const registrations = body.concurrent_registrations;
  if (typeof registrations !== "number" || !Number.isInteger(registrations) || registrations < 1 || registrations > 3) {
    throw invalid("concurrent_registrations", "required: 1, 2 or 3");
  }
  if (body.presence_status === undefined) throw invalid("presence_status", "required");
  return {
    number: fields.number as string,
    first_name: fields.first_name,
    last_name: fields.last_name ?? "",
    caller_id_name: fields.caller_id_name ?? [fields.first_name, fields.last_name].filter(Boolean).join(" "),
    email_addr: fields.email_addr ?? "",
    mobile_number: fields.mobile_number ?? "",
    presence_status: fields.presence_status as string,
  };
}

/** An update body, checked: the id and the fields to set. */
export function checkUpdate(input: unknown): { id: string; patch: Partial<Fields> } {
  const body = objectOf(input);
  return { id: idOf(body.id), patch: checkedFields(body) };
}

/** An extension on the wire (its id a bare integer, as the API's). */
export function extensionInfo(e: StoredExtension): Record<string, unknown> {
  return { ...e, id: Number(e.id), type: "SIP" };
}

const SEED_FIELDS = new Set(["number", ...TEXT_FIELDS, "presence_status"]);

/** An admin seed or patch, checked (TypeError naming the field); `requireNumber` for a seed. */
export function checkSeed(input: unknown, requireNumber: boolean): Partial<Fields> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new TypeError("must be an object");
  const out: Partial<Fields> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!SEED_FIELDS.has(key))
      throw new TypeError(`unknown extension field: ${key} (use ${[...SEED_FIELDS].join(", ")})`);
    if (typeof value !== "string") throw new TypeError(`${key} must be a string`);
    out[key as keyof Fields] = value;
  }
  if (requireNumber && out.number === undefined) throw new TypeError("number is required");
  if (out.number !== undefined && !EXTENSION_NUMBER.test(out.number))
    throw new TypeError("number must be 1 to 7 digits");
  return out;
}

/** A seed with every field: the ones given, the rest empty (presence "available", caller id from the name). */
export function seeded(seed: ExtensionSeed): Fields {
  return {
    number: seed.number,
    first_name: seed.first_name ?? "",
    last_name: seed.last_name ?? "",
    caller_id_name: seed.caller_id_name ?? [seed.first_name, seed.last_name].filter(Boolean).join(" "),
    email_addr: seed.email_addr ?? "",
    mobile_number: seed.mobile_number ?? "",
    presence_status: seed.presence_status ?? "available",
  };
}
