/**
 * `ipcspec init [dir]`: scaffolds a project that checks its protocols with
 * ipcspec — a `deno.json` with a `check` task (every spec against its
 * declared verdict, a JUnit report for CI) and a `test` task, a first spec
 * with its expected verdict, a test, and CI snippets (a shell step and a
 * GitHub Actions job).
 *
 * The spec imports ipcspec from this very copy (a relative path to a local
 * copy, e.g. a git submodule or a vendored folder; the URL of a remote one),
 * so that the command that checks it and the spec share one module.
 *
 * @module
 */

import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { absolute, commandLine, commandPrefix } from "./_command_line.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { UsageError, type Values } from "./_options.ts";
import { USAGE } from "./_usage.ts";

/** Where the scaffold finds ipcspec, and how it runs the command. */
export interface InitOptions {
  /** The words that run ipcspec (`["ipcspec"]`, or a `deno run` line). */
  readonly command: readonly string[];
  /** The URL of ipcspec's `mod.ts` (default: this copy's). */
  readonly modUrl?: string;
}

/**
 * Runs `init [dir]`.
 *
 * @param paths At most one folder (default: the working directory).
 * @param values The options (`--command-name` names the command the tasks run).
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { initCommand } from "./init.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const out: string[] = [];
 * const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
 * assert.equal(await initCommand([dir], { "command-name": "ipcspec" }, io), 0);
 * assert.match(out[0]!, /specs\/ping_pong\.ts/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function initCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  if (paths.length > 1) throw new UsageError(`init takes at most one folder\n\n${USAGE}`);
  const dir = paths[0] ?? ".";
  const written = await initProject(dir, {
    command: commandPrefix(values["command-name"], "read-write"),
  });
  if (typeof written === "string") throw new UsageError(written);
  io.out(
    `created in ${absolute(dir)}:\n${written.map((f) => `  ${f}`).join("\n")}\n` +
      "next: deno task check (every spec against its declared verdict, JUnit in reports/)",
  );
  return EXIT.ok;
}

/**
 * The file the JUnit report is written to by the `check` task.
 *
 * @example
 * ```ts
 * import { JUNIT_FILE, scaffold } from "./init.ts";
 * import assert from "node:assert/strict";
 *
 * const files = scaffold("/tmp/proto", { command: ["ipcspec"] });
 * assert.ok(JSON.parse(files["deno.json"]!).tasks.check.includes(JUNIT_FILE));
 * ```
 */
export const JUNIT_FILE = "reports/ipcspec-junit.xml";

