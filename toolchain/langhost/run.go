package langhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitCodeAlreadyReported is what a program run by the Pulumi SDK (Node.js run scripts and Go alike) exits with
// after it has reported a user-facing error to the engine.
const exitCodeAlreadyReported = 32

// OptionsOf returns the program's runtime options (Pulumi.yaml `runtime.options`), empty when it has none.
func OptionsOf(info *pulumirpc.ProgramInfo) map[string]any {
	if info == nil || info.GetOptions() == nil {
		return map[string]any{}
	}
	return info.GetOptions().AsMap()
}

// ConfigEnv returns the stack's config and the names of its secret keys as the PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS variables the SDKs read.
func ConfigEnv(req *pulumirpc.RunRequest) ([]string, error) {
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(config), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretJSON)}, nil
}

// RunResponse is Run's answer for how the program's process ended (err from cmd.Run): a bail when the program has
// already reported its error, its exit code otherwise, or that `what` could not be started.
func RunResponse(err error, what string) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.ExitStatus() == exitCodeAlreadyReported {
			return &pulumirpc.RunResponse{Bail: true}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d",
			exitErr.ExitCode())}
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start %s: %v", what, err)}
}
