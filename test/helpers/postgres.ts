/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp dir, started on a free port on 127.0.0.1 with
 * password authentication, stopped and deleted by `stop()` (or at process exit). The server binaries must be
 * installed (PG_BIN, a `pg_ctl` on PATH, or /usr/lib/postgresql/<version>/bin); nothing needs to be running.
 * PostgreSQL refuses to run as root, so when the tests run as root the cluster runs as the `postgres` OS user.
 * A missing installation fails the test; it never skips it.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports";

const run = promisify(execFile);

export interface Postgres {
  /** Connection URL with user, password, host, port and database, e.g. for PULUMI_BACKEND_URL. */
  url: string;
  port: number;
  /** The cluster's log file (read it when a test fails). */
  logFile: string;
  /** Runs SQL with psql and returns its unaligned, tuples-only output. */
  query(sql: string): Promise<string>;
  stop(): Promise<void>;
}

function findBinDir(): string {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const onPath = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).stdout.trim();
  // Debian links a few server binaries into PATH; the directory they link to has all of them.
  if (onPath) candidates.push(path.dirname(fs.realpathSync(onPath)));
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(root, v, "bin")));
  }
  const found = candidates.find((dir) => ["initdb", "pg_ctl", "psql"].every((b) => fs.existsSync(path.join(dir, b))));
  if (!found) {
    throw new Error(
      `PostgreSQL binaries (initdb, pg_ctl, psql) not found in ${candidates.join(", ") || "PG_BIN, PATH or /usr/lib/postgresql/*/bin"}; install PostgreSQL or set PG_BIN`,
    );
  }
  return found;
}

/** Runs a server binary, as the postgres OS user when we are root. */
function asServerUser(bin: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const full = { ...process.env, ...env };
  const isRoot = process.getuid?.() === 0;
  // runuser keeps the environment we pass (no login shell), so PGPASSWORD etc. reach the command.
  return isRoot
    ? run("runuser", ["-u", "postgres", "--", bin, ...args], { env: full, cwd: "/" })
    : run(bin, args, { env: full });
}

export async function startPostgres(): Promise<Postgres> {
  const bin = findBinDir();
  const isRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yeastar-pg-"));
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const user = "pulumi";
  const password = randomBytes(12).toString("hex");
  const pwfile = path.join(dir, "pwfile");
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (isRoot) {
    const pg = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    if (pg.status !== 0) throw new Error("running as root, but there is no `postgres` OS user to run PostgreSQL as");
    const uid = Number(pg.stdout.trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
    for (const p of [dir, pwfile]) fs.chownSync(p, uid, gid);
  }
  const stop = async () => {
    process.removeListener("exit", stopSync);
    if (fs.existsSync(path.join(data, "postmaster.pid"))) {
      await asServerUser(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]).catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies still stops its server.
  const stopSync = () => {
    if (fs.existsSync(path.join(data, "postmaster.pid"))) {
      const args = ["-D", data, "-m", "immediate", "-w", "stop"];
      const cmd = path.join(bin, "pg_ctl");
      if (isRoot) spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "ignore" });
      else spawnSync(cmd, args, { stdio: "ignore" });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", stopSync);
  try {
    await asServerUser(path.join(bin, "initdb"), [
      "-D",
      data,
      "-U",
      user,
      `--pwfile=${pwfile}`,
      "--auth-local=scram-sha-256",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--no-sync",
    ]);
    // A port found free can be taken before the server binds it; try a few.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      try {
        await asServerUser(path.join(bin, "pg_ctl"), [
          "-D",
          data,
          "-l",
          logFile,
          "-w",
          "-t",
          "60",
          "-o",
          `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
          "start",
        ]);
        const query = async (sql: string) => {
          const args = [
            "-h",
            "127.0.0.1",
            "-p",
            String(port),
            "-U",
            user,
            "-d",
            "postgres",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
          ];
          const { stdout } = await run(path.join(bin, "psql"), [...args, "-c", sql], {
            env: { ...process.env, PGPASSWORD: password },
          });
          return stdout;
        };
        return {
          url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres?sslmode=disable`,
          port,
          logFile,
          query,
          stop,
        };
      } catch (error) {
        lastError = error;
      }
    }
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").slice(-2000) : "";
    throw new Error(`PostgreSQL did not start: ${(lastError as Error).message}\n${log}`);
  } catch (error) {
    await stop();
    throw error;
  }
}
