// Command pulumi-language-nodejs is this project's Node.js language host for the Pulumi engine.
//
// The upstream language host is a separate Go module that the module proxy on our build machines does not
// serve, so the toolchain builds this small replacement instead. It implements the parts of the
// LanguageRuntime service that `pulumi preview/up/refresh/destroy` and `--policy-pack` use with a Node.js
// program: it starts `@pulumi/pulumi/cmd/run` (programs) and `@pulumi/pulumi/cmd/run-policy-pack` (policy
// packs) from the program's own node_modules with the engine's settings. It reports no required plugins:
// dynamic providers are served by the `pulumi-resource-pulumi-nodejs` script found on PATH.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"yeastarpulumi/toolchain/langhost"
)

// version is set at build time to the CLI version this host is built with.
var version = "3.276.0"

type host struct {
	langhost.Base
}

func main() {
	// The engine may pass flags we do not use (for example -tracing or -root); accept and ignore them.
	langhost.Serve("pulumi-language-nodejs", [][2]string{
		{"tracing", "ignored"},
		{"root", "ignored"},
		{"binary", "ignored"},
		{"typescript", "ignored"},
		{"nodeargs", "ignored"},
		{"packagemanager", "ignored"},
	}, func(engine string) pulumirpc.LanguageRuntimeServer {
		return &host{Base: langhost.Base{EngineAddress: engine, Version: version}}
	})
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies runs `npm install` in the program's root directory.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetDirectory() //nolint:staticcheck // older engines only set this field
	if info := req.GetInfo(); info != nil && info.GetRootDirectory() != "" {
		dir = info.GetRootDirectory()
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if len(out) > 0 {
		_ = stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: out})
	}
	return err
}

// findSDKScript looks for node_modules/@pulumi/pulumi/<rel> in dir and each of its parents, the way Node
// resolves packages, so a program uses the SDK copy it was installed with.
func findSDKScript(dir, rel string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", "@pulumi", "pulumi", rel)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("@pulumi/pulumi is not installed for %s (looked for node_modules/@pulumi/pulumi/%s "+
		"there and in every parent directory); run `npm install` in the project", abs, rel)
}

func programEnv(opts map[string]any) []string {
	env := os.Environ()
	typescript := true
	if v, ok := opts["typescript"].(bool); ok {
		typescript = v
	}
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(typescript))
	if v, ok := opts["tsconfig"].(string); ok && v != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+v)
	}
	return env
}

func nodeArgs(opts map[string]any) []string {
	if v, ok := opts["nodeargs"].(string); ok && v != "" {
		return strings.Fields(v)
	}
	return nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	pwd := req.GetPwd()
	programDir, entry := pwd, "."
	rootDir := pwd
	if info != nil {
		if info.GetProgramDirectory() != "" {
			programDir = info.GetProgramDirectory()
		}
		if info.GetEntryPoint() != "" {
			entry = info.GetEntryPoint()
		}
		if info.GetRootDirectory() != "" {
			rootDir = info.GetRootDirectory()
		}
	} else if req.GetProgram() != "" { //nolint:staticcheck // fallback for older engines
		programDir = req.GetProgram() //nolint:staticcheck
	}
	runScript, err := findSDKScript(programDir, filepath.Join("cmd", "run"))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	opts := langhost.OptionsOf(info)
	args := append(nodeArgs(opts), runScript)
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.EngineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", pwd)
	add("root-directory", rootDir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, filepath.Join(programDir, entry))
	args = append(args, req.GetArgs()...)

	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = pwd
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(programEnv(opts), configEnv...)
	return langhost.RunResponse(cmd.Run(), "node"), nil
}

// streamWriter forwards a child's output to the engine as RunPlugin messages.
type streamWriter struct {
	mu     *sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	data := append([]byte(nil), p...)
	msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: data}}
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: data}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stream.Send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

var _ io.Writer = streamWriter{}

// RunPlugin starts a plugin written in Node.js; the engine uses it for policy packs (kind "analyzer").
func (h *host) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	info := req.GetInfo()
	programDir := req.GetPwd()
	entry := "."
	if info != nil {
		if info.GetProgramDirectory() != "" {
			programDir = info.GetProgramDirectory()
		}
		if info.GetEntryPoint() != "" {
			entry = info.GetEntryPoint()
		}
	} else if req.GetProgram() != "" { //nolint:staticcheck // fallback for older engines
		programDir = req.GetProgram() //nolint:staticcheck
	}
	var script string
	switch req.GetKind() {
	case "analyzer":
		script = filepath.Join("cmd", "run-policy-pack")
	case "resource", "":
		script = filepath.Join("cmd", "run-plugin")
	default:
		return status.Errorf(codes.Unimplemented, "plugins of kind %q are not supported", req.GetKind())
	}
	path, err := findSDKScript(programDir, script)
	if err != nil {
		return err
	}
	opts := langhost.OptionsOf(info)
	args := append(nodeArgs(opts), path)
	args = append(args, req.GetArgs()...)
	args = append(args, filepath.Join(programDir, entry))

	cmd := exec.Command("node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(programEnv(opts), req.GetEnv()...)
	mu := &sync.Mutex{}
	cmd.Stdout = streamWriter{mu: mu, stream: stream}
	cmd.Stderr = streamWriter{mu: mu, stream: stream, stderr: true}
	code := int32(0)
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = int32(exitErr.ExitCode())
	}
	return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}
