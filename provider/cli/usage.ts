/**
 * How a `yeastar-pseries` subcommand is called and answers: its output streams, the usage error (exit status 2),
 * and flag parsing with messages that name the flag, the value and what is valid.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake in how the command was called; the command exits with status 2 and shows its usage. */
export class UsageError extends Error {}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** node:util parseArgs, with its errors turned into UsageErrors that list the valid flags. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const valid = Object.entries(options)
      .map(([name, o]) => (o.type === "boolean" ? `--${name}` : `--${name} <value>`))
      .join(", ");
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${message}; valid flags for ${command}: ${valid}`);
  }
}

/** A flag's value that must not be empty when given. */
export function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`--${flag} is empty; give a value or leave the flag out`);
  return value.trim();
}
