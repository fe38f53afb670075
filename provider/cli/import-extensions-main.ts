/**
 * `yeastar-pseries import-extensions`: brings the extensions a PBX already has under Pulumi management.
 *
 * It lists the PBX's extensions through the PBX's own API (read-only: the token and the list), writes a data file
 * with each extension's current values in PbxExtension's terms, and optionally a starter program that declares one
 * PbxExtension per entry with the resource option `import: "<pbxUrl>/<number>"`, so the first `pulumi up`
 * imports them without creating or changing anything (`extension/engine.ts`, `read`). The program's PbxExtension
 * is the native plugin's type (import-extensions-data.ts says why). Everything that can be refused (flags, host,
 * credentials, files in the way) is refused before anything is written; a failed read writes nothing.
 */
import * as path from "node:path";
import type { PbxApi } from "../api/pbx-api";
import { isPbxHost } from "../runtime/pbx-inputs";
import { PBX_CREDENTIAL_OPTIONS, PBX_CREDENTIAL_USAGE, pbxClientFor, pbxCredentialsFrom } from "./credentials";
import { PACKAGE_NAME } from "./import-package-spec";
import {
  extensionsDataFile,
  extensionsProgram,
  extensionsProgramYaml,
  importableExtensions,
} from "./import-extensions-data";
import {
  assertNoOverwrite,
  packageSpecOf,
  programFiles,
  projectNameOf,
  relativeToProgram,
  writeFile,
  writeProgram,
} from "./starter-program";
import { table } from "./text-table";
import { UsageError, nonEmpty, parseFlags, type Output } from "./usage";

export const IMPORT_EXTENSIONS_USAGE = `usage: yeastar-pseries import-extensions --pbx HOST [--out FILE] [--program DIR] [--force]
Lists the extensions of one PBX through its own API and writes their current values to a JSON data file (default
yeastar-extensions.json, or DIR/extensions.json with --program). Read-only: creates and changes nothing on the PBX.
  --pbx HOST                  the PBX's host name (its pbxUrl), e.g. acme-hq.eu.yeastarcloud.com
  --out FILE                  where to write the data file
  --program DIR               also write a starter Pulumi TypeScript program there that declares every extension
                              with the resource option \`import\`, so the first \`pulumi up\` imports them (through
                              this package's native plugin, which Pulumi.yaml names)
  --project-name NAME         project name in DIR/Pulumi.yaml (default yeastar-extensions)
  --package-spec SPEC         how DIR/package.json names this package: a tarball (file:...tgz), git URL or folder;
                              default: what this command was installed from (the package is not on a registry)
  --force                     overwrite existing files
${PBX_CREDENTIAL_USAGE}`;

/** The host name --pbx names, lower-cased; a URL or a malformed name is a usage mistake. */
function pbxHostOf(value: string | undefined): string {
  const given = nonEmpty("pbx", value);
  if (given === undefined) {
    throw new UsageError(
      "--pbx is required: the host name of the PBX whose extensions to import, e.g. acme-hq.eu.yeastarcloud.com",
    );
  }
  const host = given.toLowerCase();
  if (isPbxHost(host)) return host;
  const bare = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/\/+$/, "");
  const hint = bare !== host && isPbxHost(bare) ? `; give the host name alone: --pbx ${bare}` : "";
  throw new UsageError(
    `--pbx ${JSON.stringify(given)} is not a PBX's host name; expected its pbxUrl, e.g. acme-hq.eu.yeastarcloud.com${hint}`,
  );
}

export async function runImportExtensions(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv,
  cwd: string,
  api?: PbxApi,
): Promise<number> {
  const values = parseFlags("import-extensions", argv, {
    ...PBX_CREDENTIAL_OPTIONS,
    pbx: { type: "string" },
    out: { type: "string" },
    program: { type: "string" },
    "project-name": { type: "string" },
    "package-spec": { type: "string" },
    force: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.out(IMPORT_EXTENSIONS_USAGE);
    return 0;
  }
  const pbxUrl = pbxHostOf(values.pbx);
  const programDir = nonEmpty("program", values.program);
  const projectName = projectNameOf(values, programDir, "yeastar-extensions");
  const outFile = path.resolve(
    cwd,
    nonEmpty("out", values.out) ?? (programDir ? path.join(programDir, "extensions.json") : "yeastar-extensions.json"),
  );
  const programPath = programDir ? path.resolve(cwd, programDir) : undefined;
  const packageSpec = programPath ? packageSpecOf(values["package-spec"], programPath) : undefined;
  assertNoOverwrite([outFile, ...(programPath ? programFiles(programPath) : [])], values.force);
  const client = api ?? pbxClientFor(pbxCredentialsFrom(values, env), pbxUrl);

  const { imported, skipped } = importableExtensions(pbxUrl, await client.listExtensions());

  writeFile(outFile, `${JSON.stringify(extensionsDataFile(pbxUrl, imported), null, 2)}\n`);
  if (programPath && packageSpec) {
    writeProgram(programPath, {
      projectName,
      ...extensionsProgramYaml(pbxUrl),
      packageSpec: packageSpec.spec,
      index: extensionsProgram(relativeToProgram(programPath, outFile), pbxUrl),
    });
  }

  if (imported.length > 0) {
    io.out(
      table(
        ["number", "name", "first name", "last name", "email", "mobile"],
        imported.map((e) => [
          e.args.number,
          e.name,
          e.args.firstName,
          e.args.lastName ?? "",
          e.args.email ?? "",
          e.args.mobile ?? "",
        ]),
      ),
    );
  }
  for (const s of skipped) io.err(`skipped extension ${s.number}: ${s.reason}`);
  io.out(`wrote ${imported.length} extension${imported.length === 1 ? "" : "s"} of ${pbxUrl} to ${outFile}`);
  if (programPath && packageSpec) {
    io.out(`the program depends on ${PACKAGE_NAME} ${packageSpec.spec} (${packageSpec.source})`);
    io.out(
      `wrote a starter program to ${programPath}: run \`npm install\` there, set the PBX's API credentials (see its index.ts), then \`pulumi up\` imports every extension, creating and changing nothing`,
    );
  }
  return 0;
}
