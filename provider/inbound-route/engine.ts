/**
 * The PbxInboundRoute provider logic (one inbound route on a PBX, through the PBX's own API) behind the dynamic
 * provider (`provider.ts`), built as PbxExtension's (provider/extension/engine.ts). A route is free: create, update
 * and delete really do what they say, and destroy deletes it. What only this package can check is the link to the
 * program: the route's extension must be on the PBX or declared by a PbxExtension of this program, and a route
 * name is declared once per PBX; both fail in the preview, naming what exists (docs/architecture.md, "PBX
 * configuration kinds").
 */
import type * as pulumi from "@pulumi/pulumi";
import { INBOUND_ROUTE_TOKENS } from "../api/contract";
import { PBX_ERRCODES } from "../api/pbx-api";
import type { PbxInboundRoute } from "../api/pbx-inbound-routes";
import { DRY_RUN_KEY, isUnknown } from "../api/inputs";
import { YeastarError } from "../client/errors";
import { configure as configureSettings, report, type SettingsConfig } from "../runtime/settings";
import { resolvePbxApi } from "../runtime/pbx-api-settings";
import {
  clean,
  declaredExtensions,
  errcodeOf,
  existingExtensions,
  known,
  resetPbxRuns,
  runOf as sharedRunOf,
  where,
  type PbxKindDeps,
} from "../runtime/pbx-runs";
import {
  INBOUND_ROUTE_INPUT_KEYS,
  inboundRouteResourceId,
  inboundRouteStateOf,
  parseRouteResourceId,
  routeFieldsOf,
  validateInboundRoute,
  type InboundRouteInputs,
  type InboundRouteState,
  type MaybeInboundRouteInputs,
} from "./inputs";

export type InboundRouteDeps = PbxKindDeps;

export function defaultInboundRouteDeps(): InboundRouteDeps {
  return { pbxApi: resolvePbxApi, report: report() };
}

type CheckResult = pulumi.dynamic.CheckResult<Record<string, unknown>>;

/** What this process knows about each PBX's routes during one run: who declares each name, and (read once) its routes. */
interface PbxRun {
  /** Route name -> the resource that declares it. */
  declared: Map<string, string>;
  listing?: Promise<PbxInboundRoute[]>;
}
const KIND = "inbound-route";
const runOf = (key: string): PbxRun => sharedRunOf<PbxRun>(KIND, key, () => ({ declared: new Map() }));

/** For tests: forget what this process learned about PBXs. */
export function resetRuns(): void {
  resetPbxRuns();
}

/**
 * Validates the inputs; fails a name another route of this program declares on the same PBX, and a destination
 * extension neither declared by a PbxExtension of this program nor (in a preview of a PBX that exists, read once
 * per run) on the PBX.
 */
export async function check(
  _rawOlds: Record<string, unknown>,
  rawNews: Record<string, unknown>,
  deps: InboundRouteDeps = defaultInboundRouteDeps(),
): Promise<CheckResult> {
  const { [DRY_RUN_KEY]: dryRun, ...news } = rawNews ?? {};
  const validated = validateInboundRoute(news);
  if (!validated.inputs) return { failures: validated.failures };
  const inputs = validated.inputs;
  const key = known(inputs.pbxKey) ? inputs.pbxKey : known(inputs.pbxUrl) ? inputs.pbxUrl : undefined;
  if (key === undefined) return { inputs: clean(inputs) };
  const failures = [duplicateFailure(inputs, key), await destinationFailure(inputs, key, dryRun === true, deps)].filter(
    (f) => f !== undefined,
  );
  return failures.length > 0 ? { failures } : { inputs: clean(inputs) };
}

function duplicateFailure(inputs: MaybeInboundRouteInputs, key: string): pulumi.dynamic.CheckFailure | undefined {
  if (!known(inputs.name)) return undefined;
  const declared = runOf(key).declared;
  const self = inputs.declaredAs ?? inputs.name;
  const other = declared.get(inputs.name);
  if (other === undefined) declared.set(inputs.name, self);
  if (other === undefined || other === self) return undefined;
  const pbx = known(inputs.pbxUrl) ? where(inputs.pbxUrl) : "one PBX";
  return {
    property: "name",
    reason:
      `name is "${inputs.name}", which PbxInboundRoute ${other} already declares on ${pbx}, and so does ${self}; ` +
      "route names are unique on a PBX, so nothing was changed. Give one of them another name",
  };
}

