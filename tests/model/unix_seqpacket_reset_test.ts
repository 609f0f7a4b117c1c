// Seqpacket resets as Linux does them (found by the conformance suite,
// docs/conformance.md): a pending ECONNRESET comes before queued records
// and is taken by a send too; a lone zero-length record left unread by the
// closer is no reset.

import assert from "node:assert/strict";
import { type Call, Drive } from "../../model/drive.ts";
import { Errno } from "../../model/primitives/errno.ts";
import {
  sockAccept,
  sockClose,
  sockConnect,
  sockRecvNonblock,
  sockSendNonblock,
  type UnixStream,
  unixStream,
} from "../../model/primitives/unix_stream.ts";

const connect: Call<UnixStream>[] = [
  (s, out) => sockConnect(s, { conn: out.to("conn"), status: out.to("status") }),
  (s, out) => sockAccept(s, { conn: out.to("conn"), status: out.to("status") }),
];
const send = (conn: number, bytes: number): Call<UnixStream> => (s, out) =>
  sockSendNonblock(s, { conn, bytes, value: 5, status: out.to("status"), count: out.to("ret") });
const recv = (conn: number): Call<UnixStream> => (s, out) =>
  sockRecvNonblock(s, {
    conn,
    bytes: 4,
    status: out.to("status"),
    count: out.to("ret"),
  });
const close = (conn: number): Call<UnixStream> => (s) => sockClose(s, { conn });

/** Runs `calls` after connecting; returns each call's only outcome (status, ret). */
function run(type: "stream" | "seqpacket", calls: Call<UnixStream>[]): string[] {
  const d = new Drive(
    (sys) => unixStream(sys, "s", { type, connections: 1, buffer: 4, listening: { backlog: 0 } }),
    [...connect, ...calls],
  );
  const got: string[] = [];
  while (!d.done) {
    const [o, ...more] = d.outcomes();
    assert.ok(o !== undefined && more.length === 0, `call ${d.position}: one outcome`);
    if (d.position >= connect.length && o.values.status !== undefined) {
      got.push(`${o.values.status === Errno.OK ? "OK" : o.values.status} ${o.values.ret}`);
    }
    d.apply(o);
  }
  return got;
}

const RESET = Errno.ECONNRESET;

Deno.test("seqpacket: the pending reset comes before the records queued to the reader", () => {
  // 0 sends a record to 1 (left unread); 1 sends a record to 0; 1 closes.
  assert.deepEqual(
    run("seqpacket", [send(0, 1), send(1, 1), close(1), recv(0), recv(0), recv(0)]),
    [
      "OK 1",
      "OK 1",
      `${RESET} -1`,
      "OK 1",
      "OK 0",
    ],
  );
  // A stream reads the data first, then the reset.
  assert.deepEqual(run("stream", [send(0, 1), send(1, 1), close(1), recv(0), recv(0), recv(0)]), [
    "OK 1",
    "OK 1",
    "OK 1",
    `${RESET} -1`,
    "OK 0",
  ]);
});

Deno.test("seqpacket: a send takes the pending reset (ECONNRESET, not EPIPE)", () => {
  assert.deepEqual(run("seqpacket", [send(0, 1), close(1), send(0, 1), send(0, 1), recv(0)]), [
    "OK 1",
    `${RESET} -1`,
    `${Errno.EPIPE} -1`,
    "OK 0",
  ]);
  assert.deepEqual(run("stream", [send(0, 1), close(1), send(0, 1), recv(0)]), [
    "OK 1",
    `${Errno.EPIPE} -1`,
    `${RESET} -1`,
  ]);
});

Deno.test("seqpacket: a lone zero-length record left unread is no reset; two are", () => {
  assert.deepEqual(run("seqpacket", [send(0, 0), close(1), recv(0)]), ["OK 0", "OK 0"]);
  assert.deepEqual(run("seqpacket", [send(0, 0), send(0, 0), close(1), recv(0)]), [
    "OK 0",
    "OK 0",
    `${RESET} -1`,
  ]);
  assert.deepEqual(run("seqpacket", [send(0, 1), close(1), recv(0)]), ["OK 1", `${RESET} -1`]);
});
