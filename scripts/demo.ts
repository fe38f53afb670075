/**
 * `npm run demo`: start the sandbox, preview the root program (what would be bought, and the price), buy it
 * with `pulumi up`, print instanceId, orderNo and pbxUrl, and stop the sandbox. Every run uses a fresh sandbox
 * and a fresh local stack, so it can be run again and again.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startSandbox } from "../sandbox";

const ROOT = path.resolve(__dirname, "..", "..");
const STACK = "demo";

function step(n: number, total: number, text: string) {
  process.stdout.write(`\n=== [${n}/${total}] ${text}\n`);
}

function pulumi(args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive", "--stack", STACK], {
      cwd: ROOT,
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let stdout = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

async function must(args: string[], env: NodeJS.ProcessEnv, capture = false) {
  const r = await pulumi(args, env, capture);
  if (r.code !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${r.code})`);
  return r.stdout;
}

async function main() {
  const total = 5;
  step(1, total, "starting the Yeastar Partner Portal sandbox on loopback");
  const clientSecret = `demo-${Math.random().toString(36).slice(2)}`;
  const sandbox = await startSandbox({ clientSecret });
  console.log(`sandbox listening on ${sandbox.url}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-demo-"));
  fs.mkdirSync(path.join(work, "state"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_HOME: path.join(work, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const stackFile = path.join(ROOT, `Pulumi.${STACK}.yaml`);
  try {
    step(2, total, "creating a local stack (file backend) and its config");
    fs.rmSync(stackFile, { force: true });
    await must(["stack", "init"], env);
    await must(["config", "set", "yeastar:clientId", "sandbox-client"], env);
    await must(["config", "set", "yeastar:baseUrl", sandbox.url], env);
    await must(["config", "set", "--secret", "yeastar:clientSecret", clientSecret], env);

    step(3, total, "pulumi preview: what would be bought (nothing is bought)");
    await must(["preview", "--diff"], env);
    console.log(`orders placed by the preview: ${sandbox.admin.stats().orders.length}`);

    step(4, total, "pulumi up: placing the order");
    await must(["up", "--yes", "--skip-preview"], env);

    step(5, total, "result");
    const outputs = JSON.parse(await must(["stack", "output", "--json"], env, true)) as Record<string, string>;
    console.log(`instanceId:  ${outputs.instanceId}`);
    console.log(`orderNo:     ${outputs.orderNo}`);
    console.log(`pbxUrl:      ${outputs.pbxUrl}`);
    console.log(`productNo:   ${outputs.productNo}`);
    console.log(`orders placed in the sandbox: ${sandbox.admin.stats().orders.length}`);
  } finally {
    await sandbox.close();
    fs.rmSync(stackFile, { force: true });
    fs.rmSync(work, { recursive: true, force: true });
    console.log("sandbox stopped");
  }
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exitCode = 1;
});
