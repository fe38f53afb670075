/**
 * What `yeastar-pseries import-extensions` writes, from the extensions a PBX lists: the data file (each extension
 * in PbxExtension's terms, with the id its import takes) and the starter program's Pulumi.yaml lines and index.ts.
 * Pure.
 *
 * The program declares the native plugin's PbxExtension (`yeastar:index:PbxExtension`, the same engine as the
 * TypeScript class), not the package's TypeScript class: Pulumi cannot import a dynamic resource (the dynamic
 * provider host loads the provider from the `__provider` input, and an import's read carries no inputs;
 * pulumi/pulumi#16175), while the plugin's `read` imports by the id alone.
 *
 * An entry holds exactly what `PbxExtension`'s `read` returns as its inputs (empty fields left out), so the
 * import's check finds the program's inputs equal to the PBX's and the first `pulumi up` changes nothing. An
 * extension whose values the resource cannot take (a mobile number with spaces, say) cannot be imported that way:
 * it is left out, with the reason.
 */
import { EXTENSION_TOKENS } from "../api/contract";
import type { PbxExtension } from "../api/pbx-api";
import { extensionResourceId, validateExtension } from "../extension/inputs";
import { NATIVE_PLUGIN_YAML } from "./starter-program";

/** Version of the data file's layout. */
export const EXTENSIONS_DATA_FILE_VERSION = 1;

/** PbxExtension's arguments for one extension on the PBX named by `pbxUrl`. */
export interface ImportedExtensionArgs {
  pbxUrl: string;
  number: string;
  firstName: string;
  lastName?: string;
  email?: string;
  mobile?: string;
}

/** One extension in the data file: the resource name, the id it is imported by, and the resource's arguments. */
export interface ImportedExtension {
  name: string;
  /** "<pbxUrl>/<number>", the resource option `import` of the program. */
  id: string;
  args: ImportedExtensionArgs;
}

export interface ExtensionsDataFile {
  version: number;
  importedAt: string;
  pbxUrl: string;
  extensions: ImportedExtension[];
}

export interface ImportableExtensions {
  imported: ImportedExtension[];
  /** Extensions left out: the number and why. */
  skipped: Array<{ number: string; reason: string }>;
}

/** By number: shorter first, then in order ("2" before "10", "1001" before "1002"). */
function byNumber(a: PbxExtension, b: PbxExtension): number {
  return a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);
}

/** The resource name of an extension in the program. */
export function extensionResourceName(number: string): string {
  return `ext-${number}`;
}

/** The PBX's extensions as data file entries, sorted by number; those PbxExtension cannot take are skipped. */
export function importableExtensions(pbxUrl: string, listed: readonly PbxExtension[]): ImportableExtensions {
  const imported: ImportedExtension[] = [];
  const skipped: ImportableExtensions["skipped"] = [];
  const seen = new Set<string>();
  for (const ext of [...listed].sort(byNumber)) {
    if (seen.has(ext.number)) {
      skipped.push({ number: ext.number, reason: `the PBX lists extension ${ext.number} twice (id ${ext.id})` });
      continue;
    }
    seen.add(ext.number);
    const args: ImportedExtensionArgs = {
      pbxUrl,
      number: ext.number,
      firstName: ext.firstName,
      ...(ext.lastName ? { lastName: ext.lastName } : {}),
      ...(ext.email ? { email: ext.email } : {}),
      ...(ext.mobile ? { mobile: ext.mobile } : {}),
    };
    const { failures } = validateExtension({ ...args });
    if (failures.length > 0) {
      skipped.push({
        number: ext.number,
        reason:
          `PbxExtension cannot take it as the PBX has it (${failures.map((f) => f.reason).join("; ")}); ` +
          `change it on the PBX and run the import again, or leave it out of the stack`,
      });
      continue;
    }
    imported.push({ name: extensionResourceName(ext.number), id: extensionResourceId(pbxUrl, ext.number), args });
  }
  return { imported, skipped };
}

