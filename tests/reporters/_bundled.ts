// Test helper: every bundled spec (specs/*.ts not starting with `_`), with its file.

import { Spec } from "../../model/spec.ts";

/** A spec and the file (relative to the repository root) that exports it. */
export interface Bundled {
  /** The file, e.g. `specs/pc_channel.ts`. */
  file: string;
  /** The spec. */
  spec: Spec;
}

/** Every bundled spec, in file order. */
export async function bundledSpecs(): Promise<Bundled[]> {
  const dir = new URL("../../specs/", import.meta.url);
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".ts") && !e.name.startsWith("_")) names.push(e.name);
  }
  names.sort();
  const out: Bundled[] = [];
  for (const n of names) {
    const mod: Record<string, unknown> = await import(new URL(n, dir).href);
    for (const v of Object.values(mod)) {
      if (v instanceof Spec) out.push({ file: `specs/${n}`, spec: v });
    }
  }
  return out;
}
