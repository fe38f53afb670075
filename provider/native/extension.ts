/**
 * The PbxExtension resource in the native plugin (`yeastar:index:PbxExtension`): its schema and its methods, which
 * call the same engine as the dynamic `PbxExtension` (provider/extension/engine.ts). A Pulumi YAML program links
 * it to its PBX with `pbxUrl: ${hq.pbxUrl}` and `capacity: ${hq.extensions}`. The plugin's check cannot tell a
 * preview from an update, so it reads no PBX: it counts the program's extensions against `capacity`, and create
 * checks the PBX's system/capacity before it creates anything.
 */
import { EXTENSION_TOKENS } from "../api/contract";
import * as extension from "../extension/engine";
import type { EXTENSION_INPUT_KEYS } from "../extension/inputs";
import { pbxKindHandler } from "./pbx-kind";
import type { PropertySpec, TypeHandler, WithDeps } from "./types";

export const EXTENSION_TYPE = EXTENSION_TOKENS.native;

const INPUTS: Record<Exclude<(typeof EXTENSION_INPUT_KEYS)[number], "pbxKey">, PropertySpec> = {
  pbxUrl: { type: "string", description: "The PBX's host name: its `pbxUrl` output, e.g. `${hq.pbxUrl}`." },
  capacity: {
    type: "integer",
    description:
      "The extensions the PBX was bought with: its `extensions` output, e.g. `${hq.extensions}`. Left out, the PBX's system/capacity is read.",
  },
  number: { type: "string", description: 'Extension number, 1 to 7 digits, e.g. "1001".' },
  firstName: { type: "string", description: "The user's first name." },
  lastName: { type: "string", description: "The user's last name." },
  email: { type: "string", description: "The user's email address." },
  mobile: { type: "string", description: 'Mobile number: 3 to 19 digits, optionally with a leading "+".' },
};

/** The resource's entry in the package schema. */
export function extensionResourceSchema(): Record<string, unknown> {
  const required = ["pbxUrl", "number", "firstName"];
  return {
    description:
      "One extension on a PBX, set through the PBX's own API (credentials: `yeastar:pbxClientId`, `yeastar:pbxClientSecret`). Free: create, update and destroy really create, change and delete it. Checked against the extensions the PBX was bought with. " +
      `Import with \`pulumi import ${EXTENSION_TOKENS.native} <name> <pbxUrl>/<number>\`.`,
    inputProperties: INPUTS,
    requiredInputs: required,
    properties: {
      ...INPUTS,
      extensionId: { type: "string", description: "The id the PBX gave the extension." },
      adopted: {
        type: "boolean",
        description: "True when the PBX already had this number with these settings and it was recorded.",
      },
    },
    required: [...required, "extensionId", "adopted"],
  };
}

/** The extension's methods, each a call of its engine (provider/extension/engine.ts). */
export function extensionHandler(withDeps: WithDeps): TypeHandler {
  return pbxKindHandler(withDeps, extension, { previewOutputs: { extensionId: "", adopted: false } });
}
