/**
 * PbxInboundRoute: one inbound route on a PBX, set through the PBX's own API (as PbxExtension, the credentials in
 * `yeastar:pbxClientId` / `yeastar:pbxClientSecret`): the calls of its trunks, those to one of its DID patterns
 * or all of them, go to one extension. It costs nothing: create, update and destroy really create, change and
 * delete it. Pass the extension as `destinationExtension: ext.number` of a PbxExtension of this program, so the
 * route is checked against it and created after it.
 */
import * as pulumi from "@pulumi/pulumi";
import { INBOUND_ROUTE_TOKENS, PACKAGE } from "../api/contract";
import { pbxLink, type LinkedPbx } from "../runtime/pbx-link";
import { registrationProps } from "../runtime/registration";
import { INBOUND_ROUTE_OUTPUT_KEYS } from "./inputs";
import inboundRouteProvider = require("./provider");

/** What PbxInboundRoute needs of its PBX: a PSeriesCloudPbx of this package fits. */
export type InboundRoutePbx = LinkedPbx;

export interface PbxInboundRouteArgs {
  /** The PBX, declared in this program (its URL is taken from it)... */
  pbx?: InboundRoutePbx;
  /** ...or the host name of a PBX declared elsewhere. */
  pbxUrl?: pulumi.Input<string>;
  /** The route's name, unique on the PBX: up to 63 characters, no spaces and none of : ! $ ( ) / # ; , [ ] \ " = < > & ' ` ^ % @ { } |. */
  name: pulumi.Input<string>;
  /** The trunks whose incoming calls the route takes, by name (at least one), e.g. ["sip-trunk-1"]. */
  trunks: pulumi.Input<pulumi.Input<string>[]>;
  /** The called numbers (DIDs) it takes, e.g. ["5551234", "555XXXX"]; left out, every call of its trunks. */
  didPatterns?: pulumi.Input<pulumi.Input<string>[]>;
  /** The extension the calls go to: its number, best `ext.number` of a PbxExtension of this program. */
  destinationExtension: pulumi.Input<string>;
}

export class PbxInboundRoute extends pulumi.dynamic.Resource {
  /** The id the PBX gave the route. The resource id is "<pbxUrl>/<name>". */
  declare public readonly routeId: pulumi.Output<string>;
  declare public readonly pbxUrl: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly trunks: pulumi.Output<string[]>;
  declare public readonly didPatterns: pulumi.Output<string[] | undefined>;
  declare public readonly destinationExtension: pulumi.Output<string>;
  /** True when the PBX already had a route of this name with these settings and it was recorded, not created. */
  declare public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: PbxInboundRouteArgs, opts?: pulumi.CustomResourceOptions) {
    const { pbx: _pbx, ...rest } = args;
    const linked = pbxLink("PbxInboundRoute", name, args);
    const props = registrationProps(
      INBOUND_ROUTE_OUTPUT_KEYS,
      { ...rest, ...linked, declaredAs: name },
      pulumi.runtime.isDryRun(),
    );
    super(inboundRouteProvider, name, props, opts, PACKAGE, INBOUND_ROUTE_TOKENS.name);
  }
}
