require("../dist/policy/src/index.js");
