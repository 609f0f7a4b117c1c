// Private helpers of the reporters: numbers, sizes and parameters as text.

/** `n` rounded, with thousands separators: `1,234`. */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** A byte count in B, KiB, MiB or GiB. */
export function fmtBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A probability: 0, three decimals, or an exponent below 0.001. */
export function fmtProbability(p: number): string {
  return p === 0 ? "0" : p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** A fraction as a percentage, truncated to four significant decimals. */
export function fmtCoverage(c: number): string {
  return `${Math.floor(c * 1e6) / 1e4}%`;
}

/** Parameters as `name=value` pairs separated by spaces (empty for none). */
export function fmtParams(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(" ");
}

/** A spec's name with its parameters in parentheses (none without parameters). */
export function fmtHead(spec: string, params: Readonly<Record<string, unknown>>): string {
  const ps = fmtParams(params);
  return `${spec}${ps === "" ? "" : ` (${ps})`}`;
}