export function extensionsDataFile(
  pbxUrl: string,
  imported: ImportedExtension[],
  importedAt: Date = new Date(),
): ExtensionsDataFile {
  return { version: EXTENSIONS_DATA_FILE_VERSION, importedAt: importedAt.toISOString(), pbxUrl, extensions: imported };
}

/** DIR/Pulumi.yaml's description, and its lines after the runtime: where the native plugin is. */
export function extensionsProgramYaml(pbxUrl: string): { description: string; pulumiYaml: string } {
  return {
    description: `Extensions of PBX ${pbxUrl}, imported by yeastar-pseries import-extensions`,
    pulumiYaml:
      "# Where the CLI finds this package's native provider plugin, which serves PbxExtension in this program: Pulumi\n" +
      "# imports a resource only through a provider plugin (a dynamic resource cannot be imported).\n" +
      NATIVE_PLUGIN_YAML,
  };
}

/**
 * DIR/index.ts: one PbxExtension per entry of the data file (at `dataFile`, relative to DIR), each imported by its
 * id, declared through a small class of the program's own for the native plugin's type.
 */
export function extensionsProgram(dataFile: string, pbxUrl: string): string {
  return `// Written by \`yeastar-pseries import-extensions\`: one PbxExtension per extension of PBX ${pbxUrl} in
// ${dataFile}, with the values each has now and the resource option \`import\`, so the first \`pulumi up\` imports
// them (it creates and changes nothing on the PBX) and the next \`pulumi preview\` shows no change.
// Credentials (the PBX's web portal > Integrations > API): pulumi config set yeastar:pbxClientId <id>;
// pulumi config set --secret yeastar:pbxClientSecret <secret> (or YEASTAR_PBX_CLIENT_ID / YEASTAR_PBX_CLIENT_SECRET);
// yeastar:pbxApiBaseUrl only for a sandbox.
// After the first \`pulumi up\`, change a value here (or in the data file) to change it on the PBX; you may then drop
// the \`import\` option (an extension deleted on the PBX is then created again instead of failing its import).
// Removing an extension from the program deletes it on the PBX: protection makes that a deliberate act.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** PbxExtension's inputs, as the data file holds them. */
interface PbxExtensionArgs {
  pbxUrl: pulumi.Input<string>;
  number: pulumi.Input<string>;
  firstName: pulumi.Input<string>;
  lastName?: pulumi.Input<string>;
  email?: pulumi.Input<string>;
  mobile?: pulumi.Input<string>;
}

/**
 * PbxExtension as this package's native provider plugin serves it (found through Pulumi.yaml's \`plugins\`): the same
 * engine as the package's TypeScript PbxExtension, which Pulumi cannot import (it is a dynamic resource).
 */
class PbxExtension extends pulumi.CustomResource {
  /** The id the PBX gave the extension. The resource id is "<pbxUrl>/<number>". */
  declare readonly extensionId: pulumi.Output<string>;
  /** True when the PBX already had the extension and it was recorded, not created. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: PbxExtensionArgs, opts?: pulumi.CustomResourceOptions) {
    super(${JSON.stringify(EXTENSION_TOKENS.native)}, name, { ...args, extensionId: undefined, adopted: undefined }, opts);
  }
}

interface ImportedExtension {
  name: string;
  id: string;
  args: PbxExtensionArgs;
}

const config = new pulumi.Config();
const protect = config.getBoolean("protect") ?? true;
const data = JSON.parse(fs.readFileSync(path.join(__dirname, ${JSON.stringify(dataFile)}), "utf8")) as {
  extensions: ImportedExtension[];
};

export const extensions: Record<string, pulumi.Output<string>> = {};
for (const e of data.extensions) {
  const extension = new PbxExtension(e.name, e.args, { import: e.id, protect });
  extensions[e.name] = extension.extensionId;
}
`;
}
