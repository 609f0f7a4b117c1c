/**
 * `ipcspec list <spec files or folders...>`: each spec with its file, its
 * parameters' defaults, the verdict it expects and its description.
 *
 * @module
 */

import { expectationText } from "../checker/expectation.ts";
import { checkSettings } from "./_check_settings.ts";
import { type CliIO, EXIT } from "./_io.ts";
import { rejectOptions, UsageError, type Values } from "./_options.ts";
import { selectSpecs } from "./_specs.ts";
import { USAGE } from "./_usage.ts";
import { writeJson } from "./_reports.ts";

/**
 * Runs `list`.
 *
 * @param paths Spec files and folders.
 * @param values The options (`--spec` picks one spec; the options of `check` are checked).
 * @param io Where to write.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { listCommand } from "./list.ts";
 * import assert from "node:assert/strict";
 *
 * const out: string[] = [];
 * const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
 * assert.equal(await listCommand(["specs/pc_channel.ts"], {}, io), 0);
 * assert.match(out[0]!, /^pc_channel {2}specs\/pc_channel\.ts {2}\[slots=2 /);
 * ```
 */
export async function listCommand(paths: string[], values: Values, io: CliIO): Promise<number> {
  rejectOptions("list", values, ["interpret", "dump-code", "junit", "itf", "progress-every"]);
  if (paths.length === 0) throw new UsageError(`no spec file given\n\n${USAGE}`);
  const { format } = checkSettings(values);
  if (format === "itf") throw new UsageError("list writes no trace: --format text or json");
  const specs = await selectSpecs(paths, values.spec);
  if (format === "json") {
    return writeJson(io, {
      command: "list",
      specs: specs.map(({ file, spec }) => ({
        name: spec.name,
        file,
        params: { ...spec.resolve() },
        expects: expectationText(spec.expect),
        description: spec.description,
      })),
    }, EXIT.ok);
  }
  for (const { file, spec } of specs) {
    const ps = Object.entries(spec.resolve()).map(([k, v]) => `${k}=${v}`).join(" ");
    io.out(
      `${spec.name}  ${file}  [${ps}]  expects ${expectationText(spec.expect)}${
        spec.description === "" ? "" : `\n    ${spec.description}`
      }`,
    );
  }
  return EXIT.ok;
}
