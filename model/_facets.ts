// Private module: the small facets of a compiled model: its processes, its
// liveness properties, where processes block (coverage), and its symmetry.

import type { Interpreter } from "./_interpreter.ts";
import { copyState, type Machine, stripWhere } from "./_machine.ts";
import type {
  Coverage,
  Liveness,
  LivenessInfo,
  Processes,
  SuccessorSink,
  Symmetry,
} from "./model.ts";
import { buildSymmetry } from "./_symmetry.ts";
import { errorText, SpecError } from "./spec_error.ts";

/** The processes facet. */
export class ProcessTable implements Processes {
  readonly names: readonly string[];
  readonly #machine: Machine;

  /** @param machine The compiled system. */
  constructor(machine: Machine) {
    this.#machine = machine;
    this.names = machine.insts.map((i) => i.name);
  }

  movers(transition: number): readonly number[] {
    const t = this.#machine.trans[transition];
    if (t === undefined) return [];
    return t.kind === "joint" ? [t.joint.senderPid, t.joint.receiverPid] : [t.pid];
  }

  finished(state: Int32Array, pid: number): boolean {
    const inst = this.#machine.insts[pid];
    return inst !== undefined && state[inst.pcOff] === inst.type.endPc;
  }

  primitiveOf(transition: number): string | undefined {
    const t = this.#machine.trans[transition];
    if (t === undefined || t.kind === "deliver") return undefined;
    return t.edge.op?.prim.name;
  }
}

/** The liveness facet: the declared properties, evaluated on the interpreter's views. */
export class LivenessTable implements Liveness {
  readonly properties: readonly LivenessInfo[];
  readonly #run: Interpreter;

  /** @param run The interpreter (its work buffer evaluates the predicates). */
  constructor(run: Interpreter) {
    this.#run = run;
    this.properties = run.machine.layout.liveness.map((d) => ({
      name: d.name,
      kind: d.kind,
      fairness: d.fairness,
      ...(d.process !== undefined ? { process: d.process } : {}),
      ...(d.strongOn !== undefined ? { strongOn: d.strongOn.map((prim) => prim.name) } : {}),
    }));
  }

  live(index: number, part: "p" | "q", state: Int32Array): boolean {
    const { layout, w, sync } = this.#run.machine;
    const d = layout.liveness[index];
    if (d === undefined) throw new RangeError(`no liveness property ${index}`);
    if (state !== w) copyState(w, state);
    this.#run.published[2]! += 1;
    try {
      const r = (part === "p" ? d.p : d.q)(this.#run.stateView);
      if (sync.count > 0) sync.flush(false);
      if (typeof r !== "boolean") throw new TypeError(`must return a boolean, got ${String(r)}`);
      return r;
    } catch (e) {
      sync.reset();
      throw new SpecError(`property '${d.name}' threw: ${stripWhere(errorText(e))}`, {
        spec: layout.spec,
        cause: e,
      });
    }
  }
}

/** The coverage facet: blocking points and where processes are blocked. */
export class BlockingPoints implements Coverage {
  readonly points: readonly string[];
  readonly #run: Interpreter;

  /** @param run The interpreter that tries each process's transitions. */
  constructor(run: Interpreter) {
    this.#run = run;
    this.points = run.machine.blockingPoints;
  }

  blocked(state: Int32Array, out: Uint8Array): void {
    const none: SuccessorSink = { push: () => true, fail: () => {} };
    const run = this.#run;
    const { w, insts } = run.machine;
    for (const inst of insts) {
      const point = inst.type.pointOf[state[inst.pcOff]!]!;
      if (point < 0) continue;
      copyState(w, state);
      // As when expanding an atomic block's owner alone: a receive counts
      // its rendezvous partners too.
      run.ownerOnly = true;
      try {
        if (run.expandInstance(inst, state, none) === 0) out[point] = 1;
      } catch (e) {
        run.machine.env.writable = false;
        run.machine.sync.reset();
        throw run.wrap(e);
      } finally {
        run.ownerOnly = false;
      }
    }
  }
}

/**
 * The symmetry getter: builds the model's symmetry on first use, and
 * remembers it, or the error that says why the copies cannot be renamed.
 */
export function symmetryOf(machine: Machine): () => Symmetry | undefined {
  let built: Symmetry | undefined | SpecError | null = null;
  return () => {
    if (built === null) {
      const layout = machine.layout;
      const next = layout.prims.length > 0
        ? layout.primOff.get(layout.prims[0]!)!
        : machine.insts[0]!.pcOff;
      try {
        built = buildSymmetry({
          spec: layout.spec,
          width: layout.width,
          hasAtomic: layout.hasAtomic,
          globalSlots: next - layout.globalBase,
          prims: layout.prims,
          primOff: layout.primOff,
          insts: machine.insts.map((i) => ({
            kind: i.type.name,
            symmetric: i.type.symmetric,
            pcOff: i.pcOff,
            size: 1 + i.type.localSize,
          })),
        });
      } catch (e) {
        built = e instanceof SpecError ? e : new SpecError(errorText(e), { spec: layout.spec });
      }
    }
    if (built instanceof SpecError) throw built;
    return built;
  };
}
