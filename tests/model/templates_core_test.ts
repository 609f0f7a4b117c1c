// Property templates on channels, mailboxes, semaphores and mutexes
// (model/templates.ts): each template's holding spec passes with a pinned
// state count, each mutated spec fails on the named property with a pinned
// trace that replays, and an independent breadth-first search over the
// model confirms that no shorter trace reaches a violating state.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  channel,
  check,
  lock,
  mutex,
  post,
  semaphore,
  spec,
  system,
  unlock,
  wait,
} from "../../mod.ts";
import { deliveryTemplate, exclusiveTemplate } from "../../model/templates.ts";
import { messageTaps, tapPut, tapTake } from "../../model/_tap.ts";
import type { PrimitiveImpl } from "../../model/_ast.ts";
import { opStep } from "../../model/primitives/_op.ts";
import { type AnySpec, loadSpec, type Pin, pinSpecs } from "../_pins.ts";
import { shortestTo } from "./_shortest.ts";

const rulesChannel = await loadSpec("rules_channel.ts", "rulesChannel");
const rulesRetransmit = await loadSpec("rules_channel.ts", "rulesRetransmit");
const rulesMailboxStranger = await loadSpec("rules_mailbox.ts", "rulesMailboxStranger");
const rulesMailboxTurns = await loadSpec("rules_mailbox.ts", "rulesMailboxTurns");
const rulesMailboxFifo = await loadSpec("rules_mailbox.ts", "rulesMailboxFifo");
const rulesMailboxTrio = await loadSpec("rules_mailbox.ts", "rulesMailboxTrio");
const rulesMailboxOwnerLoss = await loadSpec("rules_mailbox.ts", "rulesMailboxOwnerLoss");
const rulesLock = await loadSpec("rules_lock.ts", "rulesLock");
const rulesLockStrayPost = await loadSpec("rules_lock.ts", "rulesLockStrayPost");
const rulesLockTwo = await loadSpec("rules_lock.ts", "rulesLockTwo");
const rulesBounds = await loadSpec("rules_lock.ts", "rulesBounds");
const rulesBoundsRace = await loadSpec("rules_lock.ts", "rulesBoundsRace");
const mailboxRoundRobin = await loadSpec("mailbox_round_robin.ts", "mailboxRoundRobin");
const mailboxArbitrary = await loadSpec("mailbox_arbitrary.ts", "mailboxArbitrary");
const mailboxOwnerExit = await loadSpec("mailbox_owner_exit.ts", "mailboxOwnerExit");
const mailboxPair = await loadSpec("mailbox_pair.ts", "mailboxPair");

const PINS: Pin[] = [
  // Holding: exactly once + FIFO on a channel; 2 producers, 2 consumers.
  { spec: rulesChannel, params: {}, states: 1624, verdict: "ok" },
  // send, timeout, resend, receive, ack, receive again (+ the loop test).
  {
    spec: rulesRetransmit,
    params: {},
    states: 15,
    verdict: { property: "data: no duplicate", steps: 7 },
  },
  {
    spec: rulesMailboxStranger,
    params: {},
    states: 7,
    verdict: { property: "A: only receivers", steps: 3 },
  },
  {
    spec: rulesMailboxTurns,
    params: {},
    states: 8,
    verdict: { property: "A: round-robin", steps: 3 },
  },
  { spec: rulesMailboxFifo, params: {}, states: 23, verdict: { property: "A: FIFO", steps: 6 } },
  { spec: rulesMailboxTrio, params: {}, states: 20, verdict: { property: "A: pair", steps: 7 } },
  {
    spec: rulesMailboxOwnerLoss,
    params: {},
    states: 25,
    verdict: { property: "A: no loss", steps: 9 },
  },
  { spec: rulesLock, params: {}, states: 64, verdict: "ok" },
  {
    spec: rulesLockStrayPost,
    params: {},
    states: 4,
    verdict: { property: "lock: release by holder", steps: 1 },
  },
  {
    spec: rulesLockTwo,
    params: {},
    states: 13,
    verdict: { property: "lock: mutual exclusion", steps: 4 },
  },
  { spec: rulesBounds, params: {}, states: 778, verdict: "ok" },
  {
    spec: rulesBoundsRace,
    params: {},
    states: 2780,
    verdict: { property: "buf: 0 <= count <= 2", steps: 32 },
  },
  // The bundled mailbox specs with their templates attached hold.
  { spec: mailboxRoundRobin, params: {}, states: 408, verdict: "ok" },
  { spec: mailboxArbitrary, params: {}, states: 134, verdict: "ok" },
  { spec: mailboxOwnerExit, params: {}, states: 34, verdict: "ok" },
  { spec: mailboxPair, params: {}, states: 368, verdict: "ok" },
];

const pinned = pinSpecs(PINS);

for (const pin of PINS) {
  if (typeof pin.verdict !== "object") continue;
  const { property, steps } = pin.verdict;
  Deno.test(`${pin.spec.name}: no trace shorter than ${steps} steps breaks '${property}'`, () => {
    assert.equal(shortestTo((pin.spec as AnySpec).compile(pin.params), property), steps);
  });
}

