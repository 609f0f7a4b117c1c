// Delivery templates on message queues, direct links, pipes and sockets
// (model/templates.ts, fed by the primitives' taps): for each primitive a
// spec where the rules it keeps hold (pinned state count), the bundled
// mutated specs failing on the named rule with a pinned shortest trace that
// replays and names the right sender, value and receiver, and a check that
// the template's mirror stays in step with the primitive's own buffer in
// every reachable state: the same messages in the same order, each from the
// process that sent it. fast-check drives random queue workloads through
// both.

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  check,
  type DeliveryRules,
  Errno,
  label,
  loop,
  pidOf,
  pidsOf,
  replay,
  spec,
  status,
  system,
} from "../../mod.ts";
import type { Model } from "../../extend.ts";
import { msgctlRmid, msgQueue, msgrcv, msgsnd } from "../../model/primitives/sysv_msg.ts";
import { mqReceive, mqSend, posixMq } from "../../model/primitives/posix_mq.ts";
import { direct, receiveAny, receiveFrom, sendTo } from "../../model/primitives/direct.ts";
import { close, pipe, read, readAll, write, writeAll } from "../../model/primitives/pipe.ts";
import {
  sockAccept,
  sockClose,
  sockConnect,
  sockRecv,
  sockSend,
  sockShutdown,
  unixStream,
} from "../../model/primitives/unix_stream.ts";
import { dgramRecv, dgramSend, unixDgram } from "../../model/primitives/unix_dgram.ts";
import { explore } from "./_explore.ts";
import { type AnySpec, loadSpec, type Pin, pinSpecs } from "../_pins.ts";
import { shortestTo } from "./_shortest.ts";

// --- the mirror in step with the buffer ----------------------------------------

/** The kinds of primitive whose buffer {@linkcode bufferOf} reads from a formatted state. */
type Kind = "sysv" | "posix" | "direct" | "pipe" | "stream" | "dgram";

