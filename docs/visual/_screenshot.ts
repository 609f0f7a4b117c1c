/// <reference lib="dom" />
// Private module: a screenshot of the explorer on the lost message of
// mailbox_owner_exit, for docs/visual.md (needs Debian's chromium).

import { chromium } from "playwright-core";
import { serveExplorer } from "../../explorer/mod.ts";
import { mailboxOwnerExit } from "../../specs/mailbox_owner_exit.ts";

/** Writes the screenshot to `path`. */
export async function screenshotExplorer(path: string): Promise<void> {
  const ex = serveExplorer({ spec: mailboxOwnerExit, params: { capacity: 1 } });
  const dir = await Deno.makeTempDir({ prefix: "ipcspec-chromium-" });
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: Deno.env.get("IPCSPEC_CHROMIUM") ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    viewport: { width: 1300, height: 900 },
  });
  try {
    const page = await ctx.newPage();
    await page.goto(ex.url);
    await page.waitForSelector("#enabled button.take");
    await page.click("#jump");
    await page.waitForFunction(() => document.getElementById("pos")?.textContent === "step 10");
    await page.screenshot({ path });
  } finally {
    await ctx.close();
    await Deno.remove(dir, { recursive: true });
    await ex.shutdown();
  }
}
