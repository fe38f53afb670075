/**
 * The native plugin's own types, below its modules (plugin-provider.ts routes by type token to one `TypeHandler` per
 * resource type; schema.ts and each type's module describe properties as `PropertySpec`s).
 */
import type * as provider from "@pulumi/pulumi/provider";
import type { Deps } from "../runtime/deps";

/** The SDK's provider interface plus create and update in a preview, which the SDK's server does not pass on. */
export interface NativeProvider extends provider.Provider {
  previewCreate(urn: string, inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  previewUpdate(
    id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<{ outs: Record<string, unknown> }>;
}

/** What the plugin does for one resource type: its methods, once the type token is known. */
export type TypeHandler = Required<
  Pick<NativeProvider, "check" | "diff" | "create" | "read" | "update" | "delete" | "previewCreate" | "previewUpdate">
>;

/** Runs one engine call with messages attached to a resource's URN (see `nativeProvider`). */
export type WithDeps = <T>(urn: string, run: (deps: Deps) => Promise<T>) => Promise<T>;

/** One property in the package schema. */
export interface PropertySpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  items?: PropertySpec;
  $ref?: string;
  description?: string;
  default?: unknown;
  secret?: boolean;
}
