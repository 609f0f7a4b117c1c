// Private to the CLI: checkpoint files (--checkpoint, --resume). A file is
// the magic `IPCSPECK`, the length of a JSON header (little-endian u32),
// the header (which ipcspec, which spec, which parameters, where the search
// was), padding to a multiple of 4 bytes, then the states (see
// `checker/_checkpoint.ts`). It is written next to its final name and
// renamed over it, so a run killed while writing keeps the previous one.

import {
  type BfsCheckpoint,
  type BfsPosition,
  type Checkpointing,
  recordsLength,
} from "../checker/_checkpoint.ts";
import { IPCSPEC_VERSION } from "../checker/schedule_file.ts";
import { UsageError } from "./_options.ts";

const MAGIC = "IPCSPECK";

/** What a checkpoint belongs to: resuming it elsewhere is refused. */
export interface CheckpointIdentity {
  readonly spec: string;
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The store searched (`--store`). */
  readonly store: "exact" | "fingerprint";
}

interface Header extends CheckpointIdentity {
  readonly format: "ipcspec-checkpoint";
  readonly ipcspec: string;
  readonly position: BfsPosition;
}

function writeAll(f: Deno.FsFile, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
}

/**
 * The `save` of a search's {@linkcode Checkpointing}: writes `file` atomically.
 *
 * @param file Where.
 * @param identity The spec and parameters.
 * @param saved Told after each checkpoint, with the states it holds.
 * @returns The save function.
 */
export function checkpointWriter(
  file: string,
  identity: CheckpointIdentity,
  saved: (states: number) => void,
  writing?: (on: boolean) => void,
): Checkpointing["save"] {
  return (position, records) => {
    const header: Header = {
      format: "ipcspec-checkpoint",
      ipcspec: IPCSPEC_VERSION,
      spec: identity.spec,
      params: identity.params,
      store: identity.store,
      position,
    };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const head = new Uint8Array(MAGIC.length + 4 + json.length + ((4 - json.length % 4) % 4));
    head.set(new TextEncoder().encode(MAGIC), 0);
    new DataView(head.buffer).setUint32(MAGIC.length, json.length, true);
    head.set(json, MAGIC.length + 4);
    const tmp = `${file}.tmp`;
    writing?.(true);
    const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    try {
      writeAll(f, head);
      for (const chunk of records()) {
        writeAll(f, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
    } finally {
      f.close();
      writing?.(false);
    }
    Deno.renameSync(tmp, file);
    saved(position.count);
  };
}

/**
 * Reads the checkpoint `file`, refusing one of another spec, other
 * parameters or another version of ipcspec.
 *
 * @param file The checkpoint.
 * @param identity The spec and parameters being checked.
 * @returns The saved search.
 */
export async function readCheckpoint(
  file: string,
  identity: CheckpointIdentity,
): Promise<BfsCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    throw new UsageError(`Cannot resume from '${file}': ${(e as Error).message}`);
  }
  const bad = (why: string) => new UsageError(`Cannot resume from '${file}': ${why}`);
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw bad("it is not an ipcspec checkpoint");
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + n)));
  } catch {
    throw bad("its header is damaged");
  }
  if (header.format !== "ipcspec-checkpoint") throw bad("it is not an ipcspec checkpoint");
  if (header.ipcspec !== IPCSPEC_VERSION) {
    throw bad(`it was written by ipcspec ${header.ipcspec}, this is ${IPCSPEC_VERSION}`);
  }
  if (header.spec !== identity.spec) {
    throw bad(`it is a checkpoint of spec '${header.spec}', not of '${identity.spec}'`);
  }
  const given = JSON.stringify(identity.params);
  if (JSON.stringify(header.params) !== given) {
    throw bad(
      `it was written with the parameters ${JSON.stringify(header.params)}, not ${given}`,
    );
  }
  if ((header.position.store ?? "exact") !== identity.store) {
    throw bad(
      `it is a checkpoint of the search over the ${
        header.position.store ?? "exact"
      } store, not the ${identity.store} one (--store)`,
    );
  }
  const offset = start + n + ((4 - n % 4) % 4);
  const length = recordsLength(header.position);
  if (bytes.length - offset !== length * 4) throw bad("it is truncated");
  const records = new Int32Array(length);
  new Uint8Array(records.buffer).set(bytes.subarray(offset));
  return { position: header.position, records };
}
