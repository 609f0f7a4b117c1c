// Private to the CLI: finding spec files and loading the specs they export.

import { relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/**
 * Why importing `file` failed, in one line that keeps where: a syntax
 * error's `file:line:col` (relative to the working directory).
 */
export function loadError(file: string, e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split("\n")[0]!;
  const at = /\bat (file:\/\/\S+?):(\d+):(\d+)\s*$/m.exec(text);
  if (at === null) return `Cannot load spec file '${file}': ${first}`;
  const absolute = fileURLToPath(at[1]!);
  const near = relative(Deno.cwd(), absolute);
  const path = near.startsWith("..") ? absolute : near;
  return `Cannot load spec file '${file}': ${first} (${path}:${at[2]}:${at[3]})`;
}

/** The specs `file` exports (at least one). */
export async function loadSpecs(file: string): Promise<Spec[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolve(file)).href);
  } catch (e) {
    throw new UsageError(loadError(file, e));
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

/**
 * Every spec of the files and folders named, or only the one named
 * `wanted`. A file that cannot be loaded is reported to `failed` (when
 * given, and when other files remain) and skipped; without `failed`, or
 * when it is the only file, it is an error. A folder with no spec file and
 * two specs with one name are errors.
 */
export async function selectSpecs(
  paths: readonly string[],
  wanted: string | undefined,
  failed?: (message: string) => void,
): Promise<LoadedSpec[]> {
  let specs: LoadedSpec[] = [];
  const files = await specFiles(paths);
  if (files.length === 0) {
    throw new UsageError(`no spec file in ${paths.map((p) => `'${p}'`).join(", ")}`);
  }
  for (const file of files) {
    let loaded: Spec[];
    try {
      loaded = await loadSpecs(file);
    } catch (e) {
      if (failed === undefined || files.length === 1 || !(e instanceof UsageError)) throw e;
      failed(e.message);
      continue;
    }
    for (const spec of loaded) {
      const twin = specs.find((s) => s.spec.name === spec.name);
      if (twin?.spec === spec) continue; // exported under two names
      if (twin !== undefined) {
        throw new UsageError(
          `two specs are named '${spec.name}' (in ${twin.file} and ${file}); rename one`,
        );
      }
      specs.push({ file, spec });
    }
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
