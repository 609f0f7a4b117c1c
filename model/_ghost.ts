// Private module: small helpers the property templates (templates.ts) share
// for their ghost state: process sets as 32-bit masks.

/** The mask bit of process `pid` (templates tell at most 32 processes apart). */
export function bit(pid: number): number {
  return 1 << (pid & 31);
}

/** How many processes a mask holds. */
export function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** A mask as `{p0, p1}`, by process name. */
export function maskText(mask: number, pidName: (pid: number) => string): string {
  const out: string[] = [];
  for (let p = 0; p < 32; p++) if ((mask & (1 << p)) !== 0) out.push(pidName(p));
  return `{${out.join(", ")}}`;
}
