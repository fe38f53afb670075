/**
 * PbxExtension: one extension on a PBX, set through the PBX's own API (its API client id and secret in
 * `yeastar:pbxClientId` / `yeastar:pbxClientSecret`). It costs nothing: create, update and destroy really create,
 * change and delete it. Declared with `pbx: <a PSeriesCloudPbx>`, it is checked against the extensions that PBX
 * was bought with, and created after the PBX's orders (an expansion in the same `up` comes first).
 */
import * as pulumi from "@pulumi/pulumi";
import { EXTENSION_TOKENS, PACKAGE } from "../api/contract";
import { pbxLink, type LinkedPbx } from "../runtime/pbx-link";
import { registrationProps } from "../runtime/registration";
import { EXTENSION_OUTPUT_KEYS } from "./inputs";
import extensionProvider = require("./provider");

/** What PbxExtension needs of its PBX: a PSeriesCloudPbx of this package fits. */
export interface ExtensionPbx extends LinkedPbx {
  extensions: pulumi.Output<number>;
}

export interface PbxExtensionArgs {
  /** The PBX, declared in this program (its URL and purchased extensions are taken from it)... */
  pbx?: ExtensionPbx;
  /** ...or the host name of a PBX declared elsewhere (then its system/capacity is read). */
  pbxUrl?: pulumi.Input<string>;
  /** Extension number, 1 to 7 digits, e.g. "1001". */
  number: pulumi.Input<string>;
  firstName: pulumi.Input<string>;
  lastName?: pulumi.Input<string>;
  email?: pulumi.Input<string>;
  mobile?: pulumi.Input<string>;
}

export class PbxExtension extends pulumi.dynamic.Resource {
  /** The id the PBX gave the extension. The resource id is "<pbxUrl>/<number>". */
  declare public readonly extensionId: pulumi.Output<string>;
  declare public readonly pbxUrl: pulumi.Output<string>;
  declare public readonly number: pulumi.Output<string>;
  declare public readonly firstName: pulumi.Output<string>;
  declare public readonly lastName: pulumi.Output<string | undefined>;
  declare public readonly email: pulumi.Output<string | undefined>;
  declare public readonly mobile: pulumi.Output<string | undefined>;
  /** True when the PBX already had this number with these settings and it was recorded, not created. */
  declare public readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: PbxExtensionArgs, opts?: pulumi.CustomResourceOptions) {
    const { pbx, ...rest } = args;
    const linked = { ...pbxLink("PbxExtension", name, args), ...(pbx ? { capacity: pbx.extensions } : {}) };
    const props = registrationProps(EXTENSION_OUTPUT_KEYS, { ...rest, ...linked }, pulumi.runtime.isDryRun());
    // As PSeriesCloudPbx does (pbx/resource.ts): no stack frames for each property's promise during the
    // synchronous registration, which otherwise costs most of a large program's CPU.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(extensionProvider, name, props, opts, PACKAGE, EXTENSION_TOKENS.name);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
