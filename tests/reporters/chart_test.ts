import assert from "node:assert/strict";
import { check, spec, system, traceChart, traceRecorder } from "../../mod.ts";
import { channel } from "../../model/primitives/channel.ts";
import { formatHtml, formatMermaid, formatSvg } from "../../reporters/mod.ts";
import { CASES, chartOf, specOf, wellFormed } from "./_charts.ts";
import { enabled } from "../../checker/_fire.ts";

Deno.test("chart of pc_swapped_waits: the steps, the blocked processes and the wait-for graph", async () => {
  const c = await chartOf("pc_swapped_waits");
  assert.equal(c.property, "deadlock");
  assert.deepEqual(
    c.steps.map((s) => `${s.process} ${s.operation}`).slice(1, 4).filter((_, i) => i !== 1),
    [
      "producer#0 wait(empty)",
      "consumer#0 lock(mutex)",
    ],
  );
  assert.deepEqual(c.steps[3]!.events, [
    { kind: "acquire", process: "consumer#0", primitive: "mutex" },
    { kind: "block", process: "producer#0", waitsOn: ["lock(mutex) (held by consumer#0)"] },
    { kind: "block", process: "consumer#0", waitsOn: ["wait(full) (full = 0)"] },
  ]);
  assert.deepEqual(c.blocked.map((b) => b.process), ["producer#0", "consumer#0"]);
  assert.deepEqual(c.waitFor, [
    { from: "producer#0", to: "mutex", label: "waits on lock(mutex)" },
    { from: "mutex", to: "consumer#0", label: "held by" },
    { from: "consumer#0", to: "full", label: "waits on wait(full)" },
  ]);
  assert.deepEqual(c.lifelines.map((l) => l.name), [
    "producer#0",
    "full",
    "mutex",
    "empty",
    "consumer#0",
  ]);
  const mmd = formatMermaid(c);
  assert.match(mmd, /L4->>L2: 4\. lock\(mutex\)\n/);
  assert.match(
    mmd,
    /Note over L0: ⏸ blocked at lock\(mutex\): waits on lock\(mutex\) \(held by consumer#35;0\)/,
  );
  assert.match(mmd, /Note over L0,L4: ✗ VIOLATION of 'deadlock'/);
});

Deno.test("chart of mailbox_owner_exit: the message lost with the mailbox when its owner exits", async () => {
  const c = await chartOf("mailbox_owner_exit");
  assert.equal(c.property, "A: no loss");
  const last = c.steps.at(-1)!;
  assert.deepEqual(last.events, [
    { kind: "drop", primitive: "A", values: [2], senders: ["sender#0"], why: "owner#0 exited" },
  ]);
  assert.deepEqual(c.steps[6]!.events[0], {
    kind: "take",
    process: "owner#0",
    primitive: "A",
    value: 1,
    from: "sender#0",
  });
  assert.equal(last.state.primitives.find((p) => p.name === "A")?.value, "removed");
  assert.equal(last.state.processes.find((p) => p.name === "owner#0")?.at, "end");
  const mmd = formatMermaid(c);
  assert.match(mmd, /L0->>L1: 8\. send\(A\) put 2\n/);
  assert.match(mmd, /Note over L1: ✗ LOST message 2 from sender#35;0: owner#35;0 exited\n/);
  const svg = formatSvg(c);
  assert.match(svg, /LOST message 2 from sender#0: owner#0 exited/);
});

Deno.test("chart of sig_child_count_std: the coalesced SIGCHLD", async () => {
  const c = await chartOf("sig_child_count_std");
  assert.deepEqual(c.steps[2]!.events, [
    {
      kind: "signal",
      from: "child#1",
      to: "parent#0",
      signal: "CHLD",
      outcome: "coalesced",
      primitive: "signals",
    },
  ]);
  assert.deepEqual(c.steps[3]!.events, [
    {
      kind: "deliver",
      process: "parent#0",
      signal: "CHLD",
      action: "handler",
      primitive: "signals",
    },
    { kind: "block", process: "parent#0", waitsOn: ["when all children exited"] },
  ]);
  const mmd = formatMermaid(c);
  assert.match(mmd, /L3-xL1: 3\. kill\(0, CHLD\) CHLD for parent#35;0: coalesced\n/);
  assert.match(
    mmd,
    /Note over L1: ✗ CHLD already pending for parent#35;0: coalesced, one CHLD lost/,
  );
  assert.match(mmd, /L1-->>L0: 4\. takes a signal CHLD delivered \(handler\)/);
});

Deno.test("chart of starving_consumer_weak: the lasso's cycle", async () => {
  const c = await chartOf("starving_consumer_weak");
  assert.equal(c.loopStart, 4);
  assert.equal(c.steps.length, 9);
  assert.deepEqual(c.blocked, []);
  const mmd = formatMermaid(c);
  assert.match(
    mmd,
    /\n {2}loop cycle: steps 5\.\.9 repeat for ever\n {4}L3->>L2: 5\. post\(empty\)\n/,
  );
  assert.match(mmd, /\n {4}Note over L3: 9\. take\n {2}end\n/);
  const svg = formatSvg(c);
  assert.match(svg, /<rect class="cycle"/);
  assert.match(svg, /cycle: steps 5\.\.9 repeat for ever/);
});

Deno.test("SVG charts and HTML reports of the acceptance specs are well-formed and offline", async () => {
  for (const name of Object.keys(CASES)) {
    const c = await chartOf(name);
    const svg = formatSvg(c);
    assert.equal(wellFormed(svg), undefined, name);
    assert.match(svg, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns=/);
    const html = formatHtml(c);
    // No network: the only URL is the SVG namespace.
    assert.deepEqual(
      [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]).filter((u) =>
        u !== "http://www.w3.org/2000/svg"
      ),
      [],
      name,
    );
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/, name);
    assert.match(html, new RegExp(`<pre id="replay"><code>deno run -A cli.ts check`));
    for (let i = 0; i < c.steps.length; i++) {
      assert.match(html, new RegExp(`<tr class="state-row" data-step="${i}">`), name);
    }
  }
});

Deno.test("the well-formedness check catches broken XML", () => {
  assert.equal(wellFormed(`<svg><g></svg>`), "</svg> closes <g>");
  assert.equal(wellFormed(`<svg>a & b</svg>`), "a bad entity at 7");
  assert.equal(wellFormed(`<svg/><g/>`), "an element after the root: <g>");
  assert.equal(wellFormed(`<svg><text>ok &amp; fine</text></svg>`), undefined);
});

Deno.test("a rendezvous and a hand-off are told apart from a buffered put and take", () => {
  const s = spec({
    name: "rdv",
    params: {},
    build: () => {
      const sys = system({});
      const c = channel("c", 0);
      sys.process("p", {}, (b) => [b.send(c, 5)]);
      sys.process("q", { locals: { x: 0 } }, (b) => [b.recv(c, "x")]);
      return sys;
    },
  });
  const model = s.compile();
  let state: Int32Array | undefined;
  model.init((st) => (state = st.slice()));
  const t = enabled(model, state!)[0]!;
  const chart = traceChart(model, { init: 0, transitions: [t] }, { recorder: traceRecorder(s) });
  assert.deepEqual(chart.steps[0]!.events, [
    { kind: "rendezvous", from: "p#0", to: "q#0", primitive: "c", value: 5 },
  ]);
  assert.equal(chart.verdict, "trace");
  assert.match(
    formatMermaid(chart),
    /L0->>L2: 1\. send\(c\) -#62; q#35;0 recv\(c\) 5 via c \(rendezvous\)/,
  );
});

Deno.test("the recorder leaves the searched model alone: POR state counts are unchanged", async () => {
  for (const name of Object.keys(CASES)) {
    const c = CASES[name]!;
    const s = await specOf(name);
    const model = s.compile(c.params);
    const before = check(model, { reduction: "por" }).stats.states;
    traceRecorder(s, c.params);
    await chartOf(name);
    const after = check(model, { reduction: "por" }).stats.states;
    assert.equal(after, before, name);
  }
});
