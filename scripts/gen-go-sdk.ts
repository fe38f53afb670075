/** `npm run gen:go-sdk`: regenerates the committed Go SDK (sdk/go/yeastar) from the plugin's schema. */
import { GO_SDK_DIR, regenerateCommittedGoSdk } from "./lib/go-sdk";

regenerateCommittedGoSdk();
process.stdout.write(`regenerated ${GO_SDK_DIR}\n`);
