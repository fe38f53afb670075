// Command pulumi-language-go is this project's Go language host for the Pulumi engine.
//
// The upstream Go language host is a separate Go module that the module proxy on our build machines does not
// serve, so the toolchain builds this small replacement (like pulumi-language-nodejs beside it). It implements the
// parts of the LanguageRuntime service that `pulumi preview/up/refresh/destroy/import` use with a Go program: Run
// builds the program with `go build` (the Go build cache makes later builds quick) and runs the binary with the
// engine's settings in the environment variables the Pulumi Go SDK reads (sdk/go/pulumi/run.go). A prebuilt
// program can be named with the `binary` runtime option instead. It reports no required plugins: the engine loads
// a resource plugin (pulumi-resource-yeastar) when the program first registers one of its resources. It does not
// generate code: `pulumi import` needs `--generate-code=false` with it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"yeastarpulumi/toolchain/langhost"
)

// version is set at build time to the CLI version this host is built with.
var version = "3.276.0"

type host struct {
	langhost.Base
}

func main() {
	// The engine may pass flags we do not use (for example -tracing or -root); accept and ignore them.
	langhost.Serve("pulumi-language-go", [][2]string{
		{"tracing", "ignored"},
		{"root", "ignored"},
		{"binary", "ignored (the runtime option `binary` is read from the program's info)"},
		{"buildTarget", "ignored"},
	}, func(engine string) pulumirpc.LanguageRuntimeServer {
		return &host{Base: langhost.Base{EngineAddress: engine, Version: version}}
	})
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: goBin, Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies downloads the program's modules (`go mod download`).
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetDirectory() //nolint:staticcheck // older engines only set this field
	if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		dir = info.GetProgramDirectory()
	}
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if len(out) > 0 {
		_ = stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: out})
	}
	return err
}

// program returns the binary to run: the `binary` runtime option, or the program built into a temporary folder.
func program(ctx context.Context, programDir string, opts map[string]any) (string, func(), string) {
	if v, ok := opts["binary"].(string); ok && v != "" {
		if !filepath.IsAbs(v) {
			v = filepath.Join(programDir, v)
		}
		return v, func() {}, ""
	}
	tmp, err := os.MkdirTemp("", "pulumi-go-program-")
	if err != nil {
		return "", func() {}, err.Error()
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	out := filepath.Join(tmp, "program")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = programDir
	if output, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", func() {}, fmt.Sprintf("building the Go program in %s failed: %v\n%s", programDir, err, output)
	}
	return out, cleanup, ""
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	pwd := req.GetPwd()
	programDir, rootDir := pwd, pwd
	if info != nil {
		if info.GetProgramDirectory() != "" {
			programDir = info.GetProgramDirectory()
		}
		if info.GetRootDirectory() != "" {
			rootDir = info.GetRootDirectory()
		}
	} else if req.GetProgram() != "" { //nolint:staticcheck // fallback for older engines
		programDir = req.GetProgram() //nolint:staticcheck
	}
	bin, cleanup, failure := program(ctx, programDir, langhost.OptionsOf(info))
	defer cleanup()
	if failure != "" {
		return &pulumirpc.RunResponse{Error: failure}, nil
	}

	configEnv, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	// The names the Pulumi Go SDK reads (sdk/go/pulumi/run.go: EnvMonitor, EnvEngine, ...).
	env := append(os.Environ(),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.EngineAddress,
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ROOT_DIRECTORY="+rootDir,
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
	)
	env = append(env, configEnv...)
	cmd := exec.CommandContext(ctx, bin, req.GetArgs()...)
	cmd.Dir = pwd
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = env
	return langhost.RunResponse(cmd.Run(), "the Go program"), nil
}
