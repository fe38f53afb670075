/**
 * A trivial dynamic resource for the toolchain smoke test: it records its inputs and counts its operations in
 * a file named by config, so the test can see what the CLI really did.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const ledger = config.require("ledger");

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    require("fs").appendFileSync(inputs.ledger, "create\n");
    return { id: `thing-${inputs.value}`, outs: inputs };
  },
  async delete(_id, props) {
    require("fs").appendFileSync(props.ledger, "delete\n");
    await require("@pulumi/pulumi").log.warn("smoke resource deleted");
  },
};

class Thing extends pulumi.dynamic.Resource {
  constructor(name: string, props: { value: number; ledger: string }) {
    super(provider, name, props, {}, "smoke", "Thing");
  }
}

const thing = new Thing("thing", { value: 42, ledger });
export const value = thing.id;
