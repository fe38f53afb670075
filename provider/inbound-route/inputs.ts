/**
 * Validation of PbxInboundRoute inputs (one inbound route on a PBX, through the PBX's own API). Pure. Every failure
 * names the field, the bad value and what is valid.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { UNKNOWN } from "../api/inputs";
import {
  DID_PATTERN,
  DID_PATTERN_MAX,
  ROUTE_NAME_FORBIDDEN,
  ROUTE_NAME_MAX,
  isRouteName,
  type InboundRouteFields,
} from "../api/pbx-inbound-routes";
import { parseKnownInputs } from "../runtime/field-failures";
import {
  missing,
  orUnknown,
  parsePbxResourceId,
  pbxKeyField,
  pbxResourceId,
  pbxUrlField,
  stateOfBag,
  text,
} from "../runtime/pbx-inputs";

const NAME_RULE = `1 to ${ROUTE_NAME_MAX} characters, no spaces and none of ${ROUTE_NAME_FORBIDDEN}`;
const name = (what: string) =>
  orUnknown(
    z
      .string({ error: `expected ${what}: ${NAME_RULE}` })
      .refine(isRouteName, { error: `expected ${what}: ${NAME_RULE}` }),
  );
/** Each known value once (values a preview does not know yet may all be the same marker). */
const eachOnce = (l: readonly unknown[]) => {
  const known = l.filter((v) => v !== UNKNOWN);
  return new Set(known).size === known.length;
};
const DID_RULE = `up to ${DID_PATTERN_MAX} of: digits, X, Z, N, ".", "!", "+", "-" and [digits], e.g. "5551234" or "555XXXX"`;

export const InboundRouteInputsSchema = z.object({
  /** The PBX's host name (its `pbxUrl`), e.g. "acme-hq.eu.yeastarcloud.com". */
  pbxUrl: pbxUrlField(),
  /** How this run tells the PBXs of one program apart while their URLs are not known yet (set by the class). */
  pbxKey: pbxKeyField(),
  /** The resource's name in the program (set by the class), so that a name declared twice names both. */
  declaredAs: z.preprocess(missing, z.string().optional()),
  name: name("a route name"),
  trunks: orUnknown(
    z
      .array(name("a trunk name"), { error: 'expected a list of trunk names, e.g. ["sip-trunk-1"]' })
      .min(1, { error: 'expected at least one trunk name, e.g. ["sip-trunk-1"]' })
      .max(64, { error: "expected at most 64 trunks" })
      .refine(eachOnce, { error: "expected each trunk once" }),
  ),
  didPatterns: z.preprocess(
    (v) => (v === null || (Array.isArray(v) && v.length === 0) ? undefined : v),
    orUnknown(
      z
        .array(
          orUnknown(
            z
              .string({ error: `expected DID patterns of ${DID_RULE}` })
              .refine((v) => v.length <= DID_PATTERN_MAX && DID_PATTERN.test(v), {
                error: `expected DID patterns of ${DID_RULE}`,
              }),
          ),
          { error: `expected a list of DID patterns of ${DID_RULE}` },
        )
        .max(100, { error: "expected at most 100 DID patterns" })
        .refine(eachOnce, { error: "expected each DID pattern once" }),
    ).optional(),
  ),
  /** The extension the calls go to: its number, e.g. `ext.number` of a PbxExtension. */
  destinationExtension: text(7, /^[0-9]{1,7}$/, 'an extension number of 1 to 7 digits, e.g. "1001"'),
});

export type MaybeInboundRouteInputs = z.output<typeof InboundRouteInputsSchema>;
type Known<T> = T extends ReadonlyArray<infer E> ? Array<Exclude<E, typeof UNKNOWN>> : T;
export type InboundRouteInputs = {
  [K in keyof MaybeInboundRouteInputs]: Known<Exclude<MaybeInboundRouteInputs[K], typeof UNKNOWN>>;
};
export const INBOUND_ROUTE_INPUT_KEYS = InboundRouteInputsSchema.keyof().options;
export const INBOUND_ROUTE_OUTPUT_KEYS = ["routeId", "adopted"] as const;

/** The state of an inbound route: its inputs, and the id the PBX gave it. */
export type InboundRouteState = InboundRouteInputs & { routeId: string; adopted: boolean };

/** The resource id: the PBX's host and the route's name ("acme-hq.eu.yeastarcloud.com/main-line"). */
export function inboundRouteResourceId(pbxUrl: string, routeName: string): string {
  return pbxResourceId(pbxUrl, routeName);
}

export function parseRouteResourceId(id: string): { pbxUrl: string; name: string } | undefined {
  return parsePbxResourceId(id, isRouteName);
}

/** The fields the PBX keeps, as the API client sends them. */
export function routeFieldsOf(inputs: InboundRouteInputs): InboundRouteFields {
  return {
    name: inputs.name,
    trunks: [...inputs.trunks],
    didPatterns: [...(inputs.didPatterns ?? [])],
    destinationExtension: inputs.destinationExtension,
  };
}

/** The one place the host's untyped bags become an `InboundRouteState` (undefined when empty: an import). */
export function inboundRouteStateOf(raw: object | undefined): InboundRouteState | undefined {
  return stateOfBag<InboundRouteState>(raw);
}

export function validateInboundRoute(raw: Record<string, unknown>): {
  inputs?: MaybeInboundRouteInputs;
  failures: pulumi.dynamic.CheckFailure[];
} {
  const { data, failures } = parseKnownInputs(
    "PbxInboundRoute",
    InboundRouteInputsSchema,
    INBOUND_ROUTE_INPUT_KEYS,
    INBOUND_ROUTE_OUTPUT_KEYS,
    raw,
  );
  return { failures, ...(data ? { inputs: data } : {}) };
}
