/**
 * The PbxExtension provider logic (one extension on a PBX, through the PBX's own API) behind the dynamic provider
 * (`provider.ts`). An extension is free: create, update and delete really do what they say, and destroy deletes
 * it. What only this package can check is the link to the purchase: a PBX takes at most the extensions it was
 * bought with, so a program that declares more fails in the preview, naming the capacity, and a create on a full
 * PBX fails before it is sent (docs/architecture.md, "Extensions").
 */
import type * as pulumi from "@pulumi/pulumi";
import { PBX_ERRCODES, type PbxApi, type PbxExtension } from "../api/pbx-api";
import { DRY_RUN_KEY, isUnknown } from "../api/inputs";
import { YeastarError } from "../client/errors";
import { configure as configureSettings, report, type SettingsConfig } from "../runtime/settings";
import { resolvePbxApi } from "../runtime/pbx-api-settings";
import {
  clean,
  declaredExtensions,
  errcodeOf,
  existingExtensions,
  existingRunOf,
  known,
  resetPbxRuns,
  runOf as sharedRunOf,
  where,
  type PbxKindDeps,
} from "../runtime/pbx-runs";
import {
  EXTENSION_INPUT_KEYS,
  extensionResourceId,
  extensionStateOf,
  fieldsOf,
  parseResourceId,
  validateExtension,
  type ExtensionInputs,
  type ExtensionState,
  type MaybeExtensionInputs,
} from "./inputs";

export type ExtensionDeps = PbxKindDeps;

export function defaultExtensionDeps(): ExtensionDeps {
  return { pbxApi: resolvePbxApi, report: report() };
}

type CheckResult = pulumi.dynamic.CheckResult<Record<string, unknown>>;

/**
 * What this provider process knows about each PBX during one run besides the numbers the program declares on it
 * and the extensions on it (runtime/pbx-runs.ts, which other kinds read too): read once, its capacity. A run's
 * checks and creates share it, so a PBX is read once per run however many extensions it has.
 */
interface PbxRun {
  capacity?: Promise<{ extensionCapacity: number; extensionUsed: number }>;
  /** Every extension on the PBX, listed once for a refresh or an import. */
  listing?: Promise<PbxExtension[]>;
  /** From system/capacity, read once by the first create: the PBX's capacity, and its extensions as this run's creates and deletes leave them. */
  room?: { capacity: number; used: number };
}
const KIND = "extension";
const runOf = (key: string): PbxRun => sharedRunOf<PbxRun>(KIND, key, () => ({}));

/** For tests: forget what this process learned about PBXs. */
export function resetRuns(): void {
  resetPbxRuns();
}

/**
 * Validates the inputs and counts the program's extensions per PBX against what the PBX was bought with
 * (`capacity`, else the PBX's system/capacity), the extensions already on the PBX included. In a preview
 * (`DRY_RUN_KEY`) the PBX is read once per run; a PBX this run buys is not read (its URL is not known yet), and
 * its capacity is the program's.
 */
export async function check(
  rawOlds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
  deps: ExtensionDeps = defaultExtensionDeps(),
): Promise<CheckResult> {
  const { [DRY_RUN_KEY]: dryRun, ...news } = rawNews ?? {};
  const validated = validateExtension(news);
  if (!validated.inputs) return { failures: validated.failures };
  const inputs = validated.inputs;
  const key = known(inputs.pbxKey) ? inputs.pbxKey : known(inputs.pbxUrl) ? inputs.pbxUrl : undefined;
  if (key === undefined || !known(inputs.number)) return { inputs: clean(inputs) };
  const declared = declaredExtensions(key);
  declared.add(inputs.number);
  const failure = await capacityFailure(inputs, key, declared, dryRun === true, deps);
  if (failure) return { failures: [failure] };
  return { inputs: clean(inputs) };
}

async function capacityFailure(
  inputs: MaybeExtensionInputs,
  key: string,
  declared: Set<string>,
  preview: boolean,
  deps: ExtensionDeps,
): Promise<pulumi.dynamic.CheckFailure | undefined> {
  const pbxUrl = known(inputs.pbxUrl) ? inputs.pbxUrl : undefined;
  // Reads only in a preview, of a PBX that exists (its URL is known); `up` checks the capacity again in create.
  const readable = preview && pbxUrl !== undefined;
  const run = runOf(key);
  let capacity = known(inputs.capacity) ? inputs.capacity : undefined;
  if (capacity === undefined && readable) {
    run.capacity ??= deps.pbxApi(pbxUrl).capacity();
    capacity = (await run.capacity).extensionCapacity;
  }
  if (capacity === undefined || isUnknown(inputs.capacity)) return undefined;
  let existing = new Set<string>();
  if (readable) existing = await existingExtensions(key, deps.pbxApi(pbxUrl));
  const all = new Set([...existing, ...declared]);
  if (all.size <= capacity) return undefined;
  const others = [...existing].filter((n) => !declared.has(n)).length;
  return {
    property: "capacity",
    reason:
      `${pbxUrl ? where(pbxUrl) : "the PBX"} was bought with ${capacity} extensions, and with extension ${inputs.number} ` +
      `it would have ${all.size} (${declared.size} declared in this program${others > 0 ? `, ${others} more already on the PBX` : ""}); ` +
      `nothing was created. Raise the PBX's extensions to at least ${all.size} (\`pulumi up\` places the Extension Expansion order first, then creates the extensions), or declare fewer`,
  };
}

