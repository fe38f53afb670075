/**
 * `npm test` after the build: runs npm scripts at the same time and fails if any of them fails, naming it.
 * The first script's output streams as it comes (the end-to-end files, the longest part); the others are
 * buffered and printed whole when they end, so their lines do not interleave. The checks (lint, type check of the
 * examples, unit tests) then take no wall time of their own: they run while the end-to-end files wait on the
 * sandbox and the CLI. Usage: node dist/scripts/run-parallel.js <npm script> [<npm script> ...]
 */
import { spawn } from "node:child_process";

function run(script: string, stream: boolean): Promise<{ script: string; code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "-s", script], { stdio: stream ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Date.now() - started;
      if (!stream) {
        process.stdout.write(`\n--- npm run ${script}: ${code === 0 ? "passed" : `FAILED (exit ${code})`}, ${ms} ms\n`);
        process.stdout.write(output.endsWith("\n") || output === "" ? output : `${output}\n`);
        process.stdout.write(`--- end of npm run ${script}\n`);
      }
      resolve({ script, code, ms });
    });
  });
}

async function main() {
  const scripts = process.argv.slice(2);
  if (scripts.length === 0) {
    console.error("usage: node dist/scripts/run-parallel.js <npm script> [<npm script> ...]");
    process.exitCode = 2;
    return;
  }
  const results = await Promise.all(scripts.map((s, i) => run(s, i === 0)));
  const failed = results.filter((r) => r.code !== 0);
  for (const r of results) console.log(`${r.code === 0 ? "passed" : "FAILED"}  npm run ${r.script} (${r.ms} ms)`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.map((r) => `npm run ${r.script} (exit ${r.code})`).join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
