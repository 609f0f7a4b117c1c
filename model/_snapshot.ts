// Private module: a compiled model's states as structured data
// (model/snapshot.ts). The compiler registers each model's layout here
// (registerSnapshotLayout); snapshotState() is the one adapter the CLI and
// the reporters' callers use, so a change of the model's internals only
// touches the registration.

import type { PrimitiveImpl } from "./_ast.ts";
import type { Model } from "./model.ts";
import type { PrimitiveContents, PrimitiveSnapshot, StateSnapshot, VarValue } from "./snapshot.ts";
import type { VarSlot } from "./_views.ts";

/** Where a compiled model keeps each part of its state. */
export interface SnapshotLayout {
  /** The first slot of the globals. */
  readonly globalBase: number;
  /** The globals' slots, relative to `globalBase`. */
  readonly globals: readonly VarSlot[];
  /** The primitives and their first slots. */
  readonly prims: readonly { readonly impl: PrimitiveImpl; readonly off: number }[];
  /** The process instances, by pid. */
  readonly insts: readonly {
    readonly name: string;
    readonly kind: string;
    readonly id: number;
    /** The slot of its program counter; the locals follow it. */
    readonly pcOff: number;
    readonly vars: readonly VarSlot[];
    /** The name of the step at `pc`, or `end`. */
    at(pc: number): string;
    /** Whether `pc` is the end of its body. */
    ended(pc: number): boolean;
  }[];
  /** Names a process by pid. */
  pidName(pid: number): string;
}

const layouts = new WeakMap<Model, SnapshotLayout>();

/** Called by the compiler for each model it builds. */
export function registerSnapshotLayout(model: Model, layout: SnapshotLayout): void {
  layouts.set(model, layout);
}

function varValue(w: Int32Array, base: number, v: VarSlot): VarValue {
  const d = v.decl;
  if (d.type === "array") return Array.from(w.subarray(base + v.off, base + v.off + d.length));
  if (d.type === "bool") return w[base + v.off] !== 0;
  return w[base + v.off]!;
}

function contents(
  impl: PrimitiveImpl,
  w: Int32Array,
  off: number,
  pidName: (pid: number) => string,
): PrimitiveContents | undefined {
  switch (impl.kind) {
    case "semaphore":
      return { count: w[off]! };
    case "mutex":
      return { owner: w[off] === 0 ? null : pidName(w[off]! - 1) };
    case "channel": {
      if (impl.slots === 0) return { capacity: 0, items: [] };
      const n = w[off]!;
      return { capacity: impl.slots - 1, items: Array.from(w.subarray(off + 1, off + 1 + n)) };
    }
    default:
      return undefined;
  }
}

/**
 * A state of `model` as structured data, or undefined for a model the
 * compiler did not build (a hand-written {@linkcode Model}).
 */
export function snapshotState(model: Model, state: Int32Array): StateSnapshot | undefined {
  const l = layouts.get(model);
  if (l === undefined) return undefined;
  const globals: Record<string, VarValue> = {};
  for (const v of l.globals) globals[v.name] = varValue(state, l.globalBase, v);
  const primitives = l.prims.map(({ impl, off }): PrimitiveSnapshot => {
    const c = contents(impl, state, off, l.pidName);
    return {
      kind: impl.kind,
      name: impl.name,
      printed: impl.format(state, off, l.pidName),
      value: impl.value(state, off),
      ...(c !== undefined ? { contents: c } : {}),
    };
  });
  const processes = l.insts.map((inst) => {
    const locals: Record<string, VarValue> = {};
    for (const v of inst.vars) locals[v.name] = varValue(state, inst.pcOff + 1, v);
    const pc = state[inst.pcOff]!;
    return {
      name: inst.name,
      kind: inst.kind,
      id: inst.id,
      at: inst.at(pc),
      finished: inst.ended(pc),
      locals,
    };
  });
  return { printed: model.format(state), globals, primitives, processes };
}
