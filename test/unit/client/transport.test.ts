/**
 * The default transport (node-fetch + keep-alive agent) against a bare node:http server on loopback: connection
 * reuse, real timeouts, real resets and refused connections.
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { PATHS } from "../../../provider/api/catalog";
import { stringifyJson } from "../../../provider/api/json";
import { ApiError, NetworkError } from "../../../provider/client/errors";
import { PartnerClient } from "../../../provider/client/client";
import { CLIENT_ID, SECRET, envelope, fixtures, sampleOrder } from "./fake-api";

type Mode = "ok" | "hang" | "drop" | "redirect";

describe("client: default transport over loopback HTTP", () => {
  let server: http.Server;
  let baseUrl: string;
  let connections = 0;
  let mode: Mode = "ok";
  const seen: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const path = (req.url ?? "").split("?")[0];
        seen.push(`${req.method} ${path} ua=${req.headers["user-agent"]}`);
        if (path === PATHS.token) {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(envelope({ token: "canary-TOKEN-h", tokenHead: "Bearer ", expiresIn: "1800" })));
          return;
        }
        if (mode === "hang") return; // never answer
        if (mode === "redirect") {
          res.statusCode = 302;
          res.setHeader("location", "http://127.0.0.1:1/elsewhere");
          res.end();
          return;
        }
        if (mode === "drop") {
          req.socket.destroy();
          return;
        }
        const result =
          path === PATHS.orderSave ? fixtures.orderResult : path === PATHS.pbxUrlExisted ? false : fixtures.regions;
        res.setHeader("content-type", "application/json");
        res.end(stringifyJson(envelope(result), ["id", "pbxSubDomainId", "instanceId"]));
      });
    });
    server.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    mode = "ok";
    connections = 0;
    seen.length = 0;
  });

  function client(extra = {}): PartnerClient {
    return new PartnerClient({ baseUrl, clientId: CLIENT_ID, clientSecret: SECRET, retry: { retries: 0 }, ...extra });
  }

  it("reuses one keep-alive connection for sequential calls and sends the default User-Agent", async () => {
    const c = client();
    for (let i = 0; i < 10; i++) assert.equal(await c.isPbxUrlTaken("x.example"), false);
    await c.createOrder(sampleOrder());
    assert.equal(seen.length, 12);
    assert.equal(connections, 1);
    assert.ok(
      seen.every((s) => /ua=pulumi-yeastar-pseries\/\d+\.\d+\.\d+/.test(s)),
      seen.join("\n"),
    );
  });

  it("times out a request the server never answers", async () => {
    const c = client({ timeoutMs: 100 });
    await c.getToken();
    mode = "hang";
    const started = Date.now();
    const err = await c.listRegions().catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.match(err.reason, /timeout after 100 ms/);
    assert.ok(Date.now() - started < 2_000);
  });

  it("reports a connection dropped after the order was sent as ambiguous", async () => {
    const c = client();
    await c.getToken();
    mode = "drop";
    const err = await c.createOrder(sampleOrder()).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.ambiguous, true);
    assert.equal(c.stats.calls.orderSave, 1);
  });

  it("does not follow redirects (they could turn the order into a GET or carry the token elsewhere)", async () => {
    const c = client();
    await c.getToken();
    mode = "redirect";
    const err = await c.createOrder(sampleOrder()).catch((e: unknown) => e);
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.code, "http_302");
    assert.equal(err.ambiguous, true);
    assert.equal(seen.filter((s) => s.includes(PATHS.orderSave)).length, 1);
  });

  it("reports a refused connection on the order as definite", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = new PartnerClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      retry: { retries: 0 },
      // Skip the token request so the order itself meets the refused connection.
      fetch: async (url, init) => {
        if (url.endsWith(PATHS.token)) {
          return {
            status: 200,
            headers: { get: () => null },
            text: async () => JSON.stringify(envelope({ token: "canary-TOKEN-x", expiresIn: "1800" })),
          };
        }
        const { defaultFetch } = await import("../../../provider/client/transport");
        return defaultFetch(url, init);
      },
    });
    const err = await c.createOrder(sampleOrder()).catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.match(err.reason, /ECONNREFUSED/);
    assert.equal(err.ambiguous, false);
  });
});
