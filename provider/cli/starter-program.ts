/**
 * The parts of a starter Pulumi TypeScript program that `yeastar-pseries import` and `import-extensions` both
 * write: its files, `package.json` (naming this package as `import-package-spec.ts` decides), `tsconfig.json`, and
 * the checks of the flags that shape them, made before anything is read or written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_NAME, dependencySpec, givenSpecProblem, installFacts } from "./import-package-spec";
import { UsageError, nonEmpty } from "./usage";

const PROJECT_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export const PROGRAM_FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"] as const;

export function programFiles(dir: string): string[] {
  return PROGRAM_FILES.map((f) => path.join(dir, f));
}

export function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Refuses, before anything is written, to overwrite any of `targets` without --force. */
export function assertNoOverwrite(targets: readonly string[], force: boolean): void {
  if (force) return;
  const existing = targets.filter((f) => fs.existsSync(f));
  if (existing.length > 0) {
    throw new UsageError(`would overwrite ${existing.join(", ")}; remove them, choose other paths or add --force`);
  }
}

/** The project name for DIR/Pulumi.yaml (--project-name), checked; it and --package-spec need --program. */
export function projectNameOf(
  values: { "project-name"?: string; "package-spec"?: string },
  programDir: string | undefined,
  fallback: string,
): string {
  const projectName = nonEmpty("project-name", values["project-name"]) ?? fallback;
  if (!PROJECT_NAME.test(projectName)) {
    throw new UsageError(
      `--project-name ${JSON.stringify(projectName)} is not a valid Pulumi project name; use letters, digits, "_", "." and "-"`,
    );
  }
  if (values["project-name"] !== undefined && programDir === undefined) {
    throw new UsageError("--project-name needs --program DIR");
  }
  if (values["package-spec"] !== undefined && programDir === undefined) {
    throw new UsageError("--package-spec needs --program DIR");
  }
  return projectName;
}

/** How DIR/package.json names this package; a program nobody can `npm install` is refused before anything is read. */
export function packageSpecOf(given: string | undefined, programPath: string): { spec: string; source: string } {
  const flag = nonEmpty("package-spec", given);
  const problem = flag === undefined ? undefined : givenSpecProblem(flag);
  if (problem) throw new UsageError(problem);
  const decided = flag ? { spec: flag, source: "--package-spec" } : dependencySpec(installFacts(), programPath);
  if ("refuse" in decided) throw new UsageError(`--program: ${decided.refuse}`);
  return decided;
}

/** `file` as the program in `dir` reads it: relative, with forward slashes, starting with ".". */
export function relativeToProgram(dir: string, file: string): string {
  const relative = path.relative(dir, file).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

function sdkRange(): string {
  try {
    return `^${(require("@pulumi/pulumi/package.json") as { version: string }).version}`;
  } catch {
    return "^3.100.0";
  }
}

export function packageJsonText(projectName: string, packageSpec: string): string {
  return `${JSON.stringify(
    {
      name: projectName.toLowerCase(),
      private: true,
      main: "index.ts",
      dependencies: { "@pulumi/pulumi": sdkRange(), [PACKAGE_NAME]: packageSpec },
      devDependencies: { "@types/node": "^22.0.0", typescript: "^5.9.0" },
    },
    null,
    2,
  )}\n`;
}

export function tsconfigText(): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
      },
      files: ["index.ts"],
    },
    null,
    2,
  )}\n`;
}

/**
 * Pulumi.yaml's lines that make the CLI find this package's native provider plugin in the program's node_modules
 * (docs/yaml-and-sdks.md): what a program needs that declares a type of the plugin, `yeastar:index:...`.
 */
export const NATIVE_PLUGIN_YAML = `plugins:
  providers:
    - name: yeastar
      path: node_modules/${PACKAGE_NAME}/bin
`;

/**
 * Writes the four files of a program: Pulumi.yaml (with `description`, and `pulumiYaml`'s lines after the
 * runtime), package.json, tsconfig.json and index.ts.
 */
export function writeProgram(
  dir: string,
  parts: { projectName: string; description: string; packageSpec: string; index: string; pulumiYaml?: string },
): void {
  const [pulumiYaml, packageJson, tsconfig, index] = programFiles(dir);
  writeFile(
    pulumiYaml,
    `name: ${parts.projectName}\ndescription: ${parts.description}\nruntime: nodejs\n${parts.pulumiYaml ?? ""}`,
  );
  writeFile(packageJson, packageJsonText(parts.projectName, parts.packageSpec));
  writeFile(tsconfig, tsconfigText());
  writeFile(index, parts.index);
}
