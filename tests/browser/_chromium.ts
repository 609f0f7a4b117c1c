// Where the browser tests find Chromium and put their screenshots (no
// playwright here: the test task's own process imports this).

/** The Chromium binary (override with IPCSPEC_CHROMIUM). */
export const CHROMIUM = Deno.env.get("IPCSPEC_CHROMIUM") ?? "/usr/bin/chromium";

/** Where screenshots go, for CI to keep (override with IPCSPEC_ARTIFACTS). */
export const ARTIFACTS = Deno.env.get("IPCSPEC_ARTIFACTS") ?? "/tmp/ipcspec-artifacts";

function present(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Whether the browser tests can run. */
export const HAVE_CHROMIUM = present(CHROMIUM);
