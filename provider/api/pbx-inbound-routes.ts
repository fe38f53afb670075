/**
 * Inbound routes of a PBX's own API (the P-Series Cloud Edition developer guide, "Inbound Route"): the wire shape of
 * one route as `inbound_route/list` and `inbound_route/get` carry it, and the body of create and update. A route
 * sends the calls of its trunks (those whose called number matches one of its DID patterns, or every call when it
 * has none) to its default destination; this provider sets one kind of destination, an extension.
 *
 * Documented: the endpoints, the required `name`, `trunk_list`, `def_dest` of create, `did_option` "patterns"
 * (the default) with `did_pattern_list`, `def_dest` "extension" with `def_dest_value`, `inbound_route/delete?id=`
 * as a GET. Inferred (and served so by the sandbox): a trunk as `{name}`, a DID pattern as `{did_pattern}`, the
 * extension's number as `def_dest_value`, and the error codes (docs/api-assumptions.md, "Inbound routes").
 */
import { z } from "zod";

/** A route's name as the PBX accepts it (documented): 1 to 63 characters, no spaces and none of these. */
export const ROUTE_NAME_FORBIDDEN = ":!$()/#;,[]\\\"=<>&'`^%@{}|";
export const ROUTE_NAME_MAX = 63;
export function isRouteName(value: string): boolean {
  return (
    value.length >= 1 &&
    value.length <= ROUTE_NAME_MAX &&
    !/\s/.test(value) &&
    ![...value].some((c) => ROUTE_NAME_FORBIDDEN.includes(c))
  );
}

/**
 * A DID pattern this provider sends: digits, the wildcards X (any digit), Z (1-9) and N (2-9), "." and "!" (the
 * rest of the number), "+", "-" and a bracketed set, at most 31 characters. A subset of what the PBX allows
 * (documented: numbers, letters and `[ ] * # ( ) . - + !`), chosen so that each has one meaning.
 */
export const DID_PATTERN = /^(?:[0-9XZN.!+-]|\[[0-9-]+\])+$/;
export const DID_PATTERN_MAX = 31;

/** The default destination types of the guide this provider uses: an extension. */
export const ROUTE_DEST_EXTENSION = "extension";

const idText = z.union([z.number().int(), z.string()]).transform((v) => String(v));

/** A trunk as a route lists it: `{name}` (inferred), or a bare name. */
const TrunkEntry = z.union([z.string(), z.looseObject({ name: z.string() }).transform((t) => t.name)]);

/** One inbound route as the list and get replies carry it. */
export const PbxInboundRouteInfo = z.looseObject({
  id: idText,
  name: z.string(),
  did_option: z.string().optional().default("patterns"),
  did_pattern_list: z
    .array(z.union([z.string(), z.looseObject({ did_pattern: z.string() }).transform((d) => d.did_pattern)]))
    .optional()
    .default([]),
  trunk_list: z.array(TrunkEntry).optional().default([]),
  def_dest: z.string().optional().default(""),
  def_dest_value: z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .optional()
    .default(""),
});
export type PbxInboundRouteInfo = z.infer<typeof PbxInboundRouteInfo>;

export const PbxInboundRoutePage = z.looseObject({
  total_number: z.number().int().nonnegative(),
  data: z.array(PbxInboundRouteInfo).optional().default([]),
});
export const PbxInboundRouteOne = z.looseObject({ data: PbxInboundRouteInfo });

/** What the provider sets on an inbound route. */
export interface InboundRouteFields {
  name: string;
  /** Trunk names, in the program's order. */
  trunks: string[];
  /** DID patterns; empty: every call of the trunks. */
  didPatterns: string[];
  /** The extension number calls go to. */
  destinationExtension: string;
}

export interface PbxInboundRoute extends InboundRouteFields {
  id: string;
  /** The PBX's default destination type ("extension" for a route this provider made). */
  destinationType: string;
}

/** The wire body of create (no id) and update (with the id): every field this provider sets. */
export function inboundRouteBody(fields: InboundRouteFields, id?: string): Record<string, unknown> {
  return {
    ...(id !== undefined ? { id: Number(id) } : {}),
    name: fields.name,
    trunk_list: fields.trunks.map((name) => ({ name })),
    did_option: "patterns",
    did_pattern_list: fields.didPatterns.map((did_pattern) => ({ did_pattern })),
    def_dest: ROUTE_DEST_EXTENSION,
    def_dest_value: fields.destinationExtension,
  };
}

export function inboundRouteOf(info: PbxInboundRouteInfo): PbxInboundRoute {
  return {
    id: info.id,
    name: info.name,
    trunks: info.trunk_list,
    didPatterns: info.did_option === "patterns" ? info.did_pattern_list : [],
    destinationType: info.def_dest,
    destinationExtension: info.def_dest === ROUTE_DEST_EXTENSION ? info.def_dest_value : "",
  };
}