function inputsOf(raw: Record<string, unknown>): ExtensionInputs {
  return clean(
    Object.fromEntries(EXTENSION_INPUT_KEYS.map((k) => [k, raw[k]]).filter(([, v]) => v !== undefined)),
  ) as ExtensionInputs;
}

function sameFields(a: PbxExtension, inputs: ExtensionInputs): boolean {
  const want = fieldsOf(inputs);
  return (
    a.firstName === want.firstName && a.lastName === want.lastName && a.email === want.email && a.mobile === want.mobile
  );
}

/** The PBX's room for one more extension, read once per run and counted down by this run's creates. */
async function assertRoom(api: PbxApi, inputs: ExtensionInputs): Promise<{ capacity: number; used: number }> {
  const run = runOf(`room:${inputs.pbxUrl}`);
  if (!run.room) {
    // One read for the run, shared by the creates that run at once.
    run.capacity ??= api.capacity();
    const read = await run.capacity;
    run.room ??= { capacity: read.extensionCapacity, used: read.extensionUsed };
  }
  if (run.room.used >= run.room.capacity) {
    throw new Error(
      `${where(inputs.pbxUrl)} has all ${run.room.capacity} extensions it was bought with in use, so extension ${inputs.number} was not created. Raise the PBX's extensions (an Extension Expansion order), or remove an extension`,
    );
  }
  return run.room;
}

/**
 * Creates the extension, once. A number the PBX already has is recorded when it has the program's fields (an
 * earlier run created it and lost track), and refused otherwise; after a doubtful failure the number is looked
 * up, never sent again.
 */
export async function create(
  raw: Record<string, unknown>,
  deps: ExtensionDeps = defaultExtensionDeps(),
): Promise<{ id: string; outs: ExtensionState }> {
  const inputs = inputsOf(raw);
  const api = deps.pbxApi(inputs.pbxUrl);
  const id = extensionResourceId(inputs.pbxUrl, inputs.number);
  const room = await assertRoom(api, inputs);
  const record = (ext: PbxExtension, adopted: boolean) => {
    if (!adopted) room.used += 1;
    return { id, outs: { ...inputs, extensionId: ext.id, adopted } };
  };
  try {
    const extensionId = await api.createExtension(fieldsOf(inputs));
    return record({ id: extensionId, ...fieldsOf(inputs) }, false);
  } catch (err) {
    const code = errcodeOf(err);
    if (code === PBX_ERRCODES.duplicateNumber || (err instanceof YeastarError && err.ambiguous)) {
      const found = await api.findExtension(inputs.number);
      if (found && sameFields(found, inputs)) {
        deps.report.warn(
          `${where(inputs.pbxUrl)} already has extension ${inputs.number} with these settings (id ${found.id}); recorded it and sent no create again.`,
        );
        return record(found, code === PBX_ERRCODES.duplicateNumber);
      }
      if (found) {
        throw new Error(
          `${where(inputs.pbxUrl)} already has extension ${inputs.number} (id ${found.id}, ${[found.firstName, found.lastName].filter(Boolean).join(" ") || "no name"}) with other settings; nothing was changed. Choose another number, declare it with the PBX's settings (then \`up\` records it), or bring the PBX's extensions in with \`yeastar-pseries import-extensions --pbx ${inputs.pbxUrl}\` (imports "${id}")`,
        );
      }
      if (code !== PBX_ERRCODES.duplicateNumber) {
        throw new Error(
          `${where(inputs.pbxUrl)}: the outcome of creating extension ${inputs.number} is unknown (${(err as Error).message.split(". ")[0]}) and the PBX does not list it, so it was most likely not created; run \`pulumi up\` again (it is looked up before it is created again)`,
        );
      }
    }
    if (code === PBX_ERRCODES.capacityReached) {
      throw new Error(
        `${where(inputs.pbxUrl)} refused extension ${inputs.number}: it has as many extensions as it was bought with. Raise the PBX's extensions (an Extension Expansion order), then run \`pulumi up\` again`,
      );
    }
    throw err;
  }
}

