/** Helpers for the sandbox's PBX API tests: raw HTTP to `/pbx/<pbxUrl>/openapi/v1.0/...`, no provider client. */
import { PBX_PATHS, type PbxEndpoint } from "../../../provider/api/pbx-api";
import type { Sandbox } from "../../../sandbox";
import { UA, buy, type Json } from "./helpers";

export const PBX_ID = "pbx-client";
export const PBX_SECRET = "pbx-secret";

export interface PbxReply {
  status: number;
  headers: Headers;
  body: Json;
}

export interface PbxCallOptions {
  query?: Record<string, string | number>;
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export async function pbxCall(
  sandbox: Sandbox,
  pbxUrl: string,
  endpoint: PbxEndpoint,
  opts: PbxCallOptions = {},
): Promise<PbxReply> {
  const params = new URLSearchParams(
    Object.entries(opts.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
  );
  if (opts.token !== undefined) params.set("access_token", opts.token);
  const qs = params.toString();
  const url = `${sandbox.pbxBaseUrl(pbxUrl)}/openapi/v1.0/${PBX_PATHS[endpoint]}${qs ? `?${qs}` : ""}`;
  const headers: Record<string, string> = { ...UA, ...(opts.headers ?? {}) };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = typeof opts.json === "string" ? opts.json : JSON.stringify(opts.json);
  }
  const res = await fetch(url, { method: body === undefined ? "GET" : "POST", headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Json };
}

export async function pbxTokens(sandbox: Sandbox, pbxUrl: string, username = PBX_ID, password = PBX_SECRET) {
  const reply = await pbxCall(sandbox, pbxUrl, "getToken", { json: { username, password } });
  if (reply.body.errcode !== 0) throw new Error(`get_token failed: ${JSON.stringify(reply.body)}`);
  return reply.body as {
    access_token: string;
    access_token_expire_time: number;
    refresh_token: string;
    refresh_token_expire_time: number;
  };
}

/** Buys a PBX (active at once) and returns its URL. */
export async function pbxOf(
  ctx: { sandbox: Sandbox; token: string },
  prefix: string,
  extensions = 10,
): Promise<string> {
  await buy(ctx, { prefix, extensions });
  return `${prefix}.eu.sandbox.yeastarcloud.com`;
}

/** A create body the sandbox accepts. */
export function createBody(number: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    number,
    type: "SIP",
    first_name: "Ada",
    last_name: "Lovelace",
    caller_id_name: "Ada Lovelace",
    email_addr: `ext${number}@acme.example`,
    mobile_number: "+44 20 7946 0000",
    user_password: "Secret-Pass-123",
    reg_name: number,
    reg_password: "RegPass12345",
    concurrent_registrations: 1,
    presence_status: "available",
    ...extra,
  };
}
