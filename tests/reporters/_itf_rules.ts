// Test helper: the rules of the Informal Trace Format (Apalache ADR-015),
// checked one by one: the trace object, the state objects, the expressions.

const INT_MAX = 2 ** 53 - 1;

function expr(v: unknown, at: string, out: string[]): void {
  if (typeof v === "string" || typeof v === "boolean") return;
  if (typeof v === "number") {
    if (!Number.isInteger(v) || Math.abs(v) > INT_MAX) {
      out.push(`${at}: ${v} is not an ITF integer`);
    }
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => expr(x, `${at}[${i}]`, out));
    return;
  }
  if (typeof v !== "object" || v === null) {
    out.push(`${at}: ${JSON.stringify(v)} is not an ITF expression`);
    return;
  }
  const keys = Object.keys(v);
  const o = v as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === "#bigint") {
    if (typeof o["#bigint"] !== "string" || !/^-?[0-9]+$/.test(o["#bigint"])) {
      out.push(`${at}: #bigint must be a string of digits`);
    }
    return;
  }
  if (keys.length === 1 && (keys[0] === "#tup" || keys[0] === "#set")) {
    const items = o[keys[0]];
    if (!Array.isArray(items)) out.push(`${at}: ${keys[0]} must hold a list`);
    else items.forEach((x, i) => expr(x, `${at}.${keys[0]}[${i}]`, out));
    return;
  }
  if (keys.length === 1 && keys[0] === "#map") {
    const pairs = o["#map"];
    if (!Array.isArray(pairs)) out.push(`${at}: #map must hold a list of pairs`);
    else {
      pairs.forEach((p, i) => {
        if (!Array.isArray(p) || p.length !== 2) out.push(`${at}.#map[${i}]: not a pair`);
        else p.forEach((x, j) => expr(x, `${at}.#map[${i}][${j}]`, out));
      });
    }
    return;
  }
  // A record: field names must not start with '#'.
  for (const k of keys) {
    if (k.startsWith("#")) out.push(`${at}: record field '${k}' starts with '#'`);
    expr(o[k], `${at}.${k}`, out);
  }
}

/** Every way `t` breaks the rules of ADR-015 (empty for a valid trace). */
export function itfViolations(t: unknown): string[] {
  const out: string[] = [];
  if (typeof t !== "object" || t === null || Array.isArray(t)) return ["a trace is a JSON object"];
  const o = t as Record<string, unknown>;
  const allowed = new Set(["#meta", "params", "vars", "states", "loop"]);
  for (const k of Object.keys(o)) if (!allowed.has(k)) out.push(`unknown trace field '${k}'`);
  const meta = o["#meta"];
  if (meta !== undefined && (typeof meta !== "object" || meta === null || Array.isArray(meta))) {
    out.push("#meta must be an object");
  }
  const names = (f: string): string[] => {
    const v = o[f];
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      out.push(`${f} must be an array of strings`);
      return [];
    }
    return v;
  };
  const params = o.params === undefined ? [] : names("params");
  const vars = names("vars");
  if (!Array.isArray(o.states)) return [...out, "states must be an array"];
  o.states.forEach((s, i) => {
    if (typeof s !== "object" || s === null || Array.isArray(s)) {
      out.push(`states[${i}] is not an object`);
      return;
    }
    const st = s as Record<string, unknown>;
    const m = st["#meta"];
    if (m !== undefined && (typeof m !== "object" || m === null || Array.isArray(m))) {
      out.push(`states[${i}].#meta must be an object`);
    }
    for (const v of vars) if (!(v in st)) out.push(`states[${i}] does not define '${v}'`);
    if (i === 0) {
      for (const p of params) if (!(p in st)) out.push(`states[0] does not set '${p}'`);
    }
    for (const [k, v] of Object.entries(st)) {
      if (k === "#meta") continue;
      if (!vars.includes(k) && !(i === 0 && params.includes(k))) {
        out.push(`states[${i}] defines '${k}', neither a var nor a param`);
      }
      expr(v, `states[${i}].${k}`, out);
    }
  });
  if (o.loop !== undefined) {
    if (
      !Number.isInteger(o.loop) || (o.loop as number) < 0 || (o.loop as number) >= o.states.length
    ) {
      out.push(`loop ${o.loop} is not the index of a state`);
    }
  }
  return out;
}