export function diff(_id: string, rawOlds: object, rawNews: Record<string, unknown>): pulumi.dynamic.DiffResult {
  const olds: Partial<ExtensionState> = extensionStateOf(rawOlds) ?? {};
  const news = inputsOf(rawNews);
  const changed = (k: keyof ExtensionInputs) => isUnknown(news[k]) || (olds[k] ?? "") !== (news[k] ?? "");
  // A number or a PBX is another extension: the old one is deleted first (a PBX's numbers are unique). The PBX's
  // URL is unknown in the preview of any change of the PBX (it is an output), and a PBX keeps its URL unless it is
  // replaced, which is a second purchase the PBX resource guards: an unknown URL is not another PBX.
  const replaces = (["pbxUrl", "number"] as const).filter((k) => changed(k) && !(k === "pbxUrl" && isUnknown(news[k])));
  if (replaces.length > 0) return { changes: true, replaces: [...replaces], deleteBeforeReplace: true };
  const fields = (["firstName", "lastName", "email", "mobile"] as const).filter(changed);
  return { changes: fields.length > 0 };
}

export async function update(
  _id: string,
  rawOlds: object,
  rawNews: Record<string, unknown>,
  deps: ExtensionDeps = defaultExtensionDeps(),
): Promise<{ outs: ExtensionState }> {
  const olds = extensionStateOf(rawOlds);
  if (!olds) throw new Error("internal error: a PbxExtension update without a stored state; run `pulumi refresh`");
  const news = inputsOf(rawNews);
  try {
    await deps.pbxApi(news.pbxUrl).updateExtension(olds.extensionId, fieldsOf(news));
  } catch (err) {
    if (errcodeOf(err) === PBX_ERRCODES.notFound) {
      throw new Error(
        `${where(news.pbxUrl)} no longer has extension ${news.number} (id ${olds.extensionId}); nothing was changed. Run \`pulumi refresh\` (it drops it from the stack), then \`pulumi up\` creates it again`,
      );
    }
    throw err;
  }
  return { outs: { ...olds, ...news, extensionId: olds.extensionId, adopted: olds.adopted } };
}

/** The extension as inputs: what the program would have to say for no diff. */
function inputsFrom(ext: PbxExtension, pbxUrl: string, keep: Partial<ExtensionInputs>): ExtensionInputs {
  return clean({
    pbxUrl,
    capacity: keep.capacity,
    pbxKey: keep.pbxKey,
    number: ext.number,
    firstName: ext.firstName,
    lastName: ext.lastName || undefined,
    email: ext.email || undefined,
    mobile: ext.mobile || undefined,
  }) as ExtensionInputs;
}

/**
 * A refresh reads the extension by its id (by number if the id is gone); an import (no state) finds it by the
 * resource id "<pbxUrl>/<number>". Fields changed on the PBX come back as drift.
 */
export async function read(
  id: string,
  rawProps: object | undefined,
  deps: ExtensionDeps = defaultExtensionDeps(),
): Promise<pulumi.dynamic.ReadResult<ExtensionState>> {
  const props = extensionStateOf(rawProps);
  const named = props ? { pbxUrl: props.pbxUrl, number: props.number } : parseResourceId(id);
  if (!named) {
    throw new Error(
      `PbxExtension id ${JSON.stringify(id)} is not "<pbxUrl>/<number>", e.g. "acme-hq.eu.yeastarcloud.com/1001"`,
    );
  }
  // One list of the PBX's extensions for the whole refresh (shared by its reads), not one read per extension.
  const run = runOf(`list:${named.pbxUrl}`);
  run.listing ??= deps.pbxApi(named.pbxUrl).listExtensions();
  const all = await run.listing;
  const ext =
    (props?.extensionId ? all.find((e) => e.id === props.extensionId) : undefined) ??
    all.find((e) => e.number === named.number);
  if (!ext) {
    if (props) {
      deps.report.warn(
        `${where(named.pbxUrl)} no longer has extension ${named.number}; removing it from the stack (\`pulumi up\` creates it again).`,
      );
      return {};
    }
    throw new Error(`${where(named.pbxUrl)} has no extension ${named.number} to import`);
  }
  const inputs = inputsFrom(ext, named.pbxUrl, props ?? {});
  const state: ExtensionState = { ...inputs, extensionId: ext.id, adopted: props ? props.adopted : true };
  return {
    id: extensionResourceId(named.pbxUrl, ext.number),
    props: state,
    inputs: inputs as unknown as ExtensionState,
  };
}

/** Destroy deletes the extension on the PBX (it costs nothing; the PBX and its purchase stay). */
export async function remove(
  _id: string,
  rawProps: object | undefined,
  deps: ExtensionDeps = defaultExtensionDeps(),
): Promise<void> {
  const props = extensionStateOf(rawProps);
  if (!props?.extensionId) return;
  try {
    await deps.pbxApi(props.pbxUrl).deleteExtension(props.extensionId);
  } catch (err) {
    if (errcodeOf(err) !== PBX_ERRCODES.notFound) throw err;
  }
  const room = existingRunOf<PbxRun>(KIND, `room:${props.pbxUrl}`)?.room;
  if (room) room.used -= 1;
}

/** The provider's `configure()`: the stack config the settings are read from (runtime/settings.ts). */
export function configure(config?: SettingsConfig): void {
  configureSettings(config);
}
