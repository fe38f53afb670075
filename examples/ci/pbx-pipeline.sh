#!/bin/sh
# The command sequence of the CI recipes in this folder (github-actions.yml, gitlab-ci.yml), kept in one script
# so that CI and the end-to-end test (test/e2e/ci-recipe.test.ts) run the same commands. Run it from the Pulumi
# project's directory, with this package installed in node_modules.
#
#   sh pbx-pipeline.sh preview   pull request: preview with the policy pack, write the purchase summary
#   sh pbx-pipeline.sh deploy    main branch: pulumi up, then a refreshed preview that must show no changes
#
# Environment (from CI secrets and variables; nothing here is printed):
#   PULUMI_STACK                stack to preview or deploy (required)
#   PULUMI_BACKEND_URL          the shared state backend, e.g. postgres://user:password@host:5432/db or s3://bucket
#   PULUMI_CONFIG_PASSPHRASE    the stack's secrets passphrase
#   PULUMI_SKIP_CHECKPOINTS     default true here: the CLI's large-fleet mode (see below)
#   YEASTAR_CLIENT_ID, YEASTAR_CLIENT_SECRET, YEASTAR_BASE_URL (optional)   Partner Portal API credentials
#   POLICY_PACK                 policy pack directory (default: the pack shipped with this package)
#   POLICY_CONFIG               policy pack config file (optional)
#   PLAN_FLAGS                  gates for the summary, e.g. "--max-total 5000" or "--fail-on-purchase" (optional)
#   OUT_DIR                     where preview.json, preview.log and summary.md go (default: .pulumi-ci)
#
# Exit codes: preview: the summary's: 0 fine, 1 a gate in PLAN_FLAGS failed, 3 the preview failed, printed nothing
# or was cut off (the comment says so, never "nothing to buy"), 2 or another the summary could not be made (a bad
# flag in PLAN_FLAGS); deploy: pulumi up's, else the drift gate's (non-zero: changes or errors).
set -u

# Large-fleet mode (docs/performance.md, "Large fleets"), unless the job set PULUMI_SKIP_CHECKPOINTS itself: with a file, S3 or
# PostgreSQL backend the CLI otherwise rewrites the whole stack state after every PBX it buys or changes, so a
# run's time grows with the square of the fleet (`up` of 1,000 PBXs: 145 s, against 19 s in this mode). Safe with
# this package: it decides orders from what the portal says, not from state, so a run killed before its one state
# write at the end buys nothing twice on the next run.
PULUMI_SKIP_CHECKPOINTS=${PULUMI_SKIP_CHECKPOINTS:-true}
export PULUMI_SKIP_CHECKPOINTS

: "${PULUMI_STACK:?set PULUMI_STACK to the stack to preview or deploy}"
PKG=node_modules/pulumi-yeastar-pseries
PLAN="node $PKG/dist/provider/cli/plan-main.js"
POLICY_PACK=${POLICY_PACK:-$PKG/policy}
OUT_DIR=${OUT_DIR:-.pulumi-ci}
mkdir -p "$OUT_DIR"

policy_args() {
  set -- --policy-pack "$POLICY_PACK"
  [ -n "${POLICY_CONFIG:-}" ] && set -- "$@" --policy-pack-config "$POLICY_CONFIG"
  printf '%s\n' "$@"
}

case "${1:-}" in
preview)
  # Streamed engine events carry the policy violations; the default `--json` digest leaves them out.
  # shellcheck disable=SC2046 # one argument per line, paths without spaces
  PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true pulumi preview --json --non-interactive --stack "$PULUMI_STACK" \
    $(policy_args) >"$OUT_DIR/preview.json" 2>"$OUT_DIR/preview.log"
  preview=$?
  # The summary is told pulumi's exit status: a failed preview is never summarized as a plan (exit 3).
  # shellcheck disable=SC2086 # PLAN_FLAGS holds several flags
  $PLAN "$OUT_DIR/preview.json" --preview-exit-code "$preview" ${PLAN_FLAGS:-} >"$OUT_DIR/summary.md"
  plan=$?
  case "$plan" in
  0 | 1 | 3) ;; # the summary says what happened, a failed or unreadable preview included
  *)
    printf '%s\n### Yeastar PBX purchases\n\n**No purchase summary: the summary command failed (exit %s: a bad option in PLAN_FLAGS, or see the job log). What `pulumi up` would buy is not known.**\n' \
      "<!-- yeastar-pseries-plan -->" "$plan" >"$OUT_DIR/summary.md"
    ;;
  esac
  cat "$OUT_DIR/summary.md"
  if [ "$preview" -ne 0 ]; then
    echo "pulumi preview failed (exit $preview):" >&2
    cat "$OUT_DIR/preview.log" >&2
    # The job fails as a failed preview, whatever the summary said.
    case "$plan" in 0 | 1) plan=3 ;; esac
  fi
  exit "$plan"
  ;;
deploy)
  # shellcheck disable=SC2046
  pulumi up --yes --non-interactive --stack "$PULUMI_STACK" $(policy_args) || exit $?
  # Drift gate: the program, the state and the Partner Portal (through refresh) must agree after the update.
  # --run-program: the refresh uses this job's yeastar:* config, not the one the state recorded (a rotated secret,
  # a moved base URL; docs/troubleshooting.md).
  pulumi preview --expect-no-changes --refresh --run-program --non-interactive --stack "$PULUMI_STACK"
  ;;
*)
  echo "usage: sh pbx-pipeline.sh preview|deploy" >&2
  exit 2
  ;;
esac
