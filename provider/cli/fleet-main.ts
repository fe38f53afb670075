/**
 * `yeastar-pseries fleet`: every PBX of the account joined with the stacks that manage it, with customer, expiry,
 * days left, cost (the price API, one quote per distinct shape) and auto-renewal (one status read per PBX).
 * Read-only: it holds a `ReadOnlyApi`, which refuses orders before sending. Any input it cannot read (the portal, a
 * price, an auto-renewal status, a stack) is named and the command exits 1; usage mistakes exit 2.
 */
import type { PartnerApi } from "../api/partner-api";
import type { PriceQuote, ProductInfo, SubordinateUser } from "../api/schemas";
import { CREDENTIAL_OPTIONS, CREDENTIAL_USAGE, clientFor, credentialsFrom } from "./credentials";
import { UsageError, nonEmpty, parseFlags, type Output } from "./usage";
import { renderMarkdown, toCsv, toJson } from "./fleet-render";
import { buildFleetReport, priceRequestOf, shapeKey, shapeOf, type Shape } from "./fleet-report";
import { ReadOnlyApi } from "./fleet-read-only";
import { readStack, type StackSource, type StackState } from "./stack-export";

export const FLEET_USAGE = `usage: yeastar-pseries fleet [--state FILE]... [[--backend URL] --stack NAME]... [--expires-within DAYS]
                             [--json | --csv] [--today YYYY-MM-DD]
Every PBX of the account (the product list) with the stacks that manage it, its customer, expiry, days left, its
yearly and monthly cost (the price API) and whether the portal renews it (auto-renewal). Places no order.
Stacks (without any of these: the current stack, as \`pulumi stack export\` in this directory reads it):
  --state FILE                a file written by \`pulumi stack export\`
  --stack NAME                a stack read with \`pulumi stack export --stack NAME\`
  --backend URL               the backend (file://, s3://, postgres://, ...) of every --stack after it
  --pulumi PATH               the Pulumi CLI to run (default: pulumi on PATH)
Report:
  --expires-within DAYS       flag PBXs that expire within DAYS days (default 30), and those of them with
                              auto-renewal off and no renewThrough after the expiry in a stack (renewal not covered)
  --today YYYY-MM-DD          the day days are counted from (default: today, UTC)
  --json | --csv              JSON (with totals and flags) or CSV (one row per PBX) instead of Markdown
${CREDENTIAL_USAGE}
Exit status: 0 complete, 1 something could not be read (named on stderr and in the report), 2 usage.`;

const PAGE_SIZE = 100;
const CONCURRENCY = 8;
const MAX_PAGES = 1000;
/** Failed auto-renewal reads named one by one in the report; the rest are counted. */
const MAX_NAMED = 5;

/** Runs `work` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(runners);
  return out;
}

/** The whole product list: page 1, then the other pages side by side. */
export async function allProducts(api: PartnerApi): Promise<ProductInfo[]> {
  const first = await api.listProducts({ pageNo: 1, pageSize: PAGE_SIZE });
  const pages = Math.min(first.totalPage, MAX_PAGES);
  const rest = await mapLimit(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) => i + 2),
    CONCURRENCY,
    (pageNo) => api.listProducts({ pageNo, pageSize: PAGE_SIZE }),
  );
  const all = [first, ...rest].flatMap((p) => p.results);
  if (all.length < first.total) {
    throw new Error(`the product list says ${first.total} PBXs but its ${pages} pages held ${all.length}`);
  }
  return all;
}

export interface FleetDeps {
  api?: PartnerApi;
  /** Reads a stack (tests); by default the file, or `pulumi stack export`. */
  readStack?: (source: StackSource) => Promise<StackState>;
}