Deno.test("a template's violation message names the message, its sender and its receiver", () => {
  const msg = (s: AnySpec) => pinned.atDefaults(s).violation?.message ?? "";
  assert.match(msg(rulesRetransmit), /receiver#0 received message 1 from sender#0 a second time/);
  assert.match(msg(rulesMailboxStranger), /snoop#0 received message 1 from sender#0 but is not/);
  assert.match(msg(rulesMailboxTurns), /out of turn: it was receiver#0's turn/);
  assert.match(msg(rulesMailboxFifo), /message 2 from sender#0 while message 1 from sender#0/);
  assert.match(msg(rulesMailboxOwnerLoss), /message 2 from sender#0 was destroyed/);
  assert.match(msg(rulesLockStrayPost), /cleanup#0 released 'lock' without holding it/);
  assert.match(msg(rulesLockTwo), /worker#1 acquired 'lock' while another process held it/);
  assert.match(msg(rulesBoundsRace), /count is -1, outside \[0, 2\]/);
});

Deno.test("the last step of a template's trace is the offending receive", () => {
  const v = pinned.atDefaults(rulesRetransmit).violation!;
  assert.equal(v.steps.at(-1)?.operation, "recv(data)");
  assert.equal(v.steps.at(-1)?.process, "receiver#0");
});

/** A channel spec: `senders` send `values` each; one receiver takes everything. */
function relay(
  senders: readonly (readonly number[])[],
  capacity: number,
  rules: Parameters<typeof deliveryTemplate>[1],
) {
  return spec({
    name: "relay",
    params: {},
    build: () => {
      const sys = system({});
      const c = channel("c", capacity);
      senders.forEach((vals, k) =>
        sys.process(`s${k}`, {}, (s) => vals.map((v) => s.send(c, () => v)))
      );
      const total = senders.reduce((n, v) => n + v.length, 0);
      sys.process(
        "r",
        { locals: { x: 0 } },
        (s) => Array.from({ length: total }, () => s.recv(c, "x")),
      );
      return sys.delivery(c, rules);
    },
  });
}

Deno.test("delivery rules never fail on a correct FIFO channel with distinct values (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.integer({ min: 0, max: 2 }),
      (senders, capacity) => {
        const r = check(
          relay(senders, capacity, { exactlyOnce: true, order: "fifoPerSender" }),
        );
        assert.equal(r.verdict, "ok", r.violation?.message);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("a sender that repeats a value is reported as a duplicate (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 31 }),
      fc.integer({ min: 0, max: 2 }),
      (v, capacity) => {
        const r = check(relay([[v, v]], capacity, { noDuplicates: true }));
        assert.equal(r.violation?.property, "c: no duplicate");
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("a rendezvous channel reports each hand-over as one delivery", () => {
  const r = check(relay([[1, 2], [3]], 0, { exactlyOnce: true, order: "fifo" }));
  assert.equal(r.verdict, "ok", r.violation?.message);
});

Deno.test("a value outside the no-duplicate range is a clear error naming the template", () => {
  const r = check(relay([[40]], 1, { noDuplicates: true }));
  assert.equal(r.verdict, "error");
  assert.match(r.error?.message ?? "", /no duplicate tells values 0\.\.31 apart, got 40/);
  assert.match(r.error?.message ?? "", /values: 41/);
});

Deno.test("no loss at end reports the messages left in the primitive", () => {
  const s = spec({
    name: "left",
    params: {},
    build: () => {
      const sys = system({});
      const c = channel("c", 2);
      sys.process("p", {}, (s) => [s.send(c, () => 1), s.send(c, () => 2)]);
      sys.process("q", { locals: { x: 0 } }, (s) => [s.recv(c, "x")]);
      return sys.delivery(c, { noLoss: true });
    },
  });
  const r = check(s);
  assert.equal(r.violation?.property, "c: no loss at end");
  assert.match(r.violation?.message ?? "", /never received: message 2 from p#0/);
});

Deno.test("templates refuse primitives that report nothing and bad rules", () => {
  assert.throws(() => deliveryTemplate(semaphore("s", 1), { noLoss: true }), /reports no messages/);
  assert.throws(() => exclusiveTemplate(channel("c", 1)), /is not a lock/);
  assert.throws(
    () => deliveryTemplate(channel("c", 1), { policy: "round-robin" }),
    /needs the receivers/,
  );
  assert.throws(
    () => deliveryTemplate(channel("c", 1), { fifo: true } as never),
    /unknown rule 'fifo'/,
  );
  const unused = spec({
    name: "unused",
    params: {},
    build: () => {
      const sys = system({});
      sys.process("p", {}, (s) => [s.do("nothing", () => {})]);
      return sys.delivery(channel("c", 1), { noLoss: true });
    },
  });
  const r = check(unused);
  assert.equal(r.verdict, "error");
  assert.match(
    r.error?.message ?? "",
    /delivery rules attached to channel 'c', which no process uses/,
  );
});

Deno.test("a mutex template sees condition-variable waits release and re-acquire it", async () => {
  const { condvar, condWait, condSignal } = await import("../../model/primitives/condvar.ts");
  const s = spec({
    name: "cv",
    params: {},
    build: () => {
      const sys = system({ ready: 0 });
      const m = mutex("m");
      const cv = condvar("cv", m);
      sys.process("waiter", {}, (s) => [
        lock(m),
        s.while(({ g }) => g.ready === 0, [condWait(cv)]),
        unlock(m),
      ]);
      sys.process("setter", {}, (s) => [
        lock(m),
        s.do("set", ({ g }) => {
          g.ready = 1;
        }),
        condSignal(cv),
        unlock(m),
      ]);
      return sys.exclusive(m);
    },
  });
  const r = check(s);
  assert.equal(r.verdict, "ok", r.violation?.message);
});

/**
 * A mutant buffer (the kind of slip a primitive's model can have): a stack
 * instead of a FIFO, whose send addresses each message to process `to`
 * while any process may take it. It reports what it does honestly, so the
 * templates must catch it.
 */
function mutantBuffer(name: string, to: number) {
  const prim: PrimitiveImpl = {
    kind: "mutant",
    name,
    slots: 3,
    init(w, off) {
      w.fill(0, off, off + 3);
    },
    format: (w, off) => `[${Array.from(w.subarray(off + 1, off + 1 + w[off]!)).join(",")}]`,
    value: (w, off) => w[off]!,
  };
  const taps = messageTaps(prim, () => ({ lanes: 1, capacity: 2 }));
  const send = (v: number) =>
    opStep({
      prim,
      text: `push(${name}, ${v})`,
      enabled: (w, off) => w[off]! < 2,
      apply(w, off, pid) {
        const n = w[off]!;
        w[off + 1 + n] = v;
        w[off] = n + 1;
        tapPut(taps, w, 0, n, pid, v, 0, to);
        return undefined;
      },
    });
  const recv = () =>
    opStep({
      prim,
      text: `pop(${name})`,
      enabled: (w, off) => w[off]! > 0,
      apply(w, off, pid) {
        const n = w[off]!;
        tapTake(taps, w, 0, n - 1, pid); // the newest: LIFO
        w[off + n] = 0;
        w[off] = n - 1;
        return undefined;
      },
    });
  return { prim, send, recv };
}

function mutantSpec(rules: Parameters<typeof deliveryTemplate>[1], to: number) {
  return spec({
    name: "mutant",
    params: {},
    build: () => {
      const sys = system({});
      const b = mutantBuffer("b", to);
      sys.process("sender", {}, () => [b.send(1), b.send(2)]);
      sys.process("r", { count: 2 }, () => [b.recv()]);
      return sys.delivery(b.prim, rules);
    },
  });
}

Deno.test("templates catch a mutant primitive: a stack breaks FIFO", () => {
  const r = check(mutantSpec({ order: "fifo" }, -1));
  assert.equal(r.violation?.property, "b: FIFO");
  assert.match(r.violation?.message ?? "", /received message 2 from sender#0 while message 1/);
  assert.equal(r.violation?.transitions.length, 3);
  assert.equal(check(mutantSpec({ exactlyOnce: true }, -1)).verdict, "ok");
});

Deno.test("templates catch a mutant primitive: a message addressed to r#0 taken by r#1", () => {
  const r = check(mutantSpec({ addressee: true }, 1));
  assert.equal(r.violation?.property, "b: only the addressee");
  assert.match(
    r.violation?.message ?? "",
    /r#1 received message \d from sender#0, which was addressed to r#0/,
  );
});

Deno.test("a mutex or semaphore template passes on correct locking (fast-check)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), (n, k) => {
      const s = spec({
        name: "locks",
        params: {},
        build: () => {
          const sys = system({});
          const m = mutex("m"), sem = semaphore("s", k);
          sys.process("w", { count: n }, () => [wait(sem), lock(m), unlock(m), post(sem)]);
          return sys.exclusive(m).exclusive(sem);
        },
      });
      assert.equal(check(s).verdict, "ok");
    }),
    { numRuns: 12 },
  );
});

Deno.test("a counting lock knows each holder: a process that released all it held cannot release again", () => {
  const s = spec({
    name: "twice",
    params: {},
    build: () => {
      const sys = system({});
      const sem = semaphore("s", 2);
      // a holds once and releases twice while b still holds: the count alone
      // (never below 0) would not see it.
      sys.process("a", {}, () => [wait(sem), post(sem), post(sem)]);
      sys.process("b", {}, () => [wait(sem), post(sem)]);
      return sys.exclusive(sem);
    },
  });
  const r = check(s);
  assert.equal(r.violation?.property, "s: release by holder");
  assert.match(r.violation?.message ?? "", /a#0 released 's' without holding it/);
});