async function destinationFailure(
  inputs: MaybeInboundRouteInputs,
  key: string,
  preview: boolean,
  deps: InboundRouteDeps,
): Promise<pulumi.dynamic.CheckFailure | undefined> {
  const number = inputs.destinationExtension;
  if (!known(number)) return undefined;
  const declared = declaredExtensions(key);
  if (declared.has(number)) return undefined;
  // Reads only in a preview, of a PBX that exists (its URL is known); in `up` the PBX refuses an absent extension.
  const pbxUrl = known(inputs.pbxUrl) ? inputs.pbxUrl : undefined;
  if (!preview || pbxUrl === undefined) return undefined;
  const existing = await existingExtensions(key, deps.pbxApi(pbxUrl));
  if (existing.has(number)) return undefined;
  const list = (s: Set<string>) => (s.size > 0 ? [...s].sort().slice(0, 10).join(", ") : "none");
  return {
    property: "destinationExtension",
    reason:
      `destinationExtension is "${number}": ${where(pbxUrl)} has no extension ${number} (it has ${list(existing)}) ` +
      `and this program declares none with that number on it (it declares ${list(declared)}); nothing was changed. ` +
      "Declare the extension with a PbxExtension and pass its number (`destinationExtension: ext.number`), or name one that exists",
  };
}

function inputsOf(raw: Record<string, unknown>): InboundRouteInputs {
  return clean(
    Object.fromEntries(INBOUND_ROUTE_INPUT_KEYS.map((k) => [k, raw[k]]).filter(([, v]) => v !== undefined)),
  ) as InboundRouteInputs;
}

const sorted = (l: readonly string[] | undefined) => [...(l ?? [])].sort().join("\n");

/** Whether a route on the PBX has the program's settings (the order of trunks and patterns aside). */
function sameFields(route: PbxInboundRoute, inputs: InboundRouteInputs): boolean {
  const want = routeFieldsOf(inputs);
  return (
    route.destinationType === "extension" &&
    route.destinationExtension === want.destinationExtension &&
    sorted(route.trunks) === sorted(want.trunks) &&
    sorted(route.didPatterns) === sorted(want.didPatterns)
  );
}

function describe(route: PbxInboundRoute): string {
  const to = route.destinationType === "extension" ? `extension ${route.destinationExtension}` : route.destinationType;
  return `id ${route.id}, trunks ${route.trunks.join(", ") || "none"}, DIDs ${route.didPatterns.join(", ") || "any"}, to ${to || "nothing"}`;
}

async function findByName(deps: InboundRouteDeps, pbxUrl: string, name: string) {
  return (await deps.pbxApi(pbxUrl).listInboundRoutes()).find((r) => r.name === name);
}

/**
 * Creates the route, once. A name the PBX already has is recorded when the route has the program's settings (an
 * earlier run created it and lost track), and refused otherwise; after a doubtful failure the name is looked up,
 * never sent again.
 */
export async function create(
  raw: Record<string, unknown>,
  deps: InboundRouteDeps = defaultInboundRouteDeps(),
): Promise<{ id: string; outs: InboundRouteState }> {
  const inputs = inputsOf(raw);
  const api = deps.pbxApi(inputs.pbxUrl);
  const id = inboundRouteResourceId(inputs.pbxUrl, inputs.name);
  const record = (routeId: string, adopted: boolean) => ({ id, outs: { ...inputs, routeId, adopted } });
  try {
    return record(await api.createInboundRoute(routeFieldsOf(inputs)), false);
  } catch (err) {
    const code = errcodeOf(err);
    if (code !== PBX_ERRCODES.duplicateNumber && !(err instanceof YeastarError && err.ambiguous)) throw err;
    const found = await findByName(deps, inputs.pbxUrl, inputs.name);
    if (found && sameFields(found, inputs)) {
      deps.report.warn(
        `${where(inputs.pbxUrl)} already has inbound route ${inputs.name} with these settings (id ${found.id}); recorded it and sent no create again.`,
      );
      return record(found.id, code === PBX_ERRCODES.duplicateNumber);
    }
    if (found) {
      throw new Error(
        `${where(inputs.pbxUrl)} already has inbound route ${inputs.name} (${describe(found)}) with other settings; nothing was changed. Choose another name, declare it with the PBX's settings (then \`up\` records it), or import it: \`pulumi import ${INBOUND_ROUTE_TOKENS.native} <name> ${id}\` (Pulumi YAML and other languages)`,
      );
    }
    if (code === PBX_ERRCODES.duplicateNumber) throw err;
    throw new Error(
      `${where(inputs.pbxUrl)}: the outcome of creating inbound route ${inputs.name} is unknown (${(err as Error).message.split(". ")[0]}) and the PBX does not list it, so it was most likely not created; run \`pulumi up\` again (it is looked up before it is created again)`,
    );
  }
}

/**
 * A new name or PBX is another route, created before the old one is deleted (a new name does not collide, and
 * the trunk's calls keep a route meanwhile); trunks, DID patterns and the destination are an update.
 */
