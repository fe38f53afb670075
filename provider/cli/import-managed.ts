/**
 * Which PBXs other stacks already manage, for `yeastar-pseries import`: the stacks named with --state, --stack
 * and --backend (as for `fleet`), read through `stack-export.ts`. A stack that cannot be read stops the import: a PBX
 * two stacks manage may be ordered for twice.
 */
import { sourcesFrom } from "./fleet-main";
import { readStack, type StackState } from "./stack-export";

export const MANAGED_USAGE = `Stacks that already manage PBXs (their PBXs are left out, with a warning):
  --state FILE                a file written by \`pulumi stack export\`
  --stack NAME                a stack read with \`pulumi stack export --stack NAME\`
  --backend URL               the backend of every --stack after it
  --include-managed           import those PBXs anyway (then two stacks manage them)`;

export const MANAGED_OPTIONS = {
  state: { type: "string", multiple: true },
  stack: { type: "string", multiple: true },
  backend: { type: "string", multiple: true },
  "include-managed": { type: "boolean", default: false },
} as const;

/** PBX serial number and URL -> the stacks that manage it. */
export type ManagedIndex = (pbx: { serialNumber: string; pbxUrl: string }) => string[];

export function indexOf(stacks: readonly StackState[]): ManagedIndex {
  const bySerial = new Map<string, string[]>();
  const byUrl = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, label: string) => {
    if (!key) return;
    const list = map.get(key) ?? [];
    if (!list.includes(label)) list.push(label);
    map.set(key, list);
  };
  for (const s of stacks) {
    for (const p of s.pbxs) {
      add(bySerial, p.productNo, s.label);
      add(byUrl, p.pbxUrl.toLowerCase(), s.label);
    }
  }
  return (pbx) => [
    ...new Set([...(bySerial.get(pbx.serialNumber) ?? []), ...(byUrl.get(pbx.pbxUrl.toLowerCase()) ?? [])]),
  ];
}

/** Reads the stacks named on the command line (none: nothing is managed elsewhere, as far as we know). */
export async function managedIndex(
  argv: string[],
  files: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ index: ManagedIndex; stacks: string[] }> {
  const sources = sourcesFrom(argv, files, false);
  const stacks = await Promise.all(sources.map((s) => readStack(s, { cwd, env })));
  return { index: indexOf(stacks), stacks: stacks.map((s) => s.label) };
}
