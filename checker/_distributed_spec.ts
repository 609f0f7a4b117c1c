// Private module: how a worker of a distributed search or a swarm loads
// the spec a job names. The job gives a `file:` URL, the name of the
// export and the SHA-256 of the file's contents; the worker reads the file
// at that URL (every machine has the project at the same path: see
// docs/distributed.md), refuses it when the contents differ, then imports
// it as the CLI does and compiles the export with the job's parameters.
//
// A module is imported once per process: a worker that imported a file
// refuses a later job whose hash of the same file differs (it would run
// the old code); restart the worker after editing a spec.

import { fileURLToPath } from "node:url";
import type { Checkable, Model } from "../model/model.ts";
import { errorMessage } from "./_search.ts";
import { sha256, type SpecRef } from "./_distributed_protocol.ts";

/** The hash each imported module had when first imported. */
const imported = new Map<string, string>();

/** The reference to a spec file: its URL, export and the hash of its contents now. */
export async function specRef(module: string | URL, exportName: string): Promise<SpecRef> {
  const url = String(module);
  if (!url.startsWith("file:")) {
    throw new TypeError(
      `Cannot distribute '${exportName}': its module must be a file: URL, got ${url}`,
    );
  }
  const bytes = await Deno.readFile(fileURLToPath(url));
  return { module: url, export: exportName, sha256: await sha256(bytes) };
}

/** The spec a job names, checked by hash; a message saying why it cannot be loaded. */
export async function loadSpec(ref: SpecRef): Promise<Checkable | string> {
  let now: SpecRef;
  try {
    now = await specRef(ref.module, ref.export);
  } catch (e) {
    return `Cannot load ${ref.module}: ${errorMessage(e)}`;
  }
  if (now.sha256 !== ref.sha256) {
    return `Cannot load ${ref.module}: its contents differ from the coordinator's ` +
      `(sha256 ${now.sha256.slice(0, 12)}… here, ${ref.sha256.slice(0, 12)}… there)`;
  }
  const first = imported.get(ref.module);
  if (first !== undefined && first !== ref.sha256) {
    return `Cannot load ${ref.module}: this worker imported an older version of it; restart it`;
  }
  try {
    const mod: Record<string, unknown> = await import(ref.module);
    imported.set(ref.module, ref.sha256);
    const s = mod[ref.export] as Partial<Checkable> | undefined;
    if (typeof s?.compile !== "function" || typeof s.resolve !== "function") {
      return `${ref.module} exports no spec named '${ref.export}'`;
    }
    return s as Checkable;
  } catch (e) {
    return `Cannot load ${ref.module}: ${errorMessage(e)}`;
  }
}

/** The compiled model of the spec a job names; a message saying why it cannot be. */
export async function loadModel(
  ref: SpecRef,
  params: Readonly<Record<string, number | boolean | string>>,
): Promise<Model | string> {
  const spec = await loadSpec(ref);
  if (typeof spec === "string") return spec;
  try {
    return spec.compile(params);
  } catch (e) {
    return errorMessage(e);
  }
}