export function diff(_id: string, rawOlds: object, rawNews: Record<string, unknown>): pulumi.dynamic.DiffResult {
  const olds: Partial<InboundRouteState> = inboundRouteStateOf(rawOlds) ?? {};
  const news = inputsOf(rawNews);
  // A route's trunks and DID patterns are sets: the order the PBX lists them in is no change.
  const text = (v: unknown) => (Array.isArray(v) ? v.map(String).sort().join("\n") : String(v ?? ""));
  const changed = (k: keyof InboundRouteInputs) => isUnknown(news[k]) || text(olds[k]) !== text(news[k]);
  // As PbxExtension's: an unknown URL in a preview is the same PBX (a PBX keeps its URL unless it is replaced).
  const replaces = (["pbxUrl", "name"] as const).filter((k) => changed(k) && !(k === "pbxUrl" && isUnknown(news[k])));
  if (replaces.length > 0) return { changes: true, replaces: [...replaces] };
  const fields = (["trunks", "didPatterns", "destinationExtension"] as const).filter(changed);
  return { changes: fields.length > 0 };
}

export async function update(
  _id: string,
  rawOlds: object,
  rawNews: Record<string, unknown>,
  deps: InboundRouteDeps = defaultInboundRouteDeps(),
): Promise<{ outs: InboundRouteState }> {
  const olds = inboundRouteStateOf(rawOlds);
  if (!olds) throw new Error("internal error: a PbxInboundRoute update without a stored state; run `pulumi refresh`");
  const news = inputsOf(rawNews);
  try {
    await deps.pbxApi(news.pbxUrl).updateInboundRoute(olds.routeId, routeFieldsOf(news));
  } catch (err) {
    if (errcodeOf(err) === PBX_ERRCODES.notFound) {
      throw new Error(
        `${where(news.pbxUrl)} no longer has inbound route ${news.name} (id ${olds.routeId}); nothing was changed. Run \`pulumi refresh\` (it drops it from the stack), then \`pulumi up\` creates it again`,
      );
    }
    throw err;
  }
  return { outs: { ...news, routeId: olds.routeId, adopted: olds.adopted } };
}

/** The route as inputs: what the program would have to say for no diff. */
function inputsFrom(route: PbxInboundRoute, pbxUrl: string, keep: Partial<InboundRouteInputs>): InboundRouteInputs {
  return clean({
    pbxUrl,
    pbxKey: keep.pbxKey,
    declaredAs: keep.declaredAs,
    name: route.name,
    trunks: route.trunks,
    didPatterns: route.didPatterns.length > 0 ? route.didPatterns : undefined,
    destinationExtension: route.destinationExtension,
  }) as InboundRouteInputs;
}

/**
 * A refresh finds the route by its id (by name if the id is gone) in one list of the PBX's routes per run; an
 * import (no state) finds it by the resource id "<pbxUrl>/<name>". Changes made on the PBX come back as drift.
 */
export async function read(
  id: string,
  rawProps: object | undefined,
  deps: InboundRouteDeps = defaultInboundRouteDeps(),
): Promise<pulumi.dynamic.ReadResult<InboundRouteState>> {
  const props = inboundRouteStateOf(rawProps);
  const named = props ? { pbxUrl: props.pbxUrl, name: props.name } : parseRouteResourceId(id);
  if (!named) {
    throw new Error(
      `PbxInboundRoute id ${JSON.stringify(id)} is not "<pbxUrl>/<name>", e.g. "acme-hq.eu.yeastarcloud.com/main-line"`,
    );
  }
  const run = runOf(`list:${named.pbxUrl}`);
  run.listing ??= deps.pbxApi(named.pbxUrl).listInboundRoutes();
  const all = await run.listing;
  const route =
    (props?.routeId ? all.find((r) => r.id === props.routeId) : undefined) ?? all.find((r) => r.name === named.name);
  if (!route) {
    if (props) {
      deps.report.warn(
        `${where(named.pbxUrl)} no longer has inbound route ${named.name}; removing it from the stack (\`pulumi up\` creates it again).`,
      );
      return {};
    }
    throw new Error(`${where(named.pbxUrl)} has no inbound route ${named.name} to import`);
  }
  if (route.destinationType !== "extension") {
    deps.report.warn(
      `${where(named.pbxUrl)}: inbound route ${route.name} now sends calls to ${route.destinationType || "nothing"}, not to an extension; \`pulumi up\` sets the program's extension again.`,
    );
  }
  const inputs = inputsFrom(route, named.pbxUrl, props ?? {});
  const state: InboundRouteState = { ...inputs, routeId: route.id, adopted: props ? props.adopted : true };
  return {
    id: inboundRouteResourceId(named.pbxUrl, route.name),
    props: state,
    inputs: inputs as unknown as InboundRouteState,
  };
}

/** Destroy deletes the route on the PBX (it costs nothing; the PBX and its extensions stay). */
export async function remove(
  _id: string,
  rawProps: object | undefined,
  deps: InboundRouteDeps = defaultInboundRouteDeps(),
): Promise<void> {
  const props = inboundRouteStateOf(rawProps);
  if (!props?.routeId) return;
  try {
    await deps.pbxApi(props.pbxUrl).deleteInboundRoute(props.routeId);
  } catch (err) {
    if (errcodeOf(err) !== PBX_ERRCODES.notFound) throw err;
  }
}

/** The provider's `configure()`: the stack config the settings are read from (runtime/settings.ts). */
export function configure(config?: SettingsConfig): void {
  configureSettings(config);
}
