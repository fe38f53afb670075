#!/bin/sh
# Runs a command with the project's toolchain (node >= 22, pulumi, the Node.js language host and the
# dynamic-provider plugin) on PATH:
#   sh scripts/toolchain.sh <command> [args...]
# or prints a PATH assignment for your own shell (sh, bash, zsh):
#   eval "$(sh scripts/toolchain.sh --env)"
# With --yaml first (sh scripts/toolchain.sh --yaml ..., or --yaml --env) it also sets up the Pulumi YAML language
# host, which only Pulumi YAML programs need (examples/yaml and the tests that run it); without it a host already on
# PATH or built earlier is used, and none is built. --go does the same for the Go language host (Go programs:
# examples/go and the test that runs it).
# scripts/setup.sh does the work; it is meant to be run through this script, not sourced on its own.
set -eu
YP_ROOT=$(cd "$(dirname "$0")/.." && pwd)
YP_WITH_YAML=
YP_WITH_GO=
while :; do
	case "${1:-}" in
	--yaml) YP_WITH_YAML=1 ;;
	--go) YP_WITH_GO=1 ;;
	*) break ;;
	esac
	shift
done
. "$YP_ROOT/scripts/setup.sh"
if [ "${1:-}" = "--env" ]; then
	# Single-quoted for the shell that evals it; a quote inside PATH is closed, escaped and reopened.
	printf "PATH='%s'; export PATH\n" "$(printf '%s' "$PATH" | sed "s/'/'\\\\''/g")"
	exit 0
fi
if [ "$#" -eq 0 ]; then
	echo "usage: sh scripts/toolchain.sh [--yaml] [--go] <command> [args...]   or   eval \"\$(sh scripts/toolchain.sh [--yaml] [--go] --env)\"" >&2
	exit 2
fi
exec "$@"
