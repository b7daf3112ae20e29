// Copies the prebuilt YASGUI bundle of the pinned npm package into the Flask app's static folder, where
// /static/vendor/yasgui/ serves it: the editor page loads nothing from any other host.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const build = join(dirname(require.resolve("@zazuko/yasgui/package.json")), "build");
const target = join(here, "..", "src", "awardgraph", "web", "static", "vendor", "yasgui");
const version = require("@zazuko/yasgui/package.json").version;

mkdirSync(target, { recursive: true });
for (const name of ["yasgui.min.js", "yasgui.min.css"]) {
  copyFileSync(join(build, name), join(target, name));
}
writeFileSync(join(target, "VERSION"), `@zazuko/yasgui ${version}\n`);
console.log(`copied @zazuko/yasgui ${version} to ${target}`);
