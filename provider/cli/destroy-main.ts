/**
 * `yeastar-pseries destroy`: `pulumi destroy`, preceded by what it does not do.
 *
 * Removing a PBX from a stack cancels nothing (the Partner API has no cancel), and the provider's warning says so,
 * but only as each PBX is deleted: the preview of a plain `pulumi destroy` runs neither the program nor the
 * provider (the CLI plans the deletes from the state alone) and shows just `- N to delete`. This command reads the
 * stack's state first, lists every PBX the destroy would remove with the date it stays billed until (read from the
 * Partner Portal when the state does not have it), and then runs `pulumi destroy` with the flags it was given, so the
 * list comes before the CLI's own preview and its confirmation. It places no order and changes nothing itself.
 */
import { spawn, spawnSync } from "node:child_process";
import type { PartnerApi } from "../api/partner-api";
import { clientFor } from "./credentials";
import type { Output } from "./usage";
import { exportedResources, StackReadError } from "./stack-export";
import { DEFAULT_BASE_URL } from "../runtime/settings";

export const DESTROY_USAGE = `usage: yeastar-pseries destroy [pulumi destroy flags, e.g. --stack dev --yes]
Lists every PBX \`pulumi destroy\` would remove from the stack and the date each stays billed until, then runs
\`pulumi destroy\` with the same flags. A destroy cancels nothing: the Partner API cannot cancel a subscription;
turn off auto-renew in the Partner Portal to stop paying. Credentials for reading expiry dates the state does not
have: the stack config (yeastar:clientId, yeastar:clientSecret, yeastar:baseUrl), else YEASTAR_CLIENT_ID,
YEASTAR_CLIENT_SECRET and YEASTAR_BASE_URL.`;

/** One PBX of the stack's state, as the list shows it. */
export interface DestroyedPbx {
  urn: string;
  name: string;
  pbxUrl: string;
  serial: string;
  expireDate: string;
  protect: boolean;
}

/**
 * The PBXs in an exported deployment (`stack-export.ts: exportedResources`, every type token; a copy pending deletion
 * included, since it is billed too), limited to `targets` (URNs) when any are given.
 */
export function pbxsInState(exported: unknown, targets: string[] = []): DestroyedPbx[] {
  return exportedResources(exported, "the stack's state")
    .resources.filter((r) => r.kind === "pbx" && (targets.length === 0 || targets.includes(r.urn)))
    .map((r) => {
      const text = (k: string) => (typeof r.outputs[k] === "string" ? (r.outputs[k] as string) : "");
      return {
        urn: r.urn,
        name: r.name,
        pbxUrl: text("pbxUrl"),
        serial: text("productNo"),
        expireDate: text("expireDate"),
        protect: r.protect,
      };
    });
}

/** What the portal said of a PBX's expiry, or why it could not be read. */
export type Expiry = { date: string } | { unknown: string };

/** The list printed before `pulumi destroy` runs. */
export function billedNotice(pbxs: DestroyedPbx[], expiry: Map<string, Expiry>): string[] {
  if (pbxs.length === 0) return ["yeastar-pseries destroy: no PBX in this stack; running pulumi destroy."];
  const lines = [
    `yeastar-pseries destroy: \`pulumi destroy\` removes ${pbxs.length} PBX${pbxs.length === 1 ? "" : "s"} from this stack and cancels NOTHING: ` +
      "the Yeastar Partner API cannot cancel a subscription, so each stays billed:",
  ];
  for (const p of pbxs) {
    const e = p.expireDate
      ? { date: p.expireDate }
      : (expiry.get(p.serial) ?? { unknown: "no serial number in the state" });
    const until =
      "date" in e ? `billed until ${e.date}` : `billed until its expiry date, which could not be read (${e.unknown})`;
    lines.push(
      `  - ${p.name}: PBX ${p.pbxUrl || "(unknown URL)"} (serial ${p.serial || "unknown"}) stays ${until}${
        p.protect ? "; it is protected, so pulumi destroy refuses it until `pulumi state unprotect`" : ""
      }`,
    );
  }
  lines.push("To stop paying, turn off auto-renew for these serial numbers in the Partner Portal.");
  return lines;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] || "no reason given";
}

