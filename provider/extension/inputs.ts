/**
 * Validation of PbxExtension inputs (one extension on a PBX, through the PBX's own API). Pure. Every failure names
 * the field, the bad value and what is valid.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_EXTENSIONS, MIN_EXTENSIONS } from "../api/catalog";
import { UNKNOWN } from "../api/inputs";
import type { ExtensionFields } from "../api/pbx-api";
import { parseKnownInputs } from "../runtime/field-failures";
import {
  missing,
  orUnknown,
  parsePbxResourceId,
  pbxKeyField,
  pbxResourceId,
  pbxUrlField,
  stateOfBag,
  text,
} from "../runtime/pbx-inputs";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const SAFE_TEXT = /^[^\u0000-\u001f\u007f<>`$\\{}]*$/u;

export const ExtensionInputsSchema = z.object({
  /** The PBX's host name (its `pbxUrl`), e.g. "acme-hq.eu.yeastarcloud.com". */
  pbxUrl: pbxUrlField(),
  /** The extensions the PBX was bought with (its `extensions`); left out, the PBX's system/capacity tells. */
  capacity: z.preprocess(
    missing,
    orUnknown(
      z
        .number({ error: `expected a whole number of extensions, ${MIN_EXTENSIONS} to ${MAX_EXTENSIONS}` })
        .int({ error: `expected a whole number of extensions, ${MIN_EXTENSIONS} to ${MAX_EXTENSIONS}` })
        .min(MIN_EXTENSIONS, { error: `expected ${MIN_EXTENSIONS} to ${MAX_EXTENSIONS} extensions` })
        .max(MAX_EXTENSIONS, { error: `expected ${MIN_EXTENSIONS} to ${MAX_EXTENSIONS} extensions` }),
    ).optional(),
  ),
  /** How this run tells the PBXs of one program apart while their URLs are not known yet (set by the class). */
  pbxKey: pbxKeyField(),
  number: text(7, /^[0-9]{1,7}$/, 'an extension number of 1 to 7 digits, e.g. "1001"'),
  firstName: text(63, /^(?!\s*$)/u, "a first name of 1 to 63 characters").refine(
    (v) => v === UNKNOWN || SAFE_TEXT.test(v),
    { error: "expected printable text without control characters or any of < > ` $ \\ { }" },
  ),
  lastName: z.preprocess(missing, text(63, SAFE_TEXT, "printable text of up to 63 characters").optional()),
  email: z.preprocess(missing, text(254, EMAIL, 'an email address, e.g. "alice@acme.example"').optional()),
  mobile: z.preprocess(
    missing,
    text(20, /^\+?[0-9]{3,19}$/, 'a phone number of 3 to 19 digits, optionally with a leading "+"').optional(),
  ),
});

export type MaybeExtensionInputs = z.output<typeof ExtensionInputsSchema>;
export type ExtensionInputs = { [K in keyof MaybeExtensionInputs]: Exclude<MaybeExtensionInputs[K], typeof UNKNOWN> };
export const EXTENSION_INPUT_KEYS = ExtensionInputsSchema.keyof().options;
export const EXTENSION_OUTPUT_KEYS = ["extensionId", "adopted"] as const;

/** The state of an extension: its inputs, and the id the PBX gave it. */
export type ExtensionState = ExtensionInputs & { extensionId: string; adopted: boolean };

/** The resource id: the PBX's host and the number, so an import names both ("acme-hq.eu.yeastarcloud.com/1001"). */
export function extensionResourceId(pbxUrl: string, number: string): string {
  return pbxResourceId(pbxUrl, number);
}

export function parseResourceId(id: string): { pbxUrl: string; number: string } | undefined {
  const parsed = parsePbxResourceId(id, (n) => /^[0-9]{1,7}$/.test(n));
  return parsed && { pbxUrl: parsed.pbxUrl, number: parsed.name };
}

/** The fields the PBX keeps, as the API client sends them. */
export function fieldsOf(inputs: ExtensionInputs): ExtensionFields {
  return {
    number: inputs.number,
    firstName: inputs.firstName,
    lastName: inputs.lastName ?? "",
    email: inputs.email ?? "",
    mobile: inputs.mobile ?? "",
  };
}

/** The one place the host's untyped bags become an `ExtensionState` (undefined when empty: an import). */
export function extensionStateOf(raw: object | undefined): ExtensionState | undefined {
  return stateOfBag<ExtensionState>(raw);
}

export function validateExtension(raw: Record<string, unknown>): {
  inputs?: MaybeExtensionInputs;
  failures: pulumi.dynamic.CheckFailure[];
} {
  const { data, failures } = parseKnownInputs(
    "PbxExtension",
    ExtensionInputsSchema,
    EXTENSION_INPUT_KEYS,
    EXTENSION_OUTPUT_KEYS,
    raw,
  );
  return { failures, ...(data ? { inputs: data } : {}) };
}
