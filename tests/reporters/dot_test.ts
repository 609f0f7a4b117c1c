import assert from "node:assert/strict";
import { check, graphPicture } from "../../mod.ts";
import { formatDot, formatDotSvg } from "../../reporters/mod.ts";
import { specOf, wellFormed } from "./_charts.ts";

Deno.test("the state graph of pc_swapped_waits marks the deadlock and the counterexample's path", async () => {
  const spec = await specOf("pc_swapped_waits");
  const model = spec.compile();
  const cx = check(model).violation!;
  const g = graphPicture(model, { path: cx });
  assert.ok(!("refused" in g));
  assert.equal(g.nodes.length, 90);
  assert.equal(g.edges.length, 146);
  const path = g.nodes.filter((n) => n.onPath);
  assert.equal(path.length, cx.transitions.length + 1);
  assert.deepEqual(g.edges.filter((e) => e.onPath).map((e) => e.label), [
    "producer#0/for i",
    "producer#0/wait(empty)",
    "consumer#0/for j",
    "consumer#0/lock(mutex)",
  ]);
  const end = path.at(-1)!;
  assert.equal(end.violates, "deadlock");
  assert.equal(end.label, "mutex: free → held by consumer#0");
  const dot = formatDot(g);
  assert.match(
    dot,
    new RegExp(
      `s${end.id} \\[label="${end.id}\\\\nmutex: free → held by consumer#0", fillcolor="#fde8e8", color="#c5221f", xlabel="✗ deadlock", penwidth=2.5\\];`,
    ),
  );
  const svg = await formatDotSvg(dot);
  assert.equal(wellFormed(svg.replace(/<!DOCTYPE[^>]*>/, "")), undefined);
  assert.match(svg, /✗ deadlock/);
  assert.match(svg, /consumer#0\/lock\(mutex\)/);
});

Deno.test("a graph too large to help is refused politely", async () => {
  const model = (await specOf("starving_consumer_weak")).compile();
  const g = graphPicture(model, { limit: 5 });
  assert.deepEqual(g, {
    refused: "Cannot draw the state graph of 'starving_consumer_weak': it has more than 5 states " +
      "(a picture of that many helps nobody; raise the limit or pick smaller parameters)",
  });
});
