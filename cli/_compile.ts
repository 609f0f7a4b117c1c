// Private to the CLI: compiling a spec to generated code or for the
// interpreter (--interpret), and writing the generated code (--dump-code).

import { dirname } from "node:path";
import type { Checkable, Model } from "../model/model.ts";
import type { ParamInput } from "../model/types.ts";
import { type CliIO, writeFile } from "./_io.ts";
import { UsageError } from "./_options.ts";

/** How to compile: `interpret` runs the interpreter instead of generated code. */
export interface CompileChoice {
  /** Run the interpreter (no generated code). */
  readonly interpret: boolean;
}

/** Compiles `spec` with `params`, for the interpreter when `choice.interpret`. */
export function compileFor(spec: Checkable, params: ParamInput, choice: CompileChoice): Model {
  return choice.interpret ? spec.compile(params, { interpret: true }) : spec.compile(params);
}

/** The generated successor JavaScript of `model`, or undefined when it was interpreted. */
export function generatedSource(model: Model): string | undefined {
  return model.code?.source;
}

/** `spec` itself, or (with `--interpret`) a spec whose every compile uses the interpreter. */
export function checkableFor(spec: Checkable, choice: CompileChoice): Checkable {
  if (!choice.interpret) return spec;
  return {
    name: spec.name,
    resolve: (params) => spec.resolve(params),
    compile: (params) => compileFor(spec, params ?? {}, choice),
  };
}

/** Checks that the folder `--dump-code FILE` writes into exists, before any search starts. */
export async function dumpTarget(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const folder = dirname(file);
  let isFolder = false;
  try {
    isFolder = (await Deno.stat(folder)).isDirectory;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(`Cannot write the generated code to '${file}': ${(e as Error).message}`);
    }
  }
  if (!isFolder) {
    throw new UsageError(
      `Cannot write the generated code to '${file}': no such directory '${folder}'`,
    );
  }
  return file;
}

/** Writes the generated code of `model` (compiled from the spec `name`) to `file`. */
export async function dumpCode(file: string, name: string, model: Model, io: CliIO): Promise<void> {
  const source = generatedSource(model);
  if (source === undefined) {
    throw new UsageError(
      `Cannot write the generated code of '${name}': the compiled model carries no generated code (it runs the interpreter)`,
    );
  }
  try {
    await (io.writeFile ?? writeFile)(file, { prefix: "", suffix: "" }, source);
  } catch (e) {
    throw new UsageError(`Cannot write the generated code to '${file}': ${(e as Error).message}`);
  }
  io.err(`${name}: generated code written to ${file}`);
}
