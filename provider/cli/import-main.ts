/**
 * `yeastar-pseries import`: brings PBXs the account already has under Pulumi management.
 *
 * It lists the account's PBXs (read-only), writes a data file with each PBX's current values in the resource's
 * terms, and optionally a starter program that declares one `PSeriesCloudPbx` per entry. Because every value is
 * what the PBX has now, the next `pulumi preview` finds each URL taken by a PBX of ours and shows an adoption with
 * no price, and `pulumi up` records the PBXs without placing an order (see `pbx/engine.ts`, check and create).
 *
 * The product list does not say which billing contact pays for a PBX, so the billing contact is the user's
 * choice: `--billing-contact`, required unless the account has exactly one contact. It is used only for future
 * orders (expansions and the like).
 */
import * as path from "node:path";
import { minimatch } from "minimatch";
import type { PartnerApi } from "../api/partner-api";
import {
  billingContacts,
  chooseBillingContact,
  importArgsOf,
  listPbxs,
  unimportable,
  type ImportArgs,
  type PbxResult,
} from "../inventory";
import { validateInputs } from "../pbx/validate-inputs";
import { PACKAGE_NAME } from "./import-package-spec";
import { CREDENTIAL_OPTIONS, CREDENTIAL_USAGE, clientFor, credentialsFrom } from "./credentials";
import { UsageError, nonEmpty, parseFlags, type Output } from "./usage";
import { table } from "./text-table";
import { MANAGED_OPTIONS, MANAGED_USAGE, managedIndex } from "./import-managed";
import {
  assertNoOverwrite,
  packageSpecOf,
  programFiles,
  projectNameOf,
  relativeToProgram,
  writeFile,
  writeProgram,
} from "./starter-program";

export const IMPORT_USAGE = `usage: yeastar-pseries import [--region NAME|ID] [--owner EMAIL|ID] [--url PATTERN]
                              [--billing-contact EMAIL|ID] [--out FILE] [--program DIR] [--force]
Lists the account's PBXs and writes their current values to a JSON data file (default yeastar-pbxs.json, or
DIR/pbxs.json with --program). Read-only: places no order.
  --region NAME|ID            only PBXs of this region (name in any case, or id)
  --owner EMAIL|ID            only PBXs assigned to this subordinate user
  --url PATTERN               only PBXs whose URL matches this glob, e.g. "acme-*.eu.example.com"
  --billing-contact EMAIL|ID  billing contact for future orders (the product list does not name one); required
                              unless the account has exactly one billing contact
  --out FILE                  where to write the data file
  --program DIR               also write a starter Pulumi TypeScript program there that declares every PBX
  --project-name NAME         project name in DIR/Pulumi.yaml (default yeastar-fleet)
  --package-spec SPEC         how DIR/package.json names this package: a tarball (file:...tgz), git URL or folder;
                              default: what this command was installed from (the package is not on a registry)
  --force                     overwrite existing files
${MANAGED_USAGE}
${CREDENTIAL_USAGE}`;

/** Version of the data file's layout. */
export const DATA_FILE_VERSION = 1;

/** One imported PBX in the data file: the resource name, and the resource's arguments. */
export interface ImportedPbx {
  name: string;
  serialNumber: string;
  pbxUrl: string;
  args: ImportArgs;
}

export interface DataFile {
  version: number;
  importedAt: string;
  filters: { region?: string; owner?: string; url?: string };
  pbxs: ImportedPbx[];
}

