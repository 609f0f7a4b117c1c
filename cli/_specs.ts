// Private to the CLI: finding spec files and loading the specs they export.

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Spec } from "../model/spec.ts";
import { UsageError } from "./_options.ts";
import { USAGE } from "./_usage.ts";

/** A spec and the file it was loaded from. */
export interface LoadedSpec {
  /** The file, as named on the command line (or found in a folder named there). */
  readonly file: string;
  /** The spec. */
  readonly spec: Spec;
}

/** Spec files named by the arguments: files as given, folders' `*.ts` not starting with `_`. */
async function specFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(p);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new UsageError(`Cannot load spec file '${p}': no such file or directory`);
      }
      throw new UsageError(`Cannot load spec file '${p}': ${(e as Error).message}`);
    }
    if (info.isDirectory) {
      const names: string[] = [];
      for await (const entry of Deno.readDir(p)) {
        if (entry.isFile && entry.name.endsWith(".ts") && !entry.name.startsWith("_")) {
          names.push(entry.name);
        }
      }
      names.sort();
      for (const n of names) out.push(`${p.replace(/\/$/, "")}/${n}`);
    } else {
      out.push(p);
    }
  }
  return out;
}

/** The specs `file` exports (at least one). */
export async function loadSpecs(file: string): Promise<Spec[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolve(file)).href);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new UsageError(`Cannot load spec file '${file}': ${msg}`);
  }
  const specs = Object.values(mod).filter((v): v is Spec => v instanceof Spec);
  if (specs.length === 0) {
    throw new UsageError(`Cannot load spec file '${file}': it exports no spec (made with spec())`);
  }
  return specs;
}

/** The name under which `file` exports `spec` (what a worker of --workers imports). */
export async function exportName(file: string, spec: Spec): Promise<string> {
  const mod: Record<string, unknown> = await import(pathToFileURL(resolve(file)).href);
  const name = Object.keys(mod).find((k) => mod[k] === spec);
  if (name === undefined) {
    throw new UsageError(`Cannot load spec file '${file}': it does not export '${spec.name}'`);
  }
  return name;
}

/** Every spec of the files and folders named, or only the one named `wanted`. */
export async function selectSpecs(
  paths: readonly string[],
  wanted: string | undefined,
): Promise<LoadedSpec[]> {
  let specs: LoadedSpec[] = [];
  for (const file of await specFiles(paths)) {
    for (const spec of await loadSpecs(file)) specs.push({ file, spec });
  }
  if (wanted !== undefined) {
    const all = specs.map((s) => s.spec.name);
    specs = specs.filter((s) => s.spec.name === wanted);
    if (specs.length === 0) {
      throw new UsageError(`no spec named '${wanted}' (specs: ${all.join(", ")})`);
    }
  }
  return specs;
}

/** The one spec of the one file `command` takes (chosen with `--spec` when there are several). */
export async function oneSpec(
  command: string,
  paths: readonly string[],
  wanted: string | undefined,
): Promise<LoadedSpec> {
  if (paths.length !== 1) {
    throw new UsageError(`${command} takes exactly one spec file\n\n${USAGE}`);
  }
  const file = paths[0]!;
  const specs = await loadSpecs(file);
  const all = specs.map((s) => s.name);
  const chosen = wanted === undefined ? specs : specs.filter((s) => s.name === wanted);
  if (chosen.length === 0) {
    throw new UsageError(`no spec named '${wanted}' (specs: ${all.join(", ")})`);
  }
  if (chosen.length > 1) {
    throw new UsageError(`${file} holds several specs (${all.join(", ")}): choose one with --spec`);
  }
  return { file, spec: chosen[0]! };
}
