/**
 * `read` from the id alone: what `pulumi import yeastar:index:PSeriesCloudPbx <name> <id>` calls (no state yet).
 * It finds a PBX of the account, describes it in the resource's terms (the same description `yeastar-pseries
 * import` writes, provider/inventory.ts) and returns it as an adopted PBX: its current values as inputs, so the
 * next preview shows no change and nothing is ordered. Reads only (docs/architecture.md, "Native provider").
 *
 * The id is the PBX's instance id (the resource id), its serial number or its URL, optionally followed by
 * `/<billing contact email or id>`: the portal does not say which billing contact pays for a PBX, and future
 * orders need one. Without it, the account's only billing contact is used; with several, the import fails and
 * says how to name one.
 */
import { PLANS } from "../api/catalog";
import { allEntries } from "../api/paging";
import type { PartnerApi } from "../api/partner-api";
import type { ProductDetail } from "../api/schemas";
import { billingContacts, chooseBillingContact, describePbx, importArgsOf, unimportable } from "../inventory";
import type { Deps } from "../runtime/deps";
import { INPUT_KEYS } from "../api/inputs";
import { validateInputs } from "./validate-inputs";
import { NATIVE_PBX_TYPE, type PbxState } from "../api/contract";
import { adoptedState, pickKeys, resolvedOf, type ResolvedInputs } from "./state";

export interface ImportResult {
  id: string;
  props: PbxState;
  /** Inputs only; typed as the state like engine.ts's ReadResult (the host takes any property bag). */
  inputs: PbxState;
}

/** Inputs left out of an imported PBX's inputs when they hold their default, so generated programs stay short. */
const DEFAULTED = new Set<string>(["allowRepurchase", "orderTimeoutSeconds"]);

export function parseImportId(raw: string): { pbx: string; billingContact?: string } {
  const id = raw.trim();
  const slash = id.indexOf("/");
  const pbx = (slash < 0 ? id : id.slice(0, slash)).trim();
  const billingContact = slash < 0 ? undefined : id.slice(slash + 1).trim() || undefined;
  if (!pbx) {
    throw new Error(
      `import: the id ${JSON.stringify(raw)} names no PBX; give its instance id, serial number or URL, optionally followed by /<billing contact email or id>`,
    );
  }
  return { pbx, billingContact };
}

/** The PBX an import id names: by URL, serial number or instance id; undefined when the account has none. */
async function findPbx(api: PartnerApi, wanted: string): Promise<ProductDetail | undefined> {
  if (wanted.includes(".")) {
    const byUrl = await api.findProductByUrl(wanted.toLowerCase());
    return byUrl ? api.getProduct(byUrl.productNo) : undefined;
  }
  const bySerial = await api.getProduct(wanted);
  if (bySerial) return bySerial;
  for await (const p of allEntries((page) => api.listProducts(page))) {
    if (p.instanceId === wanted) return api.getProduct(p.productNo);
  }
  return undefined;
}

export async function readById(rawId: string, deps: Deps): Promise<ImportResult> {
  const { pbx: wanted, billingContact: contactArg } = parseImportId(rawId);
  const api = deps.api();
  const product = await findPbx(api, wanted);
  if (!product) {
    throw new Error(
      `import: your Partner Portal account has no PBX with instance id, serial number or URL ${JSON.stringify(wanted)}`,
    );
  }
  const [regionList, users, contacts] = await Promise.all([
    api.listRegions(),
    api.listSubordinateUsers(),
    billingContacts(api),
  ]);
  const pbx = describePbx(product, regionList, users);
  const why = unimportable(pbx);
  if (why) throw new Error(`import: PBX ${pbx.pbxUrl} (serial ${pbx.serialNumber}) cannot be imported: ${why}`);

  const { contact, listed } = chooseBillingContact(contacts, contactArg);
  if (!contact) {
    throw new Error(
      contactArg !== undefined
        ? `import: ${JSON.stringify(contactArg)} is not a billing contact of this account; expected the email or id of one of: ${listed}`
        : `import: the Partner Portal does not say which billing contact pays for PBX ${pbx.pbxUrl}, and this account has ${contacts.length}: ${listed}. Name the one for future orders after the id: \`pulumi import ${NATIVE_PBX_TYPE} <name> ${wanted}/<billing contact email>\``,
    );
  }
  const { args, notes } = importArgsOf(pbx, contact.email || contact.id);
  for (const note of notes) deps.report.warn(`import: ${note}`);
  const validated = validateInputs({ ...args });
  if (!validated.inputs) {
    throw new Error(
      `import: PBX ${pbx.pbxUrl} cannot be declared with its current values: ${validated.failures.map((f) => f.reason).join("; ")}`,
    );
  }
  const checked = {
    ...validated.inputs,
    resolved: {
      regionId: pbx.regionId,
      regionName: pbx.regionName,
      pbxSubDomainId: pbx.pbxSubDomainId,
      domainSuffix: pbx.domainSuffix,
      pbxUrl: pbx.pbxUrl,
      planId: PLANS[pbx.plan!],
      billingContactId: contact.id,
      assignId: args.owner ? pbx.ownerId : "",
    },
  } as ResolvedInputs;
  const props = adoptedState(checked, product, `imported by \`pulumi import\` (id ${rawId.trim()})`);
  const keys = INPUT_KEYS.filter((k) => !DEFAULTED.has(k));
  // Inputs as check returns them: with the resolved values, so the next check needs no lookup.
  const inputs = { ...pickKeys(props, keys), resolved: resolvedOf(props) } as PbxState;
  return { id: product.instanceId, props, inputs };
}
