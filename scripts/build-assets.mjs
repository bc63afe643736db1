// Builds knotwork's front-end assets into knotwork/static/build/:
// GOV.UK Frontend compiled with a system font stack (no GOV.UK typeface),
// its scripts and images, htmx, and Vega-Lite for charts.
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { compile } from "sass";

// Built beside the live folder and swapped in at the end, so a page served
// during a build never finds the assets missing.
const live = "knotwork/static/build";
const out = `${live}.next`;
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/css`, { recursive: true });
mkdirSync(`${out}/js`, { recursive: true });

const css = compile("assets/scss/app.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/css/app.css`, css.css);

cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/js/govuk-frontend.min.js`);
cpSync("node_modules/govuk-frontend/dist/govuk/assets/images", `${out}/images`, { recursive: true });
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${out}/js/htmx.min.js`);
// Charts: Vega-Lite specs (made with Altair on the server) drawn in the page.
cpSync("node_modules/vega/build/vega.min.js", `${out}/js/vega.min.js`);
cpSync("node_modules/vega-lite/build/vega-lite.min.js", `${out}/js/vega-lite.min.js`);
cpSync("node_modules/vega-embed/build/vega-embed.min.js", `${out}/js/vega-embed.min.js`);
rmSync(`${live}.old`, { recursive: true, force: true });
try {
  renameSync(live, `${live}.old`);
} catch {
  // first build: nothing to move aside
}
renameSync(out, live);
rmSync(`${live}.old`, { recursive: true, force: true });
console.log(`assets built in ${live}`);
