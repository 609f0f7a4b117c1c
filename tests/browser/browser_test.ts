// The browser suites (_*_suite.ts) drive headless Chromium with
// playwright-core, which needs more than the test task's permissions (it
// probes /proc at load), so each suite runs in a `deno test -A` subprocess
// of its own (type-checked, which also fetches the npm packages it names,
// mermaid among them). Without Chromium the suites are registered as
// ignored and a loud message says so and how to install it: never a
// silent pass.

import assert from "node:assert/strict";
import { ARTIFACTS, CHROMIUM, HAVE_CHROMIUM } from "./_chromium.ts";

const SUITES = ["_report_suite.ts", "_explorer_suite.ts"];

if (!HAVE_CHROMIUM) {
  console.error(
    [
      "",
      "!!! BROWSER TESTS SKIPPED: no Chromium at " + CHROMIUM,
      "!!! install it with:  apt-get update && apt-get install -y chromium",
      "!!! (or point IPCSPEC_CHROMIUM at a Chromium binary); .ci/run installs it.",
      "",
    ].join("\n"),
  );
}

for (const suite of SUITES) {
  Deno.test({
    name: `browser suite ${suite} in headless Chromium (screenshots in ${ARTIFACTS})`,
    ignore: !HAVE_CHROMIUM,
    fn: async () => {
      const path = new URL(suite, import.meta.url).pathname;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["test", "-A", path],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      if (!out.success) console.error(text);
      assert.ok(out.success, `${suite} failed (output above)`);
      assert.match(text, /ok \| [1-9]\d* passed \| 0 failed/);
    },
  });
}