/** How a file in `fromDir` imports `url`: a relative path for a local file, else the URL. */
function importPath(fromDir: string, url: string): string {
  if (!url.startsWith("file:")) return url;
  const rel = relative(fromDir, fileURLToPath(url)).replaceAll("\\", "/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

/**
 * The files of a new project, by path relative to its folder.
 *
 * @param dir The project folder (absolute, or relative to the working directory).
 * @param options The command and where ipcspec is.
 * @returns The files' contents by relative path.
 *
 * @example
 * ```ts
 * import { scaffold } from "./init.ts";
 * import assert from "node:assert/strict";
 *
 * const files = scaffold("/tmp/proto", { command: ["ipcspec"] });
 * assert.match(JSON.parse(files["deno.json"]!).tasks.check, /^ipcspec check --expect --junit/);
 * assert.ok("specs/ping_pong.ts" in files);
 * ```
 */
export function scaffold(dir: string, options: InitOptions): Record<string, string> {
  const root = resolve(dir);
  const mod = options.modUrl ?? new URL("../mod.ts", import.meta.url).href;
  const testing = new URL("testing.ts", mod).href;
  const fromSpecs = importPath(join(root, "specs"), mod);
  const testingFromTests = importPath(join(root, "tests"), testing);
  // The tasks run from the project's folder: a local copy of ipcspec is
  // named relative to it, so the project and its copy (a submodule, a
  // vendored folder) can move together, to CI's machine too.
  const cli = new URL("cli.ts", mod).href;
  const cliPath = importPath(root, cli);
  const words = options.command.map((w) =>
    cli.startsWith("file:") && w === fileURLToPath(cli) ? cliPath : w
  );
  const install = options.command.length === 1
    ? commandLine([], [
      "deno",
      "install",
      "--global",
      "--force",
      "--name",
      options.command[0]!,
      "--allow-read",
      "--allow-write",
      "--allow-run",
      cliPath,
      "--",
      "--command-name",
      options.command[0]!,
    ])
    : undefined;
  const check = commandLine(words, [
    "check",
    "--expect",
    "--junit",
    JUNIT_FILE,
    "specs/",
  ]);
  const denoJson = {
    tasks: {
      check,
      test: "deno test --allow-read",
    },
  };
  return {
    "deno.json": `${JSON.stringify(denoJson, null, 2)}\n`,
    "specs/ping_pong.ts": PING_PONG.replace("{mod}", fromSpecs),
    "tests/ping_pong_test.ts": PING_PONG_TEST.replace("{testing}", testingFromTests),
    "ci/ipcspec.sh": CI_SHELL.replace(
      "{check}",
      `${install !== undefined ? `${install}\n` : ""}deno task check`,
    ),
    ".github/workflows/ipcspec.yml": GITHUB_JOB.replace(
      "{install}",
      install !== undefined ? `      - run: ${install}\n` : "",
    ),
    ".gitignore": "reports/\n",
  };
}

/**
 * Writes a new project's files; refuses to overwrite any that exist.
 *
 * @param dir The project folder (created when missing).
 * @param options The command and where ipcspec is.
 * @returns The paths written, relative to `dir`, or why nothing was written.
 *
 * @example
 * ```ts
 * import { initProject } from "./init.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const written = await initProject(dir, { command: ["ipcspec"] });
 * assert.ok(Array.isArray(written) && written.includes("deno.json"));
 * assert.match(String(await initProject(dir, { command: ["ipcspec"] })), /already exists/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function initProject(dir: string, options: InitOptions): Promise<string[] | string> {
  const files = scaffold(dir, options);
  for (const path of Object.keys(files)) {
    try {
      await Deno.lstat(join(dir, path));
      return `Cannot init '${dir}': ${path} already exists (init writes only new files)`;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        return `Cannot init '${dir}': ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    await Deno.mkdir(dirname(full), { recursive: true });
    await Deno.writeTextFile(full, text, { createNew: true });
  }
  return Object.keys(files);
}

const PING_PONG = `// A first spec: two processes pass a ball back and forth over two channels.
// Check it with \`deno task check\`; change \`rounds\` or the protocol and see.
import { channel, spec, system } from "{mod}";

export const pingPong = spec({
  name: "ping_pong",
  description: "ping and pong take turns: every ball sent is returned",
  params: { rounds: 2 },
  // The verdict this spec must get: \`deno task check\` fails when it does not.
  expect: "ok",
  build: (p) => {
    const sys = system({ returned: 0 });
    const toPong = channel("to_pong", 1);
    const toPing = channel("to_ping", 1);
    sys.process("ping", { locals: { i: 0, ball: 0 } }, (s) => [
      s.while(({ l }) => l.i < p.rounds, [
        s.send(toPong, ({ l }) => l.i + 1),
        s.recv(toPing, "ball"),
        s.do("count", ({ g, l }) => {
          g.returned++;
          l.i++;
        }),
      ]),
    ]);
    sys.process("pong", { locals: { j: 0, ball: 0 } }, (s) => [
      s.while(({ l }) => l.j < p.rounds, [
        s.recv(toPong, "ball"),
        s.send(toPing, ({ l }) => l.ball),
        s.do("next", ({ l }) => l.j++),
      ]),
    ]);
    sys.atEnd("every ball returned", ({ g }) => g.returned === p.rounds);
    return sys;
  },
});
`;

const PING_PONG_TEST = `// The spec at several settings, as a Deno test (\`deno task test\`).
import { assertAllConfigs } from "{testing}";
import { pingPong } from "../specs/ping_pong.ts";

Deno.test("ping_pong: no deadlock, every ball returned, for 1 to 4 rounds", () => {
  assertAllConfigs(pingPong, { rounds: [1, 4] });
});
`;

const CI_SHELL = `#!/bin/sh
# A CI step: checks every spec against its declared verdict and writes the
# JUnit report ${JUNIT_FILE} for the CI system to show.
# Exit codes: 0 every spec met its verdict, 1 some did not, 2 a search was
# cut short, 3 a spec could not be loaded or checked.
set -eu
cd "$(dirname "$0")/.."
{check}
`;

const GITHUB_JOB = `# Checks the specs on every push and shows the results as test reports.
name: ipcspec
on: [push, pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          submodules: true
      - uses: denoland/setup-deno@v2
        with:
          deno-version: v2.x
{install}      - run: deno task check
      - uses: mikepenz/action-junit-report@v5
        if: always()
        with:
          report_paths: ${JUNIT_FILE}
`;