/** The part of a formatted state that is primitive `name`'s own. */
function segment(state: string, name: string): string {
  const at = state.indexOf(`${name}=`);
  assert.ok(at >= 0, `no '${name}' in ${state}`);
  const rest = state.slice(at + name.length + 1);
  const end = rest.search(/ [A-Za-z_][\w.]*=/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The values in a primitive's buffer, lane after lane, as its format shows them. */
function bufferOf(kind: Kind, state: string, name: string): number[] {
  let seg = segment(state, name);
  if (kind === "sysv" || kind === "posix") seg = seg.split(";")[0]!;
  if (kind === "stream") seg = [...seg.matchAll(/#\d+\{([^}]*)\}/g)].map((m) => m[1]).join(" ");
  const groups = kind === "direct"
    ? [...seg.matchAll(/offers (-?\d+)|\[([^\]]*)\]/g)].map((m) => m[1] ?? m[2]!)
    : [...seg.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
  const items = (kind === "pipe" || kind === "dgram" ? groups.slice(0, 1) : groups)
    .flatMap((g) => g.split(/[ ,]/)).filter((x) => x !== "");
  return items.map((x) => {
    const v = kind === "sysv" || kind === "posix"
      ? /:(-?\d+)\(/.exec(x)?.[1]
      : kind === "stream" || kind === "dgram"
      ? x.split(":")[0]
      : x;
    assert.ok(v !== undefined && /^-?\d+$/.test(v), `cannot read '${x}' in '${seg}'`);
    return Number(v);
  });
}

/** The template's mirror in a formatted state: each message's value and sender. */
function mirrorOf(state: string, name: string): { value: number; from: string }[] {
  const seg = segment(state, `${name}.delivery`);
  assert.match(seg, /^in flight /);
  return [...seg.matchAll(/\[([^\]]*)\]/g)]
    .flatMap((m) => m[1]!.split(",").filter((x) => x !== ""))
    .map((x) => {
      const [v, from] = x.split("@");
      return { value: Number(v), from: from! };
    });
}

/**
 * Asserts that in every reachable state of `model` the template on `name`
 * mirrors the primitive's buffer message for message, and that each
 * message's sender is the one its value names (`senderOf`). Returns the
 * number of states.
 */
function assertInStep(
  model: Model,
  kind: Kind,
  name: string,
  senderOf: (value: number) => string,
): number {
  const e = explore(model, (state) => {
    const mirror = mirrorOf(state, name);
    assert.deepEqual(mirror.map((m) => m.value), bufferOf(kind, state, name), state);
    for (const m of mirror) assert.equal(m.from, senderOf(m.value), state);
  });
  return e.states;
}

// --- small specs per primitive, holding -------------------------------------------

/**
 * System V: sender kinds `s0`, `s1`, ... each send messages of the given
 * types, valued `10 k + i + 1` (sender k, message i); one receiver takes
 * them all, cycling through `selectors` (a blocking msgrcv when `block`,
 * else IPC_NOWAIT retried).
 */
function sysvSpec(
  name: string,
  types: readonly (readonly number[])[],
  selectors: readonly number[],
  rules: DeliveryRules,
  options: { block?: boolean; capacity?: number } = {},
) {
  const total = types.reduce((n, t) => n + t.length, 0);
  return spec({
    name,
    params: {},
    build: () => {
      const sys = system({});
      const q = msgQueue("q", {
        qbytes: 4 * (options.capacity ?? total),
        capacity: options.capacity ?? total,
        waiters: types.length + 1,
      });
      types.forEach((ts, k) =>
        sys.process(
          `s${k}`,
          {},
          () => ts.map((t, i) => msgsnd(q, { type: t, value: 10 * k + i + 1 })),
        )
      );
      sys.process("r", { locals: { got: 0, i: 0, x: 0, err: status() } }, (s) => [
        s.while(({ l }) => l.got < total, [
          msgrcv(q, {
            type: s.expr(({ l }) => selectors[l.i]!),
            nowait: options.block !== true,
            into: s.into("x"),
            status: s.into("err"),
            text: "msgrcv(q, selector)",
          }),
          s.do("next", ({ l }) => {
            if (l.err === Errno.OK) l.got++;
            l.i = (l.i + 1) % selectors.length;
          }),
        ]),
      ]);
      return sys.delivery(q, rules);
    },
  });
}

/** POSIX: sender kinds `s0`, `s1`, ... each send messages of the given priorities. */
function posixSpec(
  name: string,
  prios: readonly (readonly number[])[],
  maxmsg: number,
  rules: DeliveryRules,
) {
  const total = prios.reduce((n, t) => n + t.length, 0);
  return spec({
    name,
    params: {},
    build: () => {
      const sys = system({});
      const q = posixMq("q", { maxmsg, msgsize: 4, waiters: prios.length + 1 });
      prios.forEach((ps, k) =>
        sys.process(
          `s${k}`,
          {},
          () => ps.map((p, i) => mqSend(q, { value: 10 * k + i + 1, prio: p })),
        )
      );
      sys.process("r", { locals: { got: 0, x: 0 } }, (s) => [
        s.while(({ l }) => l.got < total, [
          mqReceive(q, { into: s.into("x") }),
          s.do("next", ({ l }) => {
            l.got++;
          }),
        ]),
      ]);
      return sys.delivery(q, rules);
    },
  });
}

/** The sender a value `10 k + i + 1` names: kind `s<k>`. */
const senderS = (v: number) => `s${Math.floor((v - 1) / 10)}#0`;

/** Direct links: two clients send two requests each to a server, which echoes each. */
function directSpec(name: string, capacity: number | "unbounded", any: boolean) {
  return spec({
    name,
    params: {},
    build: () => {
      const sys = system({});
      const net = direct("net", {
        processes: sys,
        ...(capacity === "unbounded" ? { capacity, bound: 2 } : { capacity }),
      });
      const server = pidOf(sys, "server");
      sys.process("client", { count: 2, locals: { k: 0, r: 0 } }, (s) => [
        s.while(({ l }) => l.k < 2, [
          sendTo(net, server, s.expr(({ id, l }) => 10 * id + l.k + 1)),
          receiveFrom(net, server, s.into("r")),
          s.do("next", ({ l }) => {
            l.k++;
          }),
        ]),
      ]);
      sys.process("server", { locals: { m: 0, who: 0, c: 0 } }, (s) => [
        loop(
          label("idle", { end: true }),
          any
            ? receiveAny(net, s.into("m"), s.into("who"))
            : receiveFrom(net, s.local("c"), s.into("m")),
          s.do("who", ({ l }) => {
            if (!any) l.who = l.c;
            l.c = 1 - l.c;
          }),
          // The echo is valued 50 + the request, so (sender, value) stays unique.
          sendTo(net, s.local("who"), s.expr(({ l }) => 50 + l.m)),
        ),
      ]);
      return sys.delivery(net, {
        exactlyOnce: true,
        noDuplicates: { values: 80 },
        order: "fifo",
        addressee: true,
      });
    },
  });
}

/** Direct senders: values below 50 are requests from client (v-1)/10, above are echoes. */
const senderDirect = (v: number) => v > 50 ? "server#0" : `client#${Math.floor((v - 1) / 10)}`;

/** A pipe: two writers write one byte valued `10 k + i + 1` at a time; a reader reads to EOF. */
function pipeSpec(name: string, chunk: number, header: boolean) {
  return spec({
    name,
    params: {},
    build: () => {
      const sys = system({});
      const fd = pipe(sys, "fd", { capacity: 2 });
      sys.process("w", { count: 2 }, (s) => [
        close(fd, "read"),
        header
          ? writeAll(fd, { bytes: 1, header: true, value: s.expr(({ id }) => 10 * id + 1) })
          : write(fd, { bytes: 1, value: s.expr(({ id }) => 10 * id + 1) }),
        write(fd, { bytes: 1, value: s.expr(({ id }) => 10 * id + 2) }),
      ]);
      sys.process("r", { locals: { n: -1 } }, (s) => [
        close(fd, "write"),
        header ? readAll(fd, { header: true }) : s.do("no header", () => {}),
        s.while(({ l }) => l.n !== 0, [read(fd, { bytes: chunk, count: s.into("n") })]),
      ]);
      return sys.delivery(
        fd,
        header ? { noLoss: true, order: "fifo" } : {
          exactlyOnce: true,
          order: "fifo",
          receivers: pidsOf(sys, "r"),
        },
      );
    },
  });
}

/** Pipe writers are kind `w`: copy (v-1)/10 (a header byte is 1, from either). */
const senderPipe = (v: number) => `w#${Math.floor((v - 1) / 10)}`;

/**
 * A stream or seqpacket socket: two clients each send a request (two bytes,
 * or one record), shut down writing and read the echo to EOF; the server
 * reads each request to EOF and echoes its last byte.
 */
function streamSpec(name: string, type: "stream" | "seqpacket", shortReads: boolean) {
  const seq = type === "seqpacket";
  return spec({
    name,
    params: {},
    build: () => {
      const sys = system({});
      const srv = unixStream(sys, "srv", {
        type,
        connections: 2,
        buffer: 2,
        listening: { backlog: 1 },
        shortReads,
      });
      sys.process("server", { locals: { k: 0, c: -1, n: -1, v: 0 } }, (s) => [
        s.while(({ l }) => l.k < 2, [
          sockAccept(srv, { conn: s.into("c") }),
          s.do("new request", ({ l }) => {
            l.n = -1;
          }),
          s.while(({ l }) => l.n !== 0, [
            sockRecv(srv, {
              conn: s.local("c"),
              bytes: 2,
              into: s.into("v"),
              count: s.into("n"),
            }),
          ]),
          sockSend(srv, {
            conn: s.local("c"),
            bytes: 1,
            value: s.expr(({ l }) => 50 + l.v),
          }),
          sockClose(srv, { conn: s.local("c") }),
          s.do("next", ({ l }) => {
            l.k++;
          }),
        ]),
      ]);
      sys.process("client", { count: 2, locals: { c: -1, n: -1 } }, (s) => [
        sockConnect(srv, { conn: s.into("c") }),
        sockSend(srv, {
          conn: s.local("c"),
          bytes: seq ? 1 : 2,
          value: s.expr(({ id }) => 10 * id + 1),
        }),
        sockShutdown(srv, { conn: s.local("c") }),
        s.while(({ l }) => l.n !== 0, [
          sockRecv(srv, { conn: s.local("c"), bytes: 2, count: s.into("n") }),
        ]),
      ]);
      // A stream's two request bytes share a value: no duplicate check there.
      return sys.delivery(
        srv,
        seq
          ? { exactlyOnce: true, order: "fifo", noDuplicates: { values: 80 } }
          : { noLoss: true, order: "fifo" },
      );
    },
  });
}

const senderStream = (v: number) => v > 50 ? "server#0" : `client#${Math.floor((v - 1) / 10)}`;

/** A datagram socket: two senders send two datagrams each; a receiver takes four. */
function dgramSpec(name: string, queue: number) {
  return spec({
    name,
    params: {},
    build: () => {
      const sys = system({});
      const port = unixDgram(sys, "port", { queue });
      sys.process("s", { count: 2 }, (s) => [
        dgramSend(port, { bytes: 1, value: s.expr(({ id }) => 10 * id + 1) }),
        dgramSend(port, { bytes: 1, value: s.expr(({ id }) => 10 * id + 2) }),
      ]);
      sys.process("r", { locals: { v: 0, k: 0 } }, (s) => [
        s.while(({ l }) => l.k < 4, [
          dgramRecv(port, { bytes: 1, into: s.into("v") }),
          s.do("next", ({ l }) => {
            l.k++;
          }),
        ]),
      ]);
      return sys.delivery(port, {
        exactlyOnce: true,
        order: "fifo",
        receivers: pidsOf(sys, "r"),
      });
    },
  });
}

const senderDgram = (v: number) => `s#${Math.floor((v - 1) / 10)}`;

// --- pins -----------------------------------------------------------------------------

const rulesMqOvertake = await loadSpec("rules_mq.ts", "rulesMqOvertake");
const rulesMqType = await loadSpec("rules_mq.ts", "rulesMqType");
const rulesMqRmid = await loadSpec("rules_mq.ts", "rulesMqRmid");
const rulesSocketUnread = await loadSpec("rules_socket.ts", "rulesSocketUnread");
const rulesDgramClose = await loadSpec("rules_socket.ts", "rulesDgramClose");
const rulesPipeUnread = await loadSpec("rules_socket.ts", "rulesPipeUnread");

const sysvFifo = sysvSpec("sysv_fifo", [[1, 1], [1, 1]], [0], {
  exactlyOnce: true,
  order: "fifo",
}, { block: true });
const sysvTypes = sysvSpec("sysv_types", [[1, 2], [2, 1]], [2, -2, 0, 1], {
  exactlyOnce: true,
  order: "fifoPerType",
});
const posixPriority = posixSpec("posix_priority", [[0, 9], [5, 0]], 1, {
  exactlyOnce: true,
  order: "priority",
});
const directSym = directSpec("direct_symmetric", 1, false);
const directAny = directSpec("direct_any", 0, true);
const pipeBytes = pipeSpec("pipe_bytes", 2, false);
const seqpacket = streamSpec("seqpacket_echo", "seqpacket", false);
const streamShort = streamSpec("stream_echo", "stream", true);
const dgram = dgramSpec("dgram_two_senders", 2);

const PINS: Pin[] = [
  // Holding specs, one per primitive.
  { spec: sysvFifo, params: {}, states: 231, verdict: "ok" },
  { spec: sysvTypes, params: {}, states: 1421, verdict: "ok" },
  { spec: posixPriority, params: {}, states: 419, verdict: "ok" },
  { spec: directSym, params: {}, states: 119, verdict: "ok" },
  { spec: directAny, params: {}, states: 529, verdict: "ok" },
  { spec: pipeBytes, params: {}, states: 162, verdict: "ok" },
  { spec: seqpacket, params: {}, states: 1162, verdict: "ok" },
  { spec: streamShort, params: {}, states: 1450, verdict: "ok" },
  { spec: dgram, params: {}, states: 128, verdict: "ok" },
  // The mutated specs: each producer's normal send, then the other's urgent
  // one... see each pin's story in the test below.
  {
    spec: rulesMqOvertake,
    params: {},
    states: 27,
    verdict: { property: "q: FIFO per sender", steps: 4 },
  },
  {
    spec: rulesMqType,
    params: {},
    states: 10,
    verdict: { property: "jobs: priority order", steps: 4 },
  },
  { spec: rulesMqRmid, params: {}, states: 31, verdict: { property: "jobs: no loss", steps: 8 } },
  {
    spec: rulesSocketUnread,
    params: {},
    states: 7,
    verdict: { property: "srv: no loss", steps: 5 },
  },
  {
    spec: rulesDgramClose,
    params: {},
    states: 17,
    verdict: { property: "port: no loss", steps: 7 },
  },
  {
    spec: rulesPipeUnread,
    params: {},
    states: 26,
    verdict: { property: "fd: no loss", steps: 10 },
  },
];

const pinned = pinSpecs(PINS);

for (const pin of PINS) {
  if (typeof pin.verdict !== "object") continue;
  const { property, steps } = pin.verdict;
  Deno.test(`${pin.spec.name}: the shortest trace breaking '${property}' has ${steps} steps and replays`, () => {
    const model = (pin.spec as AnySpec).compile(pin.params);
    assert.equal(shortestTo(model, property), steps);
    const v = pinned.run(pin).violation!;
    const rep = replay(model, v);
    assert.equal(rep.error, undefined);
    assert.equal(rep.failure, undefined);
    assert.equal(model.properties[model.check(rep.states.at(-1)!)]?.name, property);
    assert.equal(rep.states.length, steps + 1);
  });
}

Deno.test("template violations name the message, its sender and the step that broke the rule", () => {
  const last = (s: AnySpec) => {
    const v = pinned.atDefaults(s).violation!;
    return { message: v.message, step: `${v.steps.at(-1)?.process} ${v.steps.at(-1)?.operation}` };
  };
  // POSIX: producer#0's urgent message (2) is taken before its normal one (1).
  const overtake = last(rulesMqOvertake);
  assert.match(
    overtake.message,
    /consumer#0 received message 2 from producer#0 while message 1 from producer#0 should come first \(FIFO per sender\)/,
  );
  assert.match(overtake.step, /^consumer#0 mq_receive\(q\)/);
  // System V: msgrcv(0) takes the normal job (1) while the urgent one (2) waits.
  const type = last(rulesMqType);
  assert.match(
    type.message,
    /worker#0 received message 1 from dispatcher#0 while message 2 from dispatcher#0 should come first \(priority order\)/,
  );
  assert.match(type.step, /^worker#0 msgrcv\(jobs, type 0\)/);
  // IPC_RMID destroys the first job, still queued.
  const rmid = last(rulesMqRmid);
  assert.match(
    rmid.message,
    /message 1 from coordinator#0 was destroyed before anyone received it/,
  );
  assert.equal(rmid.step, "coordinator#0 msgctl(jobs, IPC_RMID)");
  // The server's close destroys the request byte it did not read.
  const unread = last(rulesSocketUnread);
  assert.match(
    unread.message,
    /message 7 from client#0 was destroyed before anyone received it \(conn 0 → accepted end\)/,
  );
  assert.match(unread.step, /^server#0 close\(srv/);
  // The receiver's close discards the second datagram.
  const dg = last(rulesDgramClose);
  assert.match(dg.message, /message 2 from sender#0 was destroyed before anyone received it/);
  assert.equal(dg.step, "receiver#0 close(port)");
  // The pipe is freed when the last end goes (an exit): byte 2 is discarded.
  const pp = last(rulesPipeUnread);
  assert.match(pp.message, /message 2 from writer#0 was destroyed before anyone received it/);
});

Deno.test("the same queues with the rules they keep hold", () => {
  // rules_mq_type with the order System V keeps for every selector.
  const sysv = sysvSpec("sysv_type_fifo", [[1, 2]], [0], {
    exactlyOnce: true,
    order: "fifoPerType",
  });
  assert.equal(check(sysv).verdict, "ok");
  // rules_mq_overtake with the order POSIX keeps.
  const posix = posixSpec("posix_overtake", [[0, 9], [0, 9]], 2, {
    exactlyOnce: true,
    order: "priority",
  });
  assert.equal(check(posix).verdict, "ok");
  // A System V queue removed once empty loses nothing (mq_rmid is the full spec).
  const s = spec({
    name: "rmid_after",
    params: {},
    build: () => {
      const sys = system({ done: 0 });
      const q = msgQueue("q", { qbytes: 8, capacity: 2, waiters: 1 });
      sys.process("p", {}, (s) => [
        msgsnd(q, { type: 1, value: 1 }),
        s.when("taken", ({ g }) => g.done === 1),
        msgctlRmid(q),
      ]);
      sys.process("c", { locals: { x: 0 } }, (s) => [
        msgrcv(q, { into: s.into("x") }),
        s.do("done", ({ g }) => {
          g.done = 1;
        }),
      ]);
      return sys.delivery(q, { exactlyOnce: true });
    },
  });
  assert.equal(check(s).verdict, "ok");
});

// --- the mirror in step, in every reachable state -----------------------------------

Deno.test("System V: the mirror follows every selection mode, hand-off and blocked sender", () => {
  assert.equal(assertInStep(sysvFifo.compile(), "sysv", "q", senderS), 231);
  assert.equal(assertInStep(sysvTypes.compile(), "sysv", "q", senderS), 1421);
  // A queue of one message: senders block, and a blocked receiver is handed
  // messages directly.
  const tight = sysvSpec("sysv_tight", [[2, 1], [1]], [-2, 0], {
    exactlyOnce: true,
    order: "fifoPerType",
  }, {
    block: true,
    capacity: 1,
  });
  assertInStep(tight.compile(), "sysv", "q", senderS);
  assert.equal(check(tight).verdict, "ok");
});

Deno.test("POSIX: the mirror follows priority inserts, hand-offs and pipelined receives", () => {
  assert.equal(assertInStep(posixPriority.compile(), "posix", "q", senderS), 419);
  const roomy = posixSpec("posix_roomy", [[0, 9], [5, 5]], 3, {
    exactlyOnce: true,
    order: "priority",
  });
  assertInStep(roomy.compile(), "posix", "q", senderS);
});

Deno.test("direct links: the mirror follows each link, for every capacity", () => {
  assert.equal(assertInStep(directSym.compile(), "direct", "net", senderDirect), 119);
  assert.equal(assertInStep(directAny.compile(), "direct", "net", senderDirect), 529);
  const lazy = directSpec("direct_unbounded", "unbounded", true);
  assertInStep(lazy.compile(), "direct", "net", senderDirect);
  assert.equal(check(lazy).verdict, "ok");
});

Deno.test("pipes: the mirror follows every byte, a header byte included", () => {
  assert.equal(assertInStep(pipeBytes.compile(), "pipe", "fd", senderPipe), 162);
  const framed = pipeSpec("pipe_framed", 1, true);
  // The header byte holds the length (1): it is from either writer.
  const e = explore(framed.compile(), (state) => {
    const mirror = mirrorOf(state, "fd");
    assert.deepEqual(mirror.map((m) => m.value), bufferOf("pipe", state, "fd"), state);
    for (const m of mirror) if (m.value !== 1) assert.equal(m.from, senderPipe(m.value), state);
  });
  assert.ok(e.states > 0);
  assert.equal(check(framed).verdict, "ok");
});

Deno.test("sockets: the mirror follows each connection direction, and the datagram queue", () => {
  assert.equal(assertInStep(seqpacket.compile(), "stream", "srv", senderStream), 1162);
  assert.equal(assertInStep(streamShort.compile(), "stream", "srv", senderStream), 1450);
  assert.equal(assertInStep(dgram.compile(), "dgram", "port", senderDgram), 128);
  assertInStep(dgramSpec("dgram_tight", 1).compile(), "dgram", "port", senderDgram);
});

// --- random workloads -----------------------------------------------------------------

Deno.test("System V: fifoPerType never fails, and the mirror stays in step (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }), {
        minLength: 1,
        maxLength: 2,
      }),
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 3 }),
      (types, picked, block, capacity) => {
        // Blocking receives select 0 or -3 (every message matches), so they
        // never wait for ever; IPC_NOWAIT receives may select anything, with
        // 0 among them so that every message is eventually taken.
        const selectors = block ? picked.map((t) => (t < 0 ? -3 : 0)) : [0, ...picked];
        const s = sysvSpec("sysv_random", types, selectors, {
          exactlyOnce: true,
          order: "fifoPerType",
        }, {
          block,
          capacity,
        });
        const r = check(s);
        assert.equal(r.verdict, "ok", r.violation?.message);
        assertInStep(s.compile(), "sysv", "q", senderS);
      },
    ),
    { numRuns: 25 },
  );
});

Deno.test("System V: FIFO holds exactly when every receive selects type 0 (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 2, maxLength: 3 }),
      (types) => {
        const r = check(sysvSpec("sysv_any", [types], [0], { order: "fifo" }, { block: true }));
        assert.equal(r.verdict, "ok", r.violation?.message);
        // Selecting the lowest type first breaks FIFO when a higher type was sent first.
        const low = check(sysvSpec("sysv_low", [types], [-2], { order: "fifo" }, { block: true }));
        const inverted = types.some((t, i) => types.slice(i + 1).some((u) => u < t));
        assert.equal(low.verdict, inverted ? "violation" : "ok", low.violation?.message);
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("POSIX: priority order never fails, and the mirror stays in step (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }), {
        minLength: 1,
        maxLength: 2,
      }),
      fc.integer({ min: 1, max: 3 }),
      (prios, maxmsg) => {
        const s = posixSpec("posix_random", prios, maxmsg, {
          exactlyOnce: true,
          order: "priority",
        });
        const r = check(s);
        assert.equal(r.verdict, "ok", r.violation?.message);
        assertInStep(s.compile(), "posix", "q", senderS);
        // FIFO per sender holds exactly when no sender raises its priority.
        const perSender = check(posixSpec("posix_per_sender", prios, maxmsg, {
          order: "fifoPerSender",
        }));
        const raises = prios.some((ps) => ps.some((p, i) => i > 0 && p > ps[i - 1]!));
        if (!raises) assert.equal(perSender.verdict, "ok", perSender.violation?.message);
      },
    ),
    { numRuns: 25 },
  );
});
