/** The inputs of the bench's PBX number `i`: one place for scripts/bench-program.ts and its SDK floor. */
export function benchPbxArgs(i: number, extensions: number) {
  return {
    pbxName: `Bench customer ${i}`,
    subdomain: `bench-${i}`,
    region: "Europe",
    plan: "enterprise" as const,
    extensions,
    billingCycle: "annually" as const,
    billingContact: "ap@acme.example",
  };
}
