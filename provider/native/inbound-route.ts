/**
 * The PbxInboundRoute resource in the native plugin (`yeastar:index:PbxInboundRoute`): its schema and its methods,
 * which call the same engine as the dynamic `PbxInboundRoute` (provider/inbound-route/engine.ts). A Pulumi YAML
 * program links it with `pbxUrl: ${hq.pbxUrl}` and `destinationExtension: ${reception.number}`. The plugin's check
 * cannot tell a preview from an update, so it reads no PBX: it fails a route name declared twice on one PBX, and a
 * destination extension that is neither declared in the program nor on the PBX is refused by the PBX at create.
 */
import { INBOUND_ROUTE_TOKENS } from "../api/contract";
import * as inboundRoute from "../inbound-route/engine";
import type { INBOUND_ROUTE_INPUT_KEYS } from "../inbound-route/inputs";
import { pbxKindHandler } from "./pbx-kind";
import type { PropertySpec, TypeHandler, WithDeps } from "./types";

export const INBOUND_ROUTE_TYPE = INBOUND_ROUTE_TOKENS.native;

const INPUTS: Record<Exclude<(typeof INBOUND_ROUTE_INPUT_KEYS)[number], "pbxKey" | "declaredAs">, PropertySpec> = {
  pbxUrl: { type: "string", description: "The PBX's host name: its `pbxUrl` output, e.g. `${hq.pbxUrl}`." },
  name: {
    type: "string",
    description:
      "The route's name, unique on the PBX: up to 63 characters, no spaces and none of `: ! $ ( ) / # ; , [ ] \\ \" = < > & ' ` ^ % @ { } |`.",
  },
  trunks: {
    type: "array",
    items: { type: "string" },
    description: 'The trunks whose incoming calls the route takes, by name (at least one), e.g. `["sip-trunk-1"]`.',
  },
  didPatterns: {
    type: "array",
    items: { type: "string" },
    description:
      'The called numbers (DIDs) it takes: digits, X, Z, N, `.`, `!`, `+`, `-` and `[digits]`, e.g. `["5551234"]`; left out, every call of its trunks.',
  },
  destinationExtension: {
    type: "string",
    description: "The extension the calls go to: its number, e.g. `${reception.number}` of a PbxExtension.",
  },
};

/** The resource's entry in the package schema. */
export function inboundRouteResourceSchema(): Record<string, unknown> {
  const required = ["pbxUrl", "name", "trunks", "destinationExtension"];
  return {
    description:
      "One inbound route on a PBX, set through the PBX's own API (credentials: `yeastar:pbxClientId`, `yeastar:pbxClientSecret`): the calls of its trunks go to one extension. Free: create, update and destroy really create, change and delete it. " +
      `Import with \`pulumi import ${INBOUND_ROUTE_TOKENS.native} <name> <pbxUrl>/<route name>\`.`,
    inputProperties: INPUTS,
    requiredInputs: required,
    properties: {
      ...INPUTS,
      routeId: { type: "string", description: "The id the PBX gave the route." },
      adopted: {
        type: "boolean",
        description: "True when the PBX already had a route of this name with these settings and it was recorded.",
      },
    },
    required: [...required, "routeId", "adopted"],
  };
}

/** The route's methods, each a call of its engine; check learns the resource's name from its URN. */
export function inboundRouteHandler(withDeps: WithDeps): TypeHandler {
  return pbxKindHandler(withDeps, inboundRoute, {
    previewOutputs: { routeId: "", adopted: false },
    checkInputs: (urn, news) => ({ ...news, declaredAs: urn.split("::").pop() }),
  });
}
