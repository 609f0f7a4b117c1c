// Private module: a compiled model's states as structured data
// (the state types of model/types.ts). The compiler registers each model's layout here
// (registerSnapshotLayout); snapshotState() is the one adapter the CLI and
// the reporters' callers use, so a change of the model's internals only
// touches the registration.

import type { PrimitiveImpl } from "./_ast.ts";
import type { Model } from "./model.ts";
import type { PrimitiveContents, PrimitiveData, StateData, VarValue } from "./types.ts";
import type { VarSlot } from "./_views.ts";
import type { Machine } from "./_machine.ts";

const machines = new WeakMap<Model, Machine>();

/** Called by the compiler for each model it builds: where the model keeps each part of its state. */
export function registerSnapshotLayout(model: Model, machine: Machine): void {
  machines.set(model, machine);
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
export function snapshotState(model: Model, state: Int32Array): StateData | undefined {
  const m = machines.get(model);
  if (m === undefined) return undefined;
  const { layout, pidName } = m;
  const globals: Record<string, VarValue> = {};
  for (const v of layout.globals) globals[v.name] = varValue(state, layout.globalBase, v);
  const primitives = layout.prims.map((impl): PrimitiveData => {
    const off = layout.primOff.get(impl)!;
    const c = contents(impl, state, off, pidName);
    return {
      kind: impl.kind,
      name: impl.name,
      printed: impl.format(state, off, pidName),
      value: impl.value(state, off),
      ...(c !== undefined ? { contents: c } : {}),
    };
  });
  const processes = m.insts.map((inst) => {
    const locals: Record<string, VarValue> = {};
    for (const v of inst.type.vars) locals[v.name] = varValue(state, inst.base, v);
    const pc = state[inst.pcOff]!;
    const end = pc === inst.type.endPc;
    return {
      name: inst.name,
      kind: inst.type.name,
      id: inst.id,
      at: end ? "end" : inst.type.pcs[pc]?.name ?? `pc ${pc}`,
      finished: end,
      locals,
    };
  });
  return {
    printed: model.explanation?.format(state) ?? "",
    globals,
    primitives,
    processes,
  };
}
