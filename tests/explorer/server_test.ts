import assert from "node:assert/strict";
import { serveExplorer } from "../../explorer/mod.ts";
import { ExplorerSession } from "../../explorer/session.ts";
import { check } from "../../mod.ts";
import { CASES, chartOf, specOf } from "../reporters/_charts.ts";

/** Sends one raw HTTP/1.1 request and returns the status line. */
async function raw(port: number, head: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  conn.close();
  return new TextDecoder().decode(buf.subarray(0, n ?? 0)).split("\r\n")[0]!;
}

Deno.test("the explorer serves on loopback only and refuses other hosts and origins", async () => {
  const ex = serveExplorer({ spec: await specOf("pc_swapped_waits") });
  try {
    assert.match(ex.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(new URL(ex.url).port);
    assert.equal(
      await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
      "HTTP/1.1 200 OK",
    );
    assert.equal(
      await raw(port, `GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`),
      "HTTP/1.1 403 Forbidden",
    );
    for (const origin of ["http://evil.example", "null", `http://127.0.0.1:${port + 1}`]) {
      const r = await fetch(`${ex.url}api/reset`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(r.status, 403, origin);
      assert.match(await r.text(), /^refused: Origin/);
    }
    // A form post (no JSON) is refused too.
    const form = await fetch(`${ex.url}api/reset`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    assert.equal(form.status, 403);
    await form.body?.cancel();
    const page = await (await fetch(ex.url)).text();
    assert.doesNotMatch(page, /<(script|link)[^>]+(src|href)=/);
    assert.doesNotMatch(page, /https?:\/\//);
  } finally {
    await ex.shutdown();
  }
});

Deno.test("an explorer session steps through each acceptance counterexample", async () => {
  for (const name of Object.keys(CASES)) {
    const chart = await chartOf(name);
    const session = new ExplorerSession(await specOf(name), CASES[name]!.params);
    for (const s of chart.steps) {
      const offered = session.view().enabled.map((e) => e.transition);
      assert.ok(offered.includes(s.transition), `${name}: ${s.operation} offered`);
      assert.equal(session.take(s.transition), undefined);
    }
    const v = session.view();
    assert.deepEqual(v.state, chart.steps.at(-1)!.state, name);
    if (name === "pc_swapped_waits") {
      assert.deepEqual(v.blocked.map((b) => b.process), ["producer#0", "consumer#0"]);
      assert.match(v.violated ?? "", /^deadlock/);
    }
    if (name === "mailbox_owner_exit") {
      assert.deepEqual(v.steps.at(-1)!.events, ["LOST in A: 2 from sender#0 (owner#0 exited)"]);
    }
    if (name === "sig_child_count_std") {
      assert.deepEqual(v.steps[2]!.events, [
        "child#1 → parent#0: CHLD COALESCED (already pending: lost)",
      ]);
    }
    session.back();
    assert.equal(session.view().step, chart.steps.length - 1);
    // Check from here, then jump to what it found.
    session.reset();
    assert.match(session.check(), /VIOLATION/);
    assert.equal(session.jump(), undefined);
    const cx = check(session.model).violation!;
    assert.equal(session.view().trace, `${cx.init}:${cx.transitions.join(",")}`);
    if (name === "starving_consumer_weak") assert.equal(session.view().cycleFrom, 5);
  }
});

Deno.test("an explorer session loads traces and schedule files, and says why not", async () => {
  const session = new ExplorerSession(await specOf("pc_swapped_waits"));
  assert.equal(session.load("0:0,7,8,15"), undefined);
  assert.equal(session.view().step, 4);
  assert.match(session.load("0:99") ?? "", /not enabled|no transition/);
  assert.equal(session.load("nonsense") === undefined, false);
  const file = JSON.stringify({
    ipcspec: "0.1.0",
    specFile: "specs/pc_swapped_waits.ts",
    spec: "pc_swapped_waits",
    params: { slots: 1, producers: 1, consumers: 1, items: 2 },
    schedule: [0, 0],
    transitions: [0, 1],
    property: "",
  });
  assert.equal(session.load(file), undefined);
  assert.equal(session.view().step, 2);
  assert.match(
    session.load(file.replace('"spec":"pc_swapped_waits"', '"spec":"other"')) ?? "",
    /for 'other'/,
  );
  // An ITF trace as ipcspec writes it: the path is in its #meta.
  const itf = (spec: string, trace: string) =>
    JSON.stringify({
      "#meta": { format: "ITF", ipcspec: { spec, trace } },
      vars: ["globals", "primitives", "processes"],
      states: [],
    });
  assert.equal(session.load(itf("pc_swapped_waits", "0:0,7,8")), undefined);
  assert.equal(session.view().step, 3);
  assert.match(session.load(itf("other", "0:0")) ?? "", /ITF trace is of 'other'/);
  assert.match(
    session.load(JSON.stringify({ "#meta": { format: "ITF" }, states: [] })) ?? "",
    /not written by ipcspec/,
  );
  // Checking from a state on the way finds the rest of the way.
  session.reset();
  session.take(session.view().enabled[0]!.transition);
  assert.match(session.check(), /^from step 1: VIOLATION of 'deadlock' in \d+ more steps$/);
});
