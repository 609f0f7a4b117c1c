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
  rejectOptions("list", values, ["interpret", "dump-code"]);
  if (paths.length === 0) throw new UsageError(`no spec file given\n\n${USAGE}`);
  checkSettings(values);
  for (const { file, spec } of await selectSpecs(paths, values.spec)) {
    const ps = Object.entries(spec.resolve()).map(([k, v]) => `${k}=${v}`).join(" ");
    io.out(
      `${spec.name}  ${file}  [${ps}]  expects ${expectationText(spec.expect)}${
        spec.description === "" ? "" : `\n    ${spec.description}`
      }`,
    );
  }
  return EXIT.ok;
}
