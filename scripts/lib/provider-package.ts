/**
 * The package a bench program runs: the copy the bench installed in the project's node_modules
 * (scripts/lib/bench.ts, `benchProject`), as a user's program gets it, and this checkout's build otherwise.
 */
import type * as yeastar from "../../provider";

export function providerPackage(): typeof yeastar {
  let installed: string | undefined;
  try {
    installed = require.resolve("pulumi-yeastar-pseries", { paths: [process.cwd()] });
  } catch {
    installed = undefined;
  }
  return require(installed ?? "../../provider");
}
