/**
 * The admin surface over HTTP under /__admin/, for tests and scripts that run the sandbox out of process. It is
 * not part of the simulated API: no User-Agent or token needed, no latency, no faults, not counted. Replies are
 * plain JSON (IDs as strings), not the Partner Portal envelope.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { AdminError, type Simulator } from "./simulator";
import type { SeedRegion } from "./seeds";
import type {
  ConfigPatch,
  ExtensionSeed,
  FaultSpec,
  Price,
  StoredExtension,
  StoredInboundRoute,
  StoredProduct,
} from "./types";

function send(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send(JSON.stringify(value));
}

export function registerAdminRoutes(app: FastifyInstance, sim: Simulator): void {
  const run = (reply: FastifyReply, action: () => unknown) => {
    try {
      return send(reply, 200, action() ?? { ok: true });
    } catch (error) {
      const status = error instanceof AdminError ? error.status : 500;
      return send(reply, status, { error: (error as Error).message });
    }
  };

  app.get("/__admin/stats", (_req, reply) => run(reply, () => sim.stats()));
  app.post("/__admin/reset", (_req, reply) => run(reply, () => sim.reset()));
  app.post("/__admin/reset-counters", (_req, reply) => run(reply, () => sim.resetCounters()));
  app.post("/__admin/faults", (req, reply) => run(reply, () => sim.addFault(req.body as FaultSpec)));
  app.delete("/__admin/faults", (_req, reply) => run(reply, () => sim.clearFaults()));
  app.post("/__admin/config", (req, reply) => run(reply, () => sim.setConfig(req.body as ConfigPatch)));
  app.get("/__admin/products", (_req, reply) => run(reply, () => sim.products()));
  app.get("/__admin/users", (_req, reply) => run(reply, () => sim.users()));
  app.patch("/__admin/products/:productNo", (req, reply) =>
    run(reply, () => {
      const { productNo } = req.params as { productNo: string };
      sim.updateProduct(productNo, req.body as Partial<StoredProduct>);
      return sim.products().find((p) => p.productNo === productNo);
    }),
  );
  app.delete("/__admin/products/:productNo", (req, reply) =>
    run(reply, () => sim.deleteProduct((req.params as { productNo: string }).productNo)),
  );
  app.post("/__admin/expire-tokens", (_req, reply) => run(reply, () => sim.expireTokens()));
  app.get("/__admin/tokens", (_req, reply) => run(reply, () => sim.issuedTokens()));
  app.put("/__admin/regions", (req, reply) => run(reply, () => sim.setRegions(req.body as SeedRegion[])));
  // A PBX's extensions (its own API, sandbox/pbx-routes.ts): list, seed one (PUT, by its number), change one.
  app.get("/__admin/pbx/:pbxUrl/extensions", (req, reply) =>
    run(reply, () => sim.extensions((req.params as { pbxUrl: string }).pbxUrl)),
  );
  app.put("/__admin/pbx/:pbxUrl/extensions", (req, reply) =>
    run(reply, () => sim.putExtension((req.params as { pbxUrl: string }).pbxUrl, req.body as ExtensionSeed)),
  );
  app.patch("/__admin/pbx/:pbxUrl/extensions/:number", (req, reply) =>
    run(reply, () => {
      const { pbxUrl, number } = req.params as { pbxUrl: string; number: string };
      return sim.updateExtension(pbxUrl, number, req.body as Partial<StoredExtension>);
    }),
  );
  // A PBX's inbound routes (list, change one by its name) and trunks (list, add one: {"name": ...}).
  app.get("/__admin/pbx/:pbxUrl/inbound-routes", (req, reply) =>
    run(reply, () => sim.inboundRoutes((req.params as { pbxUrl: string }).pbxUrl)),
  );
  app.patch("/__admin/pbx/:pbxUrl/inbound-routes/:name", (req, reply) =>
    run(reply, () => {
      const { pbxUrl, name } = req.params as { pbxUrl: string; name: string };
      return sim.updateInboundRoute(pbxUrl, name, req.body as Partial<StoredInboundRoute>);
    }),
  );
  app.get("/__admin/pbx/:pbxUrl/trunks", (req, reply) =>
    run(reply, () => sim.trunks((req.params as { pbxUrl: string }).pbxUrl)),
  );
  app.put("/__admin/pbx/:pbxUrl/trunks", (req, reply) =>
    run(reply, () =>
      sim.putTrunk((req.params as { pbxUrl: string }).pbxUrl, (req.body as { name?: string })?.name as string),
    ),
  );
  app.put("/__admin/prices", (req, reply) => run(reply, () => sim.setPrices(req.body as Record<string, Price>)));
}
