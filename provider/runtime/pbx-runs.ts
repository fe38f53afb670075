/**
 * What every PBX-configuration kind (PbxExtension, PbxInboundRoute, ...) shares in one provider process: what this
 * run learned about each PBX, read once per PBX however many resources it has, and the small helpers their engines
 * use alike. The dynamic provider serves every resource of a program in one process, so a kind can see what
 * another kind's checks declared (an inbound route checks that its extension is declared or on the PBX).
 *
 * A PBX is named by `key`: its name in the program (`pbxKey`, set by the resource class while its URL may be
 * unknown) or its URL.
 */
import type { PbxApi } from "../api/pbx-api";
import { UNKNOWN, isUnknown } from "../api/inputs";
import { ApiError } from "../client/errors";
import type { Reporter } from "./settings";

/** What a PBX-configuration engine needs: the client for one PBX's API, and where its messages go. */
export interface PbxKindDeps {
  pbxApi: (pbxUrl: string) => PbxApi;
  report: Reporter;
}

const runs = new Map<string, unknown>();

/** This process's record of one kind for one PBX, made by `init` the first time it is asked for. */
export function runOf<T>(kind: string, key: string, init: () => T): T {
  const at = `${kind}\n${key}`;
  if (!runs.has(at)) runs.set(at, init());
  return runs.get(at) as T;
}

/** The record if one was made (a delete does not make one). */
export function existingRunOf<T>(kind: string, key: string): T | undefined {
  return runs.get(`${kind}\n${key}`) as T | undefined;
}

/** For tests: forget what this process learned about PBXs, of every kind. */
export function resetPbxRuns(): void {
  runs.clear();
}

/** The extension numbers this program declares on one PBX (every PbxExtension check adds its number). */
export function declaredExtensions(key: string): Set<string> {
  return runOf("declared-extensions", key, () => new Set<string>());
}

/** The numbers of the extensions on the PBX, listed once per run (`extension/list`). */
export function existingExtensions(key: string, api: PbxApi): Promise<Set<string>> {
  const run = runOf("existing-extensions", key, () => ({}) as { numbers?: Promise<Set<string>> });
  run.numbers ??= api.listExtensions().then((all) => new Set(all.map((e) => e.number)));
  return run.numbers;
}

export function known<T>(v: T | typeof UNKNOWN | undefined): v is T {
  return v !== undefined && !isUnknown(v);
}

/** The PBX's error code of an API error, when it is a number. */
export function errcodeOf(err: unknown): number | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const n = Number(err.code);
  return Number.isInteger(n) ? n : undefined;
}

/** How messages name a PBX. */
export const where = (pbxUrl: string) => `PBX ${pbxUrl}`;

/** The value without its undefined keys. */
export function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
