// The four acceptance traces of issue 14, charted: a deadlock, a message
// lost when a mailbox's owner exits, a coalesced signal, and a lasso.

import { check, type Checkable, type TraceChart, traceChart, traceRecorder } from "../../mod.ts";

/** An acceptance case: the spec's file and its parameters. */
export interface Case {
  readonly file: string;
  readonly params: Readonly<Record<string, number>>;
}

/** The four acceptance cases, by spec name. */
export const CASES: Readonly<Record<string, Case>> = {
  pc_swapped_waits: { file: "specs/pc_swapped_waits.ts", params: {} },
  mailbox_owner_exit: { file: "specs/mailbox_owner_exit.ts", params: { capacity: 1 } },
  sig_child_count_std: { file: "specs/sig_child_count.ts", params: {} },
  starving_consumer_weak: { file: "specs/starving_consumer.ts", params: {} },
};

/** The spec of a case, imported from its file (specs have compiler options of their own). */
export async function specOf(name: string): Promise<Checkable> {
  const c = CASES[name]!;
  const mod = await import(new URL(`../../${c.file}`, import.meta.url).href);
  const found = Object.values(mod).find((v) => (v as Checkable | undefined)?.name === name);
  if (found === undefined) throw new Error(`${c.file} exports no spec named ${name}`);
  return found as Checkable;
}

/** Checks a case and charts its counterexample. */
export async function chartOf(name: string): Promise<TraceChart> {
  const c = CASES[name]!;
  const spec = await specOf(name);
  const model = spec.compile(c.params);
  const result = check(model);
  const cx = result.violation;
  if (cx === undefined) throw new Error(`${name}: expected a violation, got ${result.verdict}`);
  return traceChart(model, cx, {
    recorder: traceRecorder(spec, c.params),
    params: result.params,
    replay: `deno run -A cli.ts check ${c.file} --spec ${name}${
      Object.entries(c.params).map(([k, v]) => ` --param ${k}=${v}`).join("")
    } --replay ${cx.init}:${cx.transitions.join(",")}`,
    stats: [["states", String(result.stats.states)]],
  });
}

/**
 * Whether `xml` is well-formed as far as a sequence chart needs: balanced
 * tags, quoted attributes, known entities, nothing after the root.
 */
export function wellFormed(xml: string): string | undefined {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const re =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let rootClosed = false;
  while ((m = re.exec(body)) !== null) {
    if (m[6] !== undefined) return `a stray '<' at ${m.index}`;
    if (m[5] !== undefined) {
      const bad = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(m[5]);
      if (bad !== null) return `a bad entity at ${m.index + bad.index}`;
      if (rootClosed && m[5].trim() !== "") return "text after the root element";
      continue;
    }
    if (m[2] === undefined) continue;
    if (rootClosed) return `an element after the root: <${m[2]}>`;
    if (m[1] === "/") {
      const open = stack.pop();
      if (open !== m[2]) return `</${m[2]}> closes <${open}>`;
      if (stack.length === 0) rootClosed = true;
    } else if (m[4] !== "/") {
      stack.push(m[2]);
    } else if (stack.length === 0) rootClosed = true;
  }
  return stack.length > 0 ? `<${stack.at(-1)}> is not closed` : undefined;
}
