// Private module: bookkeeping shared by the pipe specs. A reader stores the
// bytes it reads in `got[0..received)`; the writer sent 1, 2, 3, ...

import type { IntArray, StateView } from "../mod.ts";

/**
 * Final property: the bytes read are exactly 1, 2, ..., got.length, in
 * order: no loss, duplication or reordering.
 */
export function receivedInOrder(
  v: StateView<{ got: IntArray; received: number }>,
): true | string {
  const { got, received } = v.g;
  if (received !== got.length) return `${received} of ${got.length} bytes received`;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== i + 1) return `byte ${i} is ${got[i]}, expected ${i + 1}`;
  }
  return true;
}
