// Private module: bookkeeping shared by the socket specs. Client `id`
// counts the reply bytes that carry its own value (id + 1) in `got[id]`,
// and any other byte in `wrong[id]`.

import type { IntArray, StateView } from "../mod.ts";

/** Final property: every client got exactly `reply` bytes, all its own. */
export function everyClientGotItsReply(
  v: StateView<{ got: IntArray; wrong: IntArray }>,
  reply: number,
): true | string {
  const { got, wrong } = v.g;
  for (let id = 0; id < got.length; id++) {
    if (wrong[id] !== 0) return `client#${id} got ${wrong[id]} bytes of another client's reply`;
    if (got[id] !== reply) return `client#${id} got ${got[id]} of ${reply} reply bytes`;
  }
  return true;
}
