// Command gen-go-sdk generates the Go SDK of this project's native provider plugin from its package schema, with
// Pulumi's own Go code generator (pkg/codegen/go). scripts/lib/go-sdk.ts runs it (`npm run gen:go-sdk`), and
// test/e2e/go-sdk.test.ts checks that the committed SDK (sdk/go/yeastar) is what it generates.
//
//	gen-go-sdk <schema.json> <out dir>
//
// The schema's `language.go.importBasePath` is the SDK's module path and the out dir the module's root (its go.mod
// is written by scripts/lib/go-sdk.ts, which completes it with `go mod tidy`).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noOtherPackages is the schema loader: the plugin's schema refers to no other package, so any lookup is an error.
type noOtherPackages struct{}

func (noOtherPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it may refer to no other package", name)
}

func (l noOtherPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen-go-sdk <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "gen-go-sdk: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, outDir string) error {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s is not a package schema: %w", schemaPath, err)
	}
	var goInfo gogen.GoPackageInfo
	if raw, ok := spec.Language["go"]; ok {
		if err := json.Unmarshal(raw, &goInfo); err != nil {
			return fmt.Errorf("language.go of %s: %w", schemaPath, err)
		}
	}
	if goInfo.ImportBasePath == "" {
		return fmt.Errorf("%s has no language.go.importBasePath (the Go module path of the SDK)", schemaPath)
	}
	pkg, diags, err := schema.BindSpec(spec, noOtherPackages{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("the schema does not bind: %s", diags.Error())
	}
	files, err := gogen.GeneratePackage("pulumi-yeastar-pseries gen-go-sdk", pkg, nil)
	if err != nil {
		return err
	}
	// The generator writes the root package under a folder named after it; that folder is the module root here.
	prefix := goInfo.RootPackageName
	if prefix == "" {
		prefix = pkg.Name
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		rel, ok := strings.CutPrefix(name, prefix+"/")
		if !ok {
			rel = name
		}
		if err := write(filepath.Join(outDir, filepath.FromSlash(rel)), files[name]); err != nil {
			return err
		}
	}
	return nil
}

func write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
