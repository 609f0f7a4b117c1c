// Headless Chromium for the browser suites: Debian's `chromium` driven by
// playwright-core.

import { type BrowserContext, chromium } from "playwright-core";
import { ARTIFACTS, CHROMIUM } from "./_chromium.ts";

/**
 * Registers a test that gets a fresh headless Chromium context (a new
 * profile directory each time). Used by the suites, which run in a
 * subprocess with all permissions (see browser_test.ts).
 */
export function browserTest(name: string, fn: (ctx: BrowserContext) => Promise<void>): void {
  Deno.test({
    name,
    // Playwright keeps its pipe and timers until the context closes.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "ipcspec-chromium-" });
      const ctx = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
        viewport: { width: 1300, height: 900 },
      });
      try {
        await fn(ctx);
      } finally {
        await ctx.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

/** Saves a full-page screenshot of `page` into the artifacts folder. */
export async function screenshot(
  page: { screenshot(o: { path: string; fullPage: boolean }): Promise<unknown> },
  name: string,
): Promise<string> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The folder of an npm package in Deno's cache (the package must be a dependency). */
export async function npmPackageDir(name: string, version: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const cache = JSON.parse(new TextDecoder().decode(out.stdout)).npmCache as string;
  return `${cache}/registry.npmjs.org/${name}/${version}`;
}