export async function runFleet(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv,
  cwd: string,
  deps: FleetDeps = {},
): Promise<number> {
  const values = parseFlags("fleet", argv, {
    ...CREDENTIAL_OPTIONS,
    state: { type: "string", multiple: true },
    stack: { type: "string", multiple: true },
    backend: { type: "string", multiple: true },
    pulumi: { type: "string" },
    "expires-within": { type: "string" },
    today: { type: "string" },
    json: { type: "boolean", default: false },
    csv: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.out(FLEET_USAGE);
    return 0;
  }
  if (values.json && values.csv) throw new UsageError("--json and --csv exclude each other; choose one");
  const within = nonEmpty("expires-within", values["expires-within"]) ?? "30";
  if (!/^\d{1,5}$/.test(within)) {
    throw new UsageError(`--expires-within ${JSON.stringify(within)} is not a number of days; expected 0..99999`);
  }
  const today = nonEmpty("today", values.today) ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || !Number.isFinite(Date.parse(`${today}T00:00:00Z`))) {
    throw new UsageError(`--today ${JSON.stringify(today)} is not a date; expected YYYY-MM-DD`);
  }
  const sources = sourcesFrom(argv, values.state ?? []);
  const api = new ReadOnlyApi(deps.api ?? clientFor(credentialsFrom(values, env)));
  const pulumiBin = nonEmpty("pulumi", values.pulumi);
  const read =
    deps.readStack ?? ((s: StackSource) => readStack(s, { cwd, env, ...(pulumiBin ? { pulumi: pulumiBin } : {}) }));

  const problems: string[] = [];
  const stacksRead = Promise.all(
    sources.map((s) =>
      read(s).catch((err: unknown) => {
        problems.push(`${(err as Error).message}`);
        return undefined;
      }),
    ),
  );
  let products: ProductInfo[];
  let users: SubordinateUser[] = [];
  try {
    products = await allProducts(api);
    // Customers the stacks declare are named from their state; the user list is read only for the others.
    const named = new Set((await stacksRead).flatMap((st) => st?.customers.map((c) => c.partnerId) ?? []));
    if (products.some((p) => p.assignId && !named.has(p.assignId))) users = await api.listSubordinateUsers();
  } catch (err) {
    await stacksRead;
    io.err(`yeastar-pseries fleet: cannot read the Partner Portal: ${(err as Error).message}`);
    for (const p of problems) io.err(`yeastar-pseries fleet: ${p}`);
    return 1;
  }
  const shapes = new Map<string, Shape>();
  for (const p of products) shapes.set(shapeKey(shapeOf(p)), shapeOf(p));
  const quotes = new Map<string, PriceQuote | undefined>();
  let failedQuotes = 0;
  const quote = async ([key, shape]: [string, Shape]) => {
    const request = priceRequestOf(shape);
    if (!request) {
      failedQuotes++;
      quotes.set(key, undefined);
      return;
    }
    try {
      quotes.set(key, await api.calculatePrice(request));
    } catch (err) {
      failedQuotes++;
      quotes.set(key, undefined);
      problems.push(
        `the price API failed for ${shape.extensions} extensions, ${shape.billingCycle}: ${(err as Error).message}`,
      );
    }
  };
  // One auto-renewal status per PBX; a failed read leaves the PBX out of the map (shown as "?", never as off).
  const autoRenew = new Map<string, boolean>();
  const unread: string[] = [];
  const readAutoRenew = async (p: ProductInfo) => {
    try {
      autoRenew.set(p.productNo, await api.getAutoRenew(p.productNo));
    } catch (err) {
      unread.push(`${p.pbxUrl} (serial ${p.productNo}): ${(err as Error).message}`);
    }
  };
  // Quotes and status reads share one queue: at most CONCURRENCY requests in flight, through the client's gate.
  const reads = [...[...shapes].map((s) => () => quote(s)), ...products.map((p) => () => readAutoRenew(p))];
  await mapLimit(reads, CONCURRENCY, (read) => read());
  const stacks = (await stacksRead).filter((s): s is StackState => s !== undefined);
  if (failedQuotes > 0 && !problems.some((p) => p.startsWith("the price API"))) {
    problems.push(`${failedQuotes} PBX shape(s) have a billing cycle the price API does not price`);
  }
  if (unread.length > 0) {
    const shown = unread.sort().slice(0, MAX_NAMED);
    problems.push(
      `auto-renewal could not be read for ${unread.length} of ${products.length} PBXs (shown as "?", not as off): ` +
        `${shown.join("; ")}${unread.length > shown.length ? `; and ${unread.length - shown.length} more` : ""}`,
    );
  }
  const report = buildFleetReport({
    products,
    users,
    stacks,
    quotes,
    autoRenew,
    today,
    expiresWithinDays: Number(within),
  });
  if (problems.length > 0) {
    // Stacks that could not be read make "in no stack" unreliable: say which were read.
    problems.push(`stacks read: ${stacks.map((s) => s.label).join(", ") || "none"}`);
  }
  io.out(values.json ? toJson(report, problems) : values.csv ? toCsv(report) : renderMarkdown(report, problems));
  for (const p of problems) io.err(`yeastar-pseries fleet: ${p}`);
  return problems.length > 0 ? 1 : 0;
}

/** The stack sources in command-line order; each --backend applies to the --stack flags after it. */
export function sourcesFrom(argv: string[], files: string[], defaultToCurrent = true): StackSource[] {
  const sources: StackSource[] = files.map((path) => {
    if (path.trim() === "") throw new UsageError("--state is empty; give a file written by `pulumi stack export`");
    return { kind: "file", path };
  });
  let backend: string | undefined;
  let sawBackend = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[i + 1];
    if (flag === "--backend") {
      if (!value || value.trim() === "")
        throw new UsageError("--backend is empty; give a backend URL such as file:///path");
      backend = value.trim();
      sawBackend = true;
    } else if (flag === "--stack") {
      if (!value || value.trim() === "") throw new UsageError("--stack is empty; give a stack name");
      sources.push({ kind: "cli", stack: value.trim(), ...(backend ? { backend } : {}) });
    } else continue;
    if (inline === undefined) i++;
  }
  if (sawBackend && !sources.some((s) => s.kind === "cli" && s.backend)) {
    throw new UsageError("--backend applies to the --stack flags after it; give --stack NAME after --backend URL");
  }
  if (sources.length === 0 && defaultToCurrent) sources.push({ kind: "cli" });
  return sources;
}
