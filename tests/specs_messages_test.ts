// The structured-message scenario spec (issue 16, item 3): pipelined calls
// whose replies are picked by two fields of a record (specs/tagged_rpc.ts).
// Verdicts and exact state counts pinned; partial-order and symmetry
// reduction pinned and compared with the unreduced search; generated code
// against the interpreter; the counterexample read as the protocol's
// failure.

import assert from "node:assert/strict";
import { check } from "../mod.ts";
import { assertDeclaredVerdicts, loadSpec, type Pin, pinSpecs } from "./_pins.ts";
import { expansions } from "./model/_agreement.ts";

const taggedRpc = await loadSpec("tagged_rpc.ts", "taggedRpc");
const taggedRpcNoSeq = await loadSpec("tagged_rpc.ts", "taggedRpcNoSeq");

const PINS: Pin[] = [
  { spec: taggedRpc, params: {}, states: 224, verdict: "ok" },
  { spec: taggedRpc, params: { clients: 2 }, states: 19064, verdict: "ok" },
  {
    spec: taggedRpcNoSeq,
    params: {},
    states: 152,
    verdict: { property: "the answer to this request", steps: 13 },
  },
];

const { run } = pinSpecs(PINS);

Deno.test("tagged_rpc specs meet their declared verdicts", () => {
  assertDeclaredVerdicts([taggedRpc, taggedRpcNoSeq]);
});

Deno.test("tagged_rpc: por and symmetry pinned, same verdicts as the unreduced search", () => {
  const reduced: [Pin, number, number][] = [
    [PINS[0]!, 66, 130],
    [PINS[1]!, 1708, 10137],
    [PINS[2]!, 54, 92],
  ];
  for (const [pin, por, sym] of reduced) {
    const full = run(pin);
    const what = `${pin.spec.name} ${JSON.stringify(pin.params)}`;
    for (
      const [options, states] of [[{ reduction: "por" as const }, por], [
        { symmetry: true },
        sym,
      ]] as const
    ) {
      const r = check(pin.spec, { params: pin.params, ...options });
      assert.equal(r.verdict, full.verdict, what);
      assert.equal(r.violation?.property, full.violation?.property, what);
      assert.equal(r.stats.states, states, `${what} ${JSON.stringify(options)}`);
    }
  }
});

Deno.test("tagged_rpc: generated code and interpreter give the same successors", () => {
  for (const s of [taggedRpc, taggedRpcNoSeq]) {
    assert.deepEqual(expansions(s, {}), expansions(s, { interpret: true }), s.name);
  }
});

Deno.test("tagged_rpc_no_seq: the second worker answers first and the client takes it as the first answer", () => {
  const steps = run(PINS[2]!).violation!.steps;
  const ops = steps.map((s) => `${s.process} ${s.operation}`);
  assert.deepEqual(ops.slice(-6), [
    "worker#1 send(replies)",
    "client#0 k++",
    "client#0 for (k < 2) -> done",
    "client#0 for (k < 2) -> body",
    "client#0 recv(replies) where ...",
    "client#0 assert the answer to this request",
  ]);
  // The reply is printed by field name: the answer to request 1 (arg 1).
  const sent = steps.at(-6)!.changes.find((c) => c.name === "replies");
  assert.equal(sent?.after, "[{client:0,seq:1,result:2}]");
  assert.match(run(PINS[2]!).violation!.message, /request 0 got 2/);
});
