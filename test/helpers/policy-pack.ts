/**
 * The policy pack installed as a project gets it from the package, in a folder outside this repository, so that
 * `@pulumi/policy` (a dev dependency here) cannot be found from it: the layout a user has before installing it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./pulumi";

export interface CopiedPack {
  /** The pack's folder, for `--policy-pack`. */
  dir: string;
  cleanup(): void;
}

/**
 * Copies the built pack (policy/ and what dist/ it loads) to `<tmp>/node_modules/pulumi-yeastar-pseries`. With
 * `linkPulumi`, `@pulumi/pulumi` is linked beside it, which the Pulumi CLI needs to run a Node.js policy pack.
 */
export function packWithoutPolicyRuntime(opts: { linkPulumi?: boolean } = {}): CopiedPack {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-pack-"));
  const pkg = path.join(root, "node_modules", "pulumi-yeastar-pseries");
  fs.mkdirSync(path.join(pkg, "dist"), { recursive: true });
  for (const file of ["index.js", "package.json", "PulumiPolicy.yaml"]) {
    fs.mkdirSync(path.join(pkg, "policy"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "policy", file), path.join(pkg, "policy", file));
  }
  for (const dir of ["policy", "provider"]) {
    fs.cpSync(path.join(REPO_ROOT, "dist", dir), path.join(pkg, "dist", dir), { recursive: true });
  }
  if (opts.linkPulumi) {
    fs.mkdirSync(path.join(root, "node_modules", "@pulumi"));
    fs.symlinkSync(
      path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"),
      path.join(root, "node_modules", "@pulumi", "pulumi"),
      "dir",
    );
  }
  return { dir: path.join(pkg, "policy"), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
