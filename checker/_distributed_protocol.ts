// Private module: what the coordinator of a distributed search
// (distributed.ts, _distributed_coordinator.ts) and its workers
// (_distributed_worker.ts, _distributed_partition.ts) share: the NATS
// subjects, the control messages (JSON), the batches of successors
// (Int32 words) and the spec a job names.
//
// Subjects (PREFIX is `ipcspec`):
//   ipcspec.recruit                 a coordinator's offer of partition k of a run
//                                   (request; idle workers listen in one queue group)
//   ipcspec.run.<run>.ctl.<k>       coordinator -> worker k: control messages
//   ipcspec.run.<run>.data.<k>      any worker -> worker k: batches of successors
//   ipcspec.run.<run>.coord         workers -> coordinator: replies and heartbeats
//   ipcspec.run.<run>.beat          coordinator -> workers: its heartbeat
//
// A batch is packed by _distributed_batch.ts (little-endian: every machine
// of a run must be, as x86-64 and arm64 are).

import type { WorkerFinding } from "./_parallel_shared.ts";

/** The first token of every subject. */
export const PREFIX = "ipcspec";
/** Where idle workers wait for a partition of a run. */
export const RECRUIT_SUBJECT = `${PREFIX}.recruit`;
/** The queue group idle workers join on the recruit subject. */
export const RECRUIT_QUEUE = "ipcspec-workers";

/** The subjects of one run. */
export function runSubjects(run: string) {
  const base = `${PREFIX}.run.${run}`;
  return {
    ctl: (k: number) => `${base}.ctl.${k}`,
    data: (k: number) => `${base}.data.${k}`,
    coord: `${base}.coord`,
    beat: `${base}.beat`,
  } as const;
}

/** The spec a job names: a module file, checked by the SHA-256 of its contents. */
export interface SpecRef {
  /** A `file:` URL. */
  readonly module: string;
  /** The name of the export. */
  readonly export: string;
  /** Hex SHA-256 of the file's contents. */
  readonly sha256: string;
}

/** Partition k of a run, as offered on the recruit subject. */
export interface PartitionJob {
  readonly kind: "partition";
  readonly run: string;
  readonly index: number;
  readonly workers: number;
  readonly spec: SpecRef;
  readonly params: Readonly<Record<string, number | boolean | string>>;
  /** The most states this partition may store (its share of --max-states). */
  readonly maxStates: number | null;
  /** Records per batch of successors. */
  readonly batch: number;
  /** The slots a state's owner is hashed from (null: all of them); see _distributed_lanes.ts. */
  readonly lanes: readonly number[] | null;
  /** Heartbeat period, and the silence after which the other side counts as lost (ms). */
  readonly heartbeatMillis: number;
  readonly timeoutMillis: number;
}

/** Coordinator -> worker. */
export type ToPartition =
  | { readonly t: "initial" }
  | { readonly t: "expand"; readonly depth: number }
  | { readonly t: "settle"; readonly depth: number; readonly expect: number }
  | { readonly t: "link"; readonly id: number }
  | { readonly t: "end" };

/** What a partition reports at the end of a phase. */
export interface PartitionReport {
  readonly states: number;
  readonly transitions: number;
  /** States of the next frontier (new at this level). */
  readonly fresh: number;
  readonly storeBytes: number;
  /** Batches and bytes of batches this worker published, in all. */
  readonly batches: number;
  readonly bytes: number;
  readonly found?: WorkerFinding;
  readonly stuck?: WorkerFinding;
  readonly bound?: WorkerFinding;
  readonly full?: boolean;
  readonly error?: { readonly message: string; readonly at?: { id: number; depth: number } };
  /** Why batches may have been lost (the worker's connection to NATS was interrupted). */
  readonly lost?: string;
}

/** Worker -> coordinator. */
export type FromPartition =
  | { readonly t: "joined"; readonly i: number; readonly host: string; readonly pid: number }
  | { readonly t: "ready"; readonly i: number }
  | { readonly t: "failed"; readonly i: number; readonly message: string }
  | { readonly t: "hb"; readonly i: number }
  | {
    readonly t: "expanded";
    readonly i: number;
    readonly depth: number;
    /** Batches sent to each worker during this level. */
    readonly sent: readonly number[];
  }
  | { readonly t: "settled"; readonly i: number; readonly depth: number } & PartitionReport
  | {
    readonly t: "link";
    readonly i: number;
    readonly id: number;
    readonly parent: number;
    readonly via: number;
  };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A control message as bytes. */
export function encode(m: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(m));
}

/** A control message from bytes. */
export function decode<T>(data: Uint8Array): T {
  return JSON.parse(decoder.decode(data)) as T;
}

/** Hex SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether typed arrays are little-endian on this machine. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
