// Two PBXs declared with the Go SDK of the native provider plugin (sdk/go/yeastar): the same PBXs as
// examples/yaml. `pulumi config set hqExtensions 60` raises the HQ PBX by one Extension Expansion order.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"pulumi-yeastar-pseries/sdk/go/yeastar"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		hqExtensions := 50
		if v, err := cfg.TryInt("hqExtensions"); err == nil {
			hqExtensions = v
		}
		hq, err := yeastar.NewPSeriesCloudPbx(ctx, "globex-hq", &yeastar.PSeriesCloudPbxArgs{
			PbxName:          pulumi.String("Globex HQ"),
			Subdomain:        pulumi.String("globex-hq"),
			Region:           pulumi.String("Europe"),
			Plan:             pulumi.String("enterprise"),
			Extensions:       pulumi.Int(hqExtensions),
			BillingCycle:     pulumi.String("annually"),
			HighAvailability: pulumi.Bool(true),
			BillingContact:   pulumi.String("billing@globex.example"),
		}, pulumi.Protect(true))
		if err != nil {
			return err
		}
		branch, err := yeastar.NewPSeriesCloudPbx(ctx, "globex-branch", &yeastar.PSeriesCloudPbxArgs{
			PbxName:        pulumi.String("Globex Branch"),
			Subdomain:      pulumi.String("globex-branch"),
			Region:         pulumi.String("North America"),
			Plan:           pulumi.String("ultimate"),
			Extensions:     pulumi.Int(20),
			BillingCycle:   pulumi.String("monthly"),
			BillingContact: pulumi.String("billing@globex.example"),
		})
		if err != nil {
			return err
		}
		ctx.Export("hqUrl", hq.PbxUrl)
		ctx.Export("hqSerialNumber", hq.ProductNo)
		ctx.Export("branchUrl", branch.PbxUrl)
		return nil
	})
}
