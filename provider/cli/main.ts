#!/usr/bin/env node
/**
 * yeastar-pseries: command line tools for partners who use this package.
 *   import  list the account's PBXs and write a data file (and a starter program) to bring them under Pulumi
 *   import-extensions  the same for one PBX's extensions, read through the PBX's own API
 *   doctor  check credentials, TLS and every read-only endpoint the provider uses against the real portal
 *   plan    summarize `pulumi preview --json` for a pull request: what `up` would buy, and its price
 *   destroy list what `pulumi destroy` leaves billed (and until when), then run it
 *   fleet   every PBX of the account with the stacks that manage it, its customer, expiry and cost
 * None ever places an order (nor changes a PBX).
 */
import { ConfigError, YeastarError } from "../client/errors";
import { UsageError, type Output } from "./usage";
import { realDestroyDeps, runDestroy } from "./destroy-main";
import { runDoctor } from "./doctor-main";
import { runFleet } from "./fleet-main";
import { runImport } from "./import-main";
import { runImportExtensions } from "./import-extensions-main";
import { main as runPlan, type PlanIo } from "./plan-main";

const USAGE = `usage: yeastar-pseries <command> [flags]
Commands:
  import   list the account's PBXs and write a data file (and with --program, a starter Pulumi program)
  import-extensions
           list one PBX's extensions (its own API) and write a data file (and with --program, a starter program)
  doctor   check the base URL, TLS, token and every read-only endpoint against our assumptions
  plan     summarize \`pulumi preview --json\` (file or stdin) as Markdown for a pull request, with gates
  destroy  list every PBX \`pulumi destroy\` would remove and the date it stays billed until, then run it
  fleet    every PBX of the account with its stacks, customer, expiry and cost (Markdown, JSON or CSV)
Run \`yeastar-pseries <command> --help\` for a command's flags. No command places an order.`;

export async function main(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv,
  cwd: string,
  streams: PlanIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "plan":
        return await runPlan(rest, streams);
      case "import":
        return await runImport(rest, io, env, cwd);
      case "import-extensions":
        return await runImportExtensions(rest, io, env, cwd);
      case "doctor":
        return await runDoctor(rest, io, env);
      case "destroy":
        return await runDestroy(rest, io, env, realDestroyDeps(cwd, env));
      case "fleet":
        return await runFleet(rest, io, env, cwd);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(
          `yeastar-pseries: unknown command ${JSON.stringify(command)}; valid commands: import, import-extensions, doctor, plan, destroy, fleet`,
        );
        io.err(USAGE);
        return 2;
    }
  } catch (err) {
    const prefix = `yeastar-pseries ${command}`;
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.err(`${prefix}: ${err.message}`);
      io.err(`(run \`yeastar-pseries ${command} --help\` for the flags)`);
      return 2;
    }
    // Client errors are already redacted and say what to do; anything else is shown by message only.
    io.err(`${prefix}: ${err instanceof YeastarError ? err.message : ((err as Error)?.message ?? String(err))}`);
    return 1;
  }
}

if (require.main === module) {
  const io: Output = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
  main(process.argv.slice(2), io, process.env, process.cwd()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`yeastar-pseries: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
