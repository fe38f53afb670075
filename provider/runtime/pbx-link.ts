/**
 * How a PBX-configuration resource (PbxExtension, PbxInboundRoute, ...) names its PBX: `pbx`, a PSeriesCloudPbx of
 * the program, or `pbxUrl`, the host name of a PBX declared elsewhere. With `pbx` it registers the PBX's URL and a
 * `pbxKey`, the PBX's name in this program, which tells one PBX's resources apart from another's while the URLs
 * are not known yet (in a preview of a new PBX); every kind counts and checks under that key (runtime/pbx-runs.ts).
 */
import type * as pulumi from "@pulumi/pulumi";

/** What a configuration kind needs of its PBX: a PSeriesCloudPbx of this package fits. */
export interface LinkedPbx extends pulumi.Resource {
  pbxUrl: pulumi.Output<string>;
}

/** The registered fields that link the resource to its PBX; fails naming both ways when neither is set. */
export function pbxLink(
  kind: string,
  name: string,
  args: { pbx?: LinkedPbx; pbxUrl?: unknown },
): { pbxUrl?: pulumi.Output<string>; pbxKey?: string } {
  const { pbx } = args;
  if (!pbx && args.pbxUrl === undefined) {
    throw new Error(`${kind} ${name}: set pbx (a PSeriesCloudPbx of this program) or pbxUrl (a PBX's host name)`);
  }
  if (!pbx) return {};
  return { pbxUrl: pbx.pbxUrl, pbxKey: `resource:${(pbx as unknown as { __name?: string }).__name ?? name}` };
}
