/**
 * The Go SDK of the native provider plugin, generated from its package schema (provider/native/schema.ts) by
 * toolchain/gen-go-sdk (Pulumi's Go code generator) into sdk/go/yeastar. `npm run gen:go-sdk` regenerates the
 * committed SDK; test/e2e/go-sdk.test.ts generates it into a temporary folder and compares.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageVersion } from "../../provider/client/transport";
import { GO_MODULE, packageSchema } from "../../provider/native/schema";
import { REPO_ROOT } from "./pulumi-cli";

export const GO_SDK_DIR = path.join(REPO_ROOT, "sdk", "go", "yeastar");
const GENERATOR_DIR = path.join(REPO_ROOT, "toolchain", "gen-go-sdk");
/** The module files: written once as a seed and completed by `go mod tidy`, not by the code generator. */
const MODULE_FILES = new Set(["go.mod", "go.sum"]);

/** Generates the SDK's code into `outDir` (created; files the generator does not write are left alone). */
export function generateGoSdk(outDir: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-schema-"));
  try {
    const schemaFile = path.join(tmp, "schema.json");
    fs.writeFileSync(schemaFile, JSON.stringify(packageSchema(packageVersion()), null, 2));
    fs.mkdirSync(outDir, { recursive: true });
    // -trimpath: the same build flags as the toolchain's other Go builds, so the per-user Go cache serves them.
    execFileSync("go", ["run", "-trimpath", ".", schemaFile, path.resolve(outDir)], {
      cwd: GENERATOR_DIR,
      stdio: ["ignore", "inherit", "inherit"],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every generated file under `dir` (relative paths, sorted), without the module files. */
export function generatedFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(name);
      else if (!MODULE_FILES.has(name)) out.push(name);
    }
  };
  walk("");
  return out.sort();
}

/** Regenerates sdk/go/yeastar: its generated files replaced, its go.mod seeded when missing, then tidied. */
export function regenerateCommittedGoSdk(): void {
  if (fs.existsSync(GO_SDK_DIR)) {
    for (const rel of generatedFiles(GO_SDK_DIR)) fs.rmSync(path.join(GO_SDK_DIR, rel));
  }
  generateGoSdk(GO_SDK_DIR);
  const goMod = path.join(GO_SDK_DIR, "go.mod");
  if (!fs.existsSync(goMod)) {
    // The Pulumi Go SDK the toolchain is pinned to (toolchain/go.mod).
    fs.writeFileSync(goMod, `module ${GO_MODULE}\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.276.0\n`);
  }
  execFileSync("go", ["mod", "tidy"], { cwd: GO_SDK_DIR, stdio: ["ignore", "inherit", "inherit"] });
}
