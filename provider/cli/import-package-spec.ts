/**
 * Which dependency spec a program written by `yeastar-pseries import --program` gets for this package.
 *
 * The package is not published to a registry, so a bare version range (`^0.1.0`) would make `npm install` ask
 * the registry for a name that is not ours to rely on. The program depends on the very package the command ran
 * from instead: the tarball, git commit, URL or folder the calling project installed it from (read from that
 * project's lockfile, else its package.json), or, run from a clone or a linked package, that folder. When none of
 * these can be told, the command refuses and says how to choose (`--package-spec`).
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "pulumi-yeastar-pseries";

/** What is known of how the running package got where it is. */
export interface InstallFacts {
  /** The package's own folder, symlinks resolved. */
  packageRoot: string;
  /**
   * Set when the package sits in a project's node_modules: that project's folder, the lockfile's `resolved` of the
   * package, and the spec its package.json asks for, when they exist.
   */
  installedIn?: { projectDir: string; resolved?: string; spec?: string };
}

export type SpecDecision = { spec: string; source: string } | { refuse: string };

const REMOTE = /^(git\+|git:|github:|gitlab:|bitbucket:|gist:|https?:)/;

/** `file:` spec for `target`, relative to the folder of the program's package.json (npm reads it so). */
function fileSpec(programDir: string, target: string): string {
  let rel = path.relative(programDir, target).split(path.sep).join("/");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return `file:${rel}`;
}

/** A spec written in `projectDir`'s package.json or lockfile, as the program in `programDir` must write it. */
function rebase(
  spec: string,
  projectDir: string,
  programDir: string,
  exists: (file: string) => boolean,
): string | undefined {
  if (REMOTE.test(spec)) return spec;
  const local = spec.startsWith("file:") ? spec.slice("file:".length) : /^(\.{1,2}\/|\/)/.test(spec) ? spec : "";
  if (!local) return undefined;
  const target = path.resolve(projectDir, local);
  return exists(target) ? fileSpec(programDir, target) : undefined;
}

/**
 * The spec for the program in `programDir`, or why none can be chosen. Pure but for `exists`, which tells whether
 * a local tarball or folder is still there (a moved tarball is no answer).
 */
export function dependencySpec(
  facts: InstallFacts,
  programDir: string,
  exists: (file: string) => boolean = fs.existsSync,
): SpecDecision {
  const how =
    `pass --package-spec with what you installed ${PACKAGE_NAME} from: its tarball (file:/path/to/${PACKAGE_NAME}-<version>.tgz), ` +
    `a git URL at a tag or commit, or a folder holding the built package`;
  const installed = facts.installedIn;
  if (!installed) {
    return {
      spec: fileSpec(programDir, facts.packageRoot),
      source: `the folder this command ran from, ${facts.packageRoot}`,
    };
  }
  for (const [value, where] of [
    [installed.resolved, `${installed.projectDir}'s lockfile`],
    [installed.spec, `${installed.projectDir}/package.json`],
  ] as const) {
    if (!value) continue;
    const spec = rebase(value, installed.projectDir, programDir, exists);
    if (spec) return { spec, source: `what ${where} installed it from, ${value}` };
  }
  const asked = installed.spec ? ` (its package.json asks for ${JSON.stringify(installed.spec)})` : "";
  return {
    refuse:
      `cannot tell where ${PACKAGE_NAME} was installed from in ${installed.projectDir}${asked}, and it is not ` +
      `published to a registry, so the program would depend on a name nobody can install; ${how}`,
  };
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads how the package at `packageRoot` (this package's folder by default) was installed. */
export function installFacts(packageRoot = path.resolve(__dirname, "..", "..", "..")): InstallFacts {
  const root = fs.realpathSync(packageRoot);
  const parts = root.split(path.sep);
  const at = parts.indexOf("node_modules");
  if (at < 0) return { packageRoot: root };
  const projectDir = parts.slice(0, at).join(path.sep) || path.sep;
  const key = parts.slice(at).join("/");
  let resolved: string | undefined;
  for (const lock of ["package-lock.json", path.join("node_modules", ".package-lock.json")]) {
    const entry = (readJson(path.join(projectDir, lock))?.packages as Record<string, { resolved?: unknown }>)?.[key];
    if (typeof entry?.resolved === "string") {
      resolved = entry.resolved;
      break;
    }
  }
  const pkg = readJson(path.join(projectDir, "package.json"));
  let spec: string | undefined;
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
    const value = (pkg?.[field] as Record<string, unknown> | undefined)?.[PACKAGE_NAME];
    if (typeof value === "string") {
      spec = value;
      break;
    }
  }
  return {
    packageRoot: root,
    installedIn: { projectDir, ...(resolved ? { resolved } : {}), ...(spec ? { spec } : {}) },
  };
}

/**
 * A spec given with `--package-spec`: a tarball, folder, git URL or tarball URL. A bare version range or tag
 * would be looked up by name on a registry, where this package is not published: refused.
 */
export function givenSpecProblem(spec: string): string | undefined {
  if (REMOTE.test(spec) || spec.startsWith("file:") || /^(\.{1,2}\/|\/)/.test(spec)) return undefined;
  return (
    `--package-spec ${JSON.stringify(spec)} would be looked up by name on a registry, where ${PACKAGE_NAME} is not ` +
    `published; give a tarball (file:/path/to/${PACKAGE_NAME}-<version>.tgz), a folder, or a git URL at a tag or commit`
  );
}
