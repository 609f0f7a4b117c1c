// Private module: the exactly-once check of the message-passing specs.
// Messages are numbered 1..n; received[m] counts the receipts of m, and
// received[0] stays 0.

import type { IntArray } from "../mod.ts";

/** Final property: every message 1..n was received exactly once. */
export function exactlyOnce(received: IntArray): true | string {
  const problems: string[] = [];
  for (let m = 1; m < received.length; m++) {
    if (received[m] === 0) problems.push(`message ${m} was never received`);
    else if (received[m] !== 1) problems.push(`message ${m} was received ${received[m]} times`);
  }
  return problems.length === 0 ? true : problems.join("; ");
}
