/**
 * The dependency a program written by `yeastar-pseries import --program` gets for this package: what the command
 * was installed from, never a bare name a registry would be asked for.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dependencySpec, givenSpecProblem, installFacts } from "../../../provider/cli/import-package-spec";

describe("import --program: the dependency on this package", function () {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-spec-")));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A project that installed the package, as npm leaves it. */
  function project(pkgSpec: string | undefined, resolved: string | undefined): string {
    const dir = path.join(tmp, "my-pbxs");
    const installed = path.join(dir, "node_modules", "pulumi-yeastar-pseries");
    fs.mkdirSync(installed, { recursive: true });
    fs.writeFileSync(path.join(installed, "package.json"), '{"name":"pulumi-yeastar-pseries","version":"0.1.0"}');
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "my-pbxs", dependencies: pkgSpec ? { "pulumi-yeastar-pseries": pkgSpec } : {} }),
    );
    if (resolved !== undefined) {
      fs.writeFileSync(
        path.join(dir, "package-lock.json"),
        JSON.stringify({
          lockfileVersion: 3,
          packages: { "node_modules/pulumi-yeastar-pseries": { version: "0.1.0", resolved } },
        }),
      );
    }
    return installed;
  }

  it("installed from a tarball: the same tarball, relative to the new program", function () {
    const tarball = path.join(tmp, "pulumi-yeastar-pseries-0.1.0.tgz");
    fs.writeFileSync(tarball, "");
    const installed = project(`file:../pulumi-yeastar-pseries-0.1.0.tgz`, "file:../pulumi-yeastar-pseries-0.1.0.tgz");
    const facts = installFacts(installed);
    assert.deepEqual(facts.installedIn, {
      projectDir: path.join(tmp, "my-pbxs"),
      resolved: "file:../pulumi-yeastar-pseries-0.1.0.tgz",
      spec: "file:../pulumi-yeastar-pseries-0.1.0.tgz",
    });
    const decided = dependencySpec(facts, path.join(tmp, "my-pbxs", "fleet"));
    assert.ok("spec" in decided, JSON.stringify(decided));
    assert.equal(decided.spec, "file:../../pulumi-yeastar-pseries-0.1.0.tgz");
    assert.equal(
      path.resolve(tmp, "my-pbxs", "fleet", decided.spec.slice("file:".length)),
      tarball,
      "the spec points at the tarball the project installed",
    );
  });

  it("installed from git: the commit the lockfile pinned; without a lockfile, the package.json spec", function () {
    const pinned = "git+ssh://git@git.example/acme/pulumi-yeastar-pseries.git#0123456789abcdef0123456789abcdef01234567";
    const withLock = installFacts(project("git+ssh://git@git.example/acme/pulumi-yeastar-pseries.git#v0.1.0", pinned));
    assert.deepEqual(dependencySpec(withLock, path.join(tmp, "fleet")), {
      spec: pinned,
      source: `what ${path.join(tmp, "my-pbxs")}'s lockfile installed it from, ${pinned}`,
    });
    fs.rmSync(path.join(tmp, "my-pbxs"), { recursive: true });
    const noLock = installFacts(project("github:acme/pulumi-yeastar-pseries#v0.1.0", undefined));
    const decided = dependencySpec(noLock, path.join(tmp, "fleet"));
    assert.ok("spec" in decided);
    assert.equal(decided.spec, "github:acme/pulumi-yeastar-pseries#v0.1.0");
  });

  it("run from a clone or a linked folder: that folder", function () {
    const clone = path.join(tmp, "clone");
    fs.mkdirSync(clone);
    const facts = installFacts(clone);
    assert.equal(facts.installedIn, undefined);
    const decided = dependencySpec(facts, path.join(tmp, "work", "fleet"));
    assert.ok("spec" in decided);
    assert.equal(decided.spec, "file:../../clone");
    // A link in a project's node_modules is the folder it points to.
    const dir = path.join(tmp, "linked", "node_modules");
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(clone, path.join(dir, "pulumi-yeastar-pseries"), "dir");
    assert.deepEqual(installFacts(path.join(dir, "pulumi-yeastar-pseries")), { packageRoot: clone });
  });

  it("a bare version range, or a tarball that is gone: refuses, and says how to choose", function () {
    const ranged = installFacts(project("^0.1.0", undefined));
    const refused = dependencySpec(ranged, path.join(tmp, "fleet"));
    assert.ok("refuse" in refused, JSON.stringify(refused));
    assert.match(refused.refuse, /not published to a registry/);
    assert.match(refused.refuse, /"\^0\.1\.0"/);
    assert.match(refused.refuse, /--package-spec/);
    fs.rmSync(path.join(tmp, "my-pbxs"), { recursive: true });
    const moved = installFacts(project("file:../gone.tgz", "file:../gone.tgz"));
    assert.ok("refuse" in dependencySpec(moved, path.join(tmp, "fleet")));
  });

  it("--package-spec takes a tarball, folder or git URL, never a bare range or tag", function () {
    for (const ok of ["file:../x.tgz", "../pkg", "/abs/pkg", "git+https://git.example/a/b.git#v1", "github:a/b"]) {
      assert.equal(givenSpecProblem(ok), undefined, ok);
    }
    for (const bad of ["^0.1.0", "latest", "0.1.0", "pulumi-yeastar-pseries@0.1.0"]) {
      assert.match(givenSpecProblem(bad) ?? "", /not published/, bad);
    }
  });
});