export async function runImport(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv,
  cwd: string,
  api?: PartnerApi,
): Promise<number> {
  const values = parseFlags("import", argv, {
    ...CREDENTIAL_OPTIONS,
    region: { type: "string" },
    owner: { type: "string" },
    url: { type: "string" },
    "billing-contact": { type: "string" },
    out: { type: "string" },
    program: { type: "string" },
    "project-name": { type: "string" },
    "package-spec": { type: "string" },
    force: { type: "boolean", default: false },
    ...MANAGED_OPTIONS,
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.out(IMPORT_USAGE);
    return 0;
  }
  const region = nonEmpty("region", values.region);
  const owner = nonEmpty("owner", values.owner);
  const urlPattern = nonEmpty("url", values.url)?.toLowerCase();
  const contactFlag = nonEmpty("billing-contact", values["billing-contact"]);
  const programDir = nonEmpty("program", values.program);
  const projectName = projectNameOf(values, programDir, "yeastar-fleet");
  const outFile = path.resolve(
    cwd,
    nonEmpty("out", values.out) ?? (programDir ? path.join(programDir, "pbxs.json") : "yeastar-pbxs.json"),
  );
  const programPath = programDir ? path.resolve(cwd, programDir) : undefined;
  // Decided before anything is read or written: a program nobody can `npm install` is not written at all.
  const packageSpec = programPath ? packageSpecOf(values["package-spec"], programPath) : undefined;
  assertNoOverwrite([outFile, ...(programPath ? programFiles(programPath) : [])], values.force);
  const client = api ?? clientFor(credentialsFrom(values, env));

  // The billing contact first: a wrong one should stop the import before the product list is read.
  const contacts = await billingContacts(client);
  const { contact, listed } = chooseBillingContact(contacts, contactFlag);
  if (!contact) {
    throw new UsageError(
      contactFlag !== undefined
        ? `--billing-contact ${JSON.stringify(contactFlag)} is not a billing contact of this account; expected the email or id of one of: ${listed}`
        : `--billing-contact is required: the product list does not say which billing contact pays for a PBX, and this account has ${contacts.length}: ${listed}`,
    );
  }
  const billingContact = contact.email || contact.id;
  if (contactFlag === undefined) io.err(`note: using the account's only billing contact, ${listed}, for future orders`);

  let pbxs: PbxResult[];
  try {
    pbxs = await listPbxs(client, { region, owner });
  } catch (err) {
    // A filter the account does not know is a usage mistake: name the flag.
    const message = (err as Error).message;
    if (/^region /.test(message)) throw new UsageError(`--region: ${message}`);
    if (/^owner /.test(message)) throw new UsageError(`--owner: ${message}`);
    throw err;
  }
  if (urlPattern !== undefined) {
    pbxs = pbxs.filter((p) => minimatch(p.pbxUrl.toLowerCase(), urlPattern, { nocase: true, dot: true }));
  }

  // PBXs other stacks manage are left out unless --include-managed: two stacks would order for one PBX.
  const managed = await managedIndex(argv, values.state ?? [], cwd, env);
  if (managed.stacks.length === 0) {
    io.err(
      "note: no stack named (--stack, --state or --backend), so PBXs a stack already manages are imported too; name the stacks that manage PBXs of this account to leave theirs out",
    );
  }
  const imported: ImportedPbx[] = [];
  const skipped: Array<[string, string]> = [];
  const names = new Set<string>();
  const subdomains = new Map<string, number>();
  for (const p of pbxs) subdomains.set(p.subdomain, (subdomains.get(p.subdomain) ?? 0) + 1);
  for (const p of [...pbxs].sort((a, b) => a.pbxUrl.localeCompare(b.pbxUrl))) {
    const holders = managed.index(p);
    if (holders.length > 0 && !values["include-managed"]) {
      skipped.push([p.pbxUrl, `already managed by stack ${holders.join(", ")}; --include-managed imports it anyway`]);
      continue;
    }
    if (holders.length > 0) {
      io.err(
        `warning: ${p.pbxUrl} is already managed by stack ${holders.join(", ")}; imported as --include-managed asks`,
      );
    }
    const why = unimportable(p);
    if (why) {
      skipped.push([p.pbxUrl, why]);
      continue;
    }
    const { args, notes } = importArgsOf(p, billingContact);
    for (const note of notes) io.err(`warning: ${note}`);
    const failures = validateInputs(args).failures;
    if (failures.length > 0) {
      skipped.push([p.pbxUrl, failures.map((f) => f.reason).join("; ")]);
      continue;
    }
    // The subdomain is the natural name; two PBXs with one prefix in different domains get the full URL.
    let name = (subdomains.get(p.subdomain) ?? 0) > 1 ? p.pbxUrl.toLowerCase() : p.subdomain;
    while (names.has(name)) name = `${name}-${names.size}`;
    names.add(name);
    imported.push({ name, serialNumber: p.serialNumber, pbxUrl: p.pbxUrl, args });
  }

  const data: DataFile = {
    version: DATA_FILE_VERSION,
    importedAt: new Date().toISOString(),
    filters: {
      ...(region ? { region } : {}),
      ...(owner ? { owner } : {}),
      ...(urlPattern ? { url: urlPattern } : {}),
    },
    pbxs: imported,
  };
  writeFile(outFile, `${JSON.stringify(data, null, 2)}\n`);
  if (programPath && packageSpec) {
    writeProgram(programPath, {
      projectName,
      description: "PBXs imported from the Yeastar Partner Portal by yeastar-pseries import",
      packageSpec: packageSpec.spec,
      index: starterProgram(relativeToProgram(programPath, outFile)),
    });
  }

  if (imported.length > 0) {
    io.out(
      table(
        ["PBX URL", "serial", "region", "plan", "extensions", "cycle", "HA", "minutes", "owner"],
        imported.map((p) => [
          p.pbxUrl,
          p.serialNumber,
          p.args.region,
          p.args.plan,
          String(p.args.extensions),
          p.args.billingCycle,
          p.args.highAvailability ? "yes" : "no",
          String(p.args.recordingMinutes),
          p.args.owner ?? "",
        ]),
      ),
    );
  }
  for (const [url, why] of skipped) io.err(`skipped ${url}: ${why}`);
  io.out(`wrote ${imported.length} PBX${imported.length === 1 ? "" : "s"} to ${outFile}`);
  if (programPath && packageSpec) {
    io.out(`the program depends on ${PACKAGE_NAME} ${packageSpec.spec} (${packageSpec.source})`);
    io.out(
      `wrote a starter program to ${programPath}: run \`npm install\` there, set the credentials (see its index.ts), then \`pulumi preview\` shows every PBX as adopted, with no order`,
    );
  }
  return 0;
}

function starterProgram(dataFile: string): string {
  return `// Written by \`yeastar-pseries import\`: one PSeriesCloudPbx per PBX in ${dataFile}, with the values each PBX has
// now, so \`pulumi preview\` shows every one as adopted (no order, no price) and \`pulumi up\` buys nothing.
// Credentials: pulumi config set yeastar:clientId <id>; pulumi config set --secret yeastar:clientSecret <secret>
// (or YEASTAR_CLIENT_ID / YEASTAR_CLIENT_SECRET); yeastar:baseUrl only for a sandbox.
// After the first \`pulumi up\`, change a value here (or in the data file) to order the difference.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PSeriesCloudPbx, type PSeriesCloudPbxArgs } from "pulumi-yeastar-pseries";

interface ImportedPbx {
  name: string;
  serialNumber: string;
  pbxUrl: string;
  args: PSeriesCloudPbxArgs;
}

const config = new pulumi.Config();
// Removing a PBX from a stack never cancels it; protection makes removing one a deliberate act.
const protect = config.getBoolean("protect") ?? true;
const data = JSON.parse(fs.readFileSync(path.join(__dirname, ${JSON.stringify(dataFile)}), "utf8")) as {
  pbxs: ImportedPbx[];
};

export const pbxs: Record<string, pulumi.Output<{ pbxUrl: string; serialNumber: string; adopted: boolean }>> = {};
for (const p of data.pbxs) {
  const pbx = new PSeriesCloudPbx(p.name, p.args, { protect });
  pbxs[p.name] = pulumi
    .all([pbx.pbxUrl, pbx.productNo, pbx.adopted])
    .apply(([pbxUrl, serialNumber, adopted]) => ({ pbxUrl, serialNumber, adopted }));
}
`;
}
