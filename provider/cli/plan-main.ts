#!/usr/bin/env node
/**
 * `plan`: reads `pulumi preview --json` (a file, or stdin with `-` or no argument) and prints what `pulumi up`
 * would buy as Markdown for a pull-request comment, or as JSON. Exit codes (`EXIT` in plan-gates.ts): 0 fine, 1 a gate
 * failed (--fail-on-purchase, --max-total), 2 usage, 3 the preview is empty, unreadable, cut off or failed.
 *
 * The summary's parts, all pure: plan-preview-input.ts (the preview's JSON), plan-types.ts (rows, totals,
 * warnings), plan-summary.ts (preview -> summary), plan-gates.ts (gates, exit code), plan-markdown.ts (Markdown,
 * JSON); amounts in api/money.ts. Its built path, dist/provider/cli/plan-main.js, is what CI recipes run.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { checkGates, exitCode, EXIT } from "./plan-gates";
import { parseMoney } from "../api/money";
import { PlanInputError, type PurchaseSummary } from "./plan-types";
import { renderMarkdown, toJson } from "./plan-markdown";
import { summarize } from "./plan-summary";
import { parsePreview, unreadablePreview } from "./plan-preview-input";

export const USAGE = `usage: plan [file|-] [--json] [--fail-on-purchase] [--max-total <amount>] [--preview-exit-code <n>]
Reads the output of \`pulumi preview --json\` from a file, or from stdin (\`-\` or no file), and prints what
\`pulumi up\` would buy: one row per PBX, totals per currency and billing period, warnings.
Policy violations are listed when the preview ran with PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true.
  --json                    print the summary as JSON instead of Markdown
  --fail-on-purchase        exit 1 when anything would be bought
  --max-total <amount>      exit 1 when a total (any currency, any billing period) is above <amount>, e.g. 5000
  --preview-exit-code <n>   the exit status of the \`pulumi preview\` that wrote the input; not 0: it failed
Exit codes:
  0  fine
  1  a gate failed (the summary is still printed)
  2  usage: a bad option, or an input file that cannot be opened
  3  no plan: the preview is empty, unreadable, cut off, failed or reported errors (with or without gates);
     the summary still says what it could read and why it is not a plan`;

export interface PlanIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export async function main(argv: string[], io: PlanIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`plan: ${message}\n${USAGE}\n`);
    return EXIT.usage;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        "fail-on-purchase": { type: "boolean", default: false },
        "max-total": { type: "string" },
        "preview-exit-code": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) return fail(`expected at most one input file, got ${positionals.length}`);
  const maxTotal = values["max-total"];
  if (maxTotal !== undefined && parseMoney(maxTotal) === undefined) {
    return fail(`--max-total must be a non-negative amount such as 5000 or 1250.50, got ${JSON.stringify(maxTotal)}`);
  }
  const exitText = values["preview-exit-code"];
  if (exitText !== undefined && !/^\d{1,3}$/.test(exitText)) {
    return fail(`--preview-exit-code must be an exit status from 0 to 255, got ${JSON.stringify(exitText)}`);
  }
  const previewExitCode = exitText === undefined ? undefined : Number(exitText);
  if (previewExitCode !== undefined && previewExitCode > 255) {
    return fail(`--preview-exit-code must be an exit status from 0 to 255, got ${previewExitCode}`);
  }
  const file = positionals[0] ?? "-";
  let text: string;
  try {
    if (file === "-") {
      if (io.stdin.isTTY) return fail("no input: pass a file, or pipe `pulumi preview --json` into stdin");
      text = await readAll(io.stdin);
    } else {
      text = fs.readFileSync(file, "utf8");
    }
  } catch (error) {
    return fail(`cannot read ${file === "-" ? "stdin" : file}: ${(error as Error).message}`);
  }
  const summary = summarizeText(text, previewExitCode);
  const failures = checkGates(summary, { failOnPurchase: values["fail-on-purchase"], maxTotal });
  io.stdout.write(values.json ? toJson(summary, failures) : `${renderMarkdown(summary, failures)}\n`);
  const source = file === "-" ? "stdin" : file;
  for (const p of summary.previewProblems) io.stderr.write(`plan: ${source}: not a plan: ${p}\n`);
  for (const f of failures) io.stderr.write(`plan: ${f}\n`);
  return exitCode(summary, failures);
}

/** The summary of the text; plannedOrders that break the provider's contract make it an unreadable preview. */
function summarizeText(text: string, previewExitCode: number | undefined): PurchaseSummary {
  const input = parsePreview(text, { exitCode: previewExitCode });
  try {
    return summarize(input);
  } catch (error) {
    if (!(error instanceof PlanInputError)) throw error;
    const problem = `the planned orders cannot be read (from another version of this package?): ${error.message}`;
    return summarize({ ...unreadablePreview(problem), problems: [problem, ...input.problems] });
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`plan: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = EXIT.usage;
    },
  );
}
