/**
 * The inbound-route rules of a PBX's own API as the sandbox serves them (docs/api-assumptions.md, "Inbound
 * routes"): what create and update accept, each refusal an errcode 40002 whose errmsg names the field. Like a
 * real PBX, a route's trunks must be trunks of the PBX and its extension an extension of the PBX; a name is
 * unique on a PBX (40004, checked by the caller).
 */
import { DID_PATTERN, DID_PATTERN_MAX, isRouteName } from "../provider/api/pbx-inbound-routes";
import { invalid } from "./pbx-extensions";
import type { StoredInboundRoute } from "./types";

type Fields = Omit<StoredInboundRoute, "id">;

/** The default destinations of the guide; the sandbox keeps any, and checks an extension's value. */
const DESTINATIONS = new Set([
  "disabled",
  "end_call",
  "extension",
  "ext_vm",
  "ivr",
  "ring_group",
  "queue",
  "conference",
  "external_num",
  "play_greeting",
]);

/** What the PBX has that a route refers to. */
export interface RouteContext {
  trunks: readonly string[];
  extensionNumbers: ReadonlySet<string>;
}

function objectOf(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("body", "must be a JSON object");
  return body as Record<string, unknown>;
}

function listOf<T>(body: Record<string, unknown>, field: string, key: string, check: (v: string) => string): T[] {
  const value = body[field];
  if (!Array.isArray(value)) throw invalid(field, `must be an array of {${key}}`);
  return value.map((entry) => {
    const v = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
    if (typeof v !== "string") throw invalid(field, `must be an array of {${key}}`);
    return { [key]: check(v) } as T;
  });
}

/** The fields of `body` that an update may set, each checked against the PBX; absent fields are left out. */
function checkedFields(body: Record<string, unknown>, ctx: RouteContext): Partial<Fields> {
  const out: Partial<Fields> = {};
  if (body.name !== undefined) {
    if (typeof body.name !== "string" || !isRouteName(body.name)) {
      throw invalid("name", "1 to 63 characters without spaces or special characters");
    }
    out.name = body.name;
  }
  if (body.trunk_list !== undefined) {
    out.trunk_list = listOf<{ name: string }>(body, "trunk_list", "name", (name) => {
      if (!ctx.trunks.includes(name)) throw invalid("trunk_list", `no trunk named ${name} on this PBX`);
      return name;
    });
    if (out.trunk_list.length === 0) throw invalid("trunk_list", "at least one trunk is required");
  }
  if (body.did_option !== undefined) {
    if (body.did_option !== "patterns") throw invalid("did_option", "the sandbox serves patterns only");
    out.did_option = "patterns";
  }
  if (body.did_pattern_list !== undefined) {
    out.did_pattern_list = listOf<{ did_pattern: string }>(body, "did_pattern_list", "did_pattern", (p) => {
      if (p.length > DID_PATTERN_MAX || !DID_PATTERN.test(p)) throw invalid("did_pattern_list", `bad pattern ${p}`);
      return p;
    });
  }
  if (body.def_dest !== undefined) {
    if (typeof body.def_dest !== "string" || !DESTINATIONS.has(body.def_dest)) {
      throw invalid("def_dest", `must be one of ${[...DESTINATIONS].join(", ")}`);
    }
    out.def_dest = body.def_dest;
  }
  if (body.def_dest_value !== undefined) {
    if (typeof body.def_dest_value !== "string") throw invalid("def_dest_value", "must be a string");
    out.def_dest_value = body.def_dest_value;
  }
  return out;
}

/** An extension destination must name an extension of the PBX. */
function checkDestination(route: Pick<Fields, "def_dest" | "def_dest_value">, ctx: RouteContext): void {
  if (route.def_dest === "extension" && !ctx.extensionNumbers.has(route.def_dest_value)) {
    throw invalid("def_dest_value", `no extension ${route.def_dest_value || "(empty)"} on this PBX`);
  }
}

/** A create body, checked: name, trunks and default destination are required. */
export function checkRouteCreate(input: unknown, ctx: RouteContext): Fields {
  const body = objectOf(input);
  for (const field of ["name", "trunk_list", "def_dest"]) {
    if (body[field] === undefined) throw invalid(field, "required");
  }
  const fields = checkedFields(body, ctx);
  const route: Fields = {
    name: fields.name as string,
    did_option: fields.did_option ?? "patterns",
    did_pattern_list: fields.did_pattern_list ?? [],
    trunk_list: fields.trunk_list as Fields["trunk_list"],
    def_dest: fields.def_dest as string,
    def_dest_value: fields.def_dest_value ?? "",
  };
  checkDestination(route, ctx);
  return route;
}

/** An update body, checked against the route it changes: the fields to set. */
export function checkRouteUpdate(input: unknown, current: StoredInboundRoute, ctx: RouteContext): Partial<Fields> {
  const patch = checkedFields(objectOf(input), ctx);
  checkDestination({ ...current, ...patch }, ctx);
  return patch;
}

/** A route on the wire (its id a bare integer, as the API's). */
export function inboundRouteInfo(r: StoredInboundRoute): Record<string, unknown> {
  return { ...r, id: Number(r.id) };
}
