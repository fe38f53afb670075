/**
 * Input rules every PBX-configuration kind (PbxExtension, PbxInboundRoute, ...) shares: the PBX's host name, the
 * marker of a value not known yet in a preview, optional fields, and the resource id "<pbxUrl>/<name>". Pure.
 */
import { z } from "zod";
import { UNKNOWN } from "../api/inputs";

/** A PBX's host name (its `pbxUrl`): lower case, two or more labels. */
export const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** null and "" count as left out. */
export const missing = (v: unknown) => (v === null || v === "" ? undefined : v);
/** The schema, or the marker of a value a preview does not know yet. */
export const orUnknown = <T extends z.ZodType>(schema: T) => z.union([z.literal(UNKNOWN), schema]);

/** A string of at most `max` characters matching `pattern`; `what` says what is valid. */
export function text(max: number, pattern: RegExp, what: string) {
  return orUnknown(
    z
      .string({ error: `expected ${what}` })
      .refine((v) => [...v].length <= max, { error: `expected at most ${max} characters`, abort: true })
      .refine((v) => pattern.test(v), { error: `expected ${what}`, abort: true }),
  );
}

/** The `pbxUrl` input: the PBX's host name. */
export const pbxUrlField = () =>
  text(253, HOST, 'the PBX\'s host name (its pbxUrl), e.g. "acme-hq.eu.yeastarcloud.com"');
/** The `pbxKey` input: how this run tells the PBXs of one program apart while their URLs are not known yet. */
export const pbxKeyField = () => z.preprocess(missing, orUnknown(z.string()).optional());

/** A PBX's host name as the PBX-configuration kinds take it (their `pbxUrl`). */
export function isPbxHost(value: string): boolean {
  return HOST.test(value);
}

/** The resource id of one thing on a PBX: the PBX's host and the thing's unique name or number. */
export function pbxResourceId(pbxUrl: string, name: string): string {
  return `${pbxUrl}/${name}`;
}

/** The PBX's host and the name of a resource id "<pbxUrl>/<name>", when the name is one `isName` accepts. */
export function parsePbxResourceId(
  id: string,
  isName: (name: string) => boolean,
): { pbxUrl: string; name: string } | undefined {
  const at = id.indexOf("/");
  if (at <= 0) return undefined;
  const pbxUrl = id.slice(0, at);
  const name = id.slice(at + 1);
  return HOST.test(pbxUrl) && isName(name) ? { pbxUrl, name } : undefined;
}

/** The one place the host's untyped bags become a kind's state (undefined when empty: an import). */
export function stateOfBag<T>(raw: object | undefined): T | undefined {
  return raw && Object.keys(raw).length > 0 ? (raw as T) : undefined;
}