/** The values of a flag given as `--flag value`, `--flag=value` or `-f value`. */
function flagValues(argv: string[], long: string, short: string): string[] {
  const values: string[] = [];
  argv.forEach((a, i) => {
    if ((a === long || a === short) && i + 1 < argv.length) values.push(argv[i + 1]);
    else if (a.startsWith(`${long}=`)) values.push(a.slice(long.length + 1));
  });
  return values;
}

export interface DestroyDeps {
  /** Runs `pulumi <args>` and returns its output (export, config). */
  pulumi(args: string[]): { code: number; stdout: string; stderr: string };
  /** Runs `pulumi destroy <args>` attached to this terminal; resolves with its exit code. */
  destroy(args: string[]): Promise<number>;
  api(creds: { baseUrl: string; clientId: string; clientSecret: string }): PartnerApi;
}

export function realDestroyDeps(cwd: string, env: NodeJS.ProcessEnv): DestroyDeps {
  return {
    pulumi: (args) => {
      const r = spawnSync("pulumi", args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
    },
    destroy: (args) =>
      new Promise((resolve, reject) => {
        const child = spawn("pulumi", ["destroy", ...args], { cwd, env, stdio: "inherit" });
        child.on("error", reject);
        child.on("close", (code) => resolve(code ?? 1));
      }),
    api: (creds) => clientFor(creds),
  };
}

export async function runDestroy(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv,
  deps: DestroyDeps,
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(DESTROY_USAGE);
    return 0;
  }
  const stack = flagValues(argv, "--stack", "-s").slice(-1);
  const stackArgs = stack.length ? ["--stack", stack[0]] : [];
  const exported = deps.pulumi(["stack", "export", ...stackArgs]);
  if (exported.code !== 0) {
    io.err(
      `yeastar-pseries destroy: could not read the stack's state (pulumi stack export): ${exported.stderr.trim()}`,
    );
    return exported.code;
  }
  let pbxs: DestroyedPbx[];
  try {
    pbxs = pbxsInState(JSON.parse(exported.stdout), flagValues(argv, "--target", "-t"));
  } catch (err) {
    if (!(err instanceof SyntaxError || err instanceof StackReadError)) throw err;
    io.err(`yeastar-pseries destroy: could not read the stack's state (pulumi stack export): ${err.message}`);
    return 1;
  }
  const expiry = new Map<string, Expiry>();
  const missing = pbxs.filter((p) => !p.expireDate && p.serial);
  if (missing.length > 0) {
    let api: PartnerApi | undefined;
    let why = "";
    const config = deps.pulumi(["config", "--json", "--show-secrets", ...stackArgs]);
    const values = config.code === 0 ? (JSON.parse(config.stdout) as Record<string, { value?: string }>) : {};
    const get = (key: string, name: string) => values[`yeastar:${key}`]?.value || env[name] || "";
    const creds = {
      baseUrl: get("baseUrl", "YEASTAR_BASE_URL") || DEFAULT_BASE_URL,
      clientId: get("clientId", "YEASTAR_CLIENT_ID"),
      clientSecret: get("clientSecret", "YEASTAR_CLIENT_SECRET"),
    };
    if (!creds.clientId || !creds.clientSecret) {
      const unread = config.code === 0 ? "" : `; the stack config could not be read: ${firstLine(config.stderr)}`;
      why = `no yeastar:clientId / yeastar:clientSecret in the stack config or YEASTAR_* variables${unread}`;
    } else {
      try {
        api = deps.api(creds);
      } catch (err) {
        why = (err as Error).message;
      }
    }
    for (const p of missing) {
      if (!api) {
        expiry.set(p.serial, { unknown: why });
        continue;
      }
      try {
        const product = await api.getProduct(p.serial);
        expiry.set(
          p.serial,
          product?.expireDate ? { date: product.expireDate } : { unknown: "the Partner Portal gave no expiry date" },
        );
      } catch (err) {
        expiry.set(p.serial, { unknown: (err as Error).message });
      }
    }
  }
  for (const line of billedNotice(pbxs, expiry)) io.out(line);
  return deps.destroy(argv);
}
