import assert from "node:assert/strict";
import { check, explainTrace } from "../../mod.ts";
import { main } from "../../cli.ts";

const specsDir = new URL("../../specs/", import.meta.url);

async function bundled(file: string, name: string) {
  const mod = await import(new URL(file, specsDir).href);
  return mod[name];
}

Deno.test("check({ strategy: 'dfs' }) reaches the same states and verdicts as bfs", async () => {
  for (
    const [file, name] of [
      ["pc_semaphore.ts", "pcSemaphore"],
      ["pc_channel.ts", "pcChannel"],
      ["pc_rendezvous.ts", "pcRendezvous"],
      ["pc_no_mutex.ts", "pcNoMutex"],
      ["pc_swapped_waits.ts", "pcSwappedWaits"],
    ]
  ) {
    const spec = await bundled(file!, name!);
    const b = check(spec, { params: { producers: 2 } });
    const d = check(spec, { params: { producers: 2 }, strategy: "dfs" });
    assert.equal(d.verdict, b.verdict, name);
    if (b.verdict === "ok") assert.equal(d.stats.states, b.stats.states, name);
    if (d.verdict === "violation") {
      // A DFS trace need not be shortest, but it replays to a violation.
      assert.ok(d.violation!.transitions.length >= b.violation!.transitions.length, name);
      const again = explainTrace(spec.compile({ producers: 2 }), d.violation!);
      assert.equal(typeof again !== "string" && again.property !== "", true, name);
    }
  }
});

Deno.test("cli: --strategy dfs checks, and a bad strategy exits 3", async () => {
  const out: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
  const file = new URL("pc_semaphore.ts", specsDir).pathname;
  assert.equal(await main(["check", file, "--strategy", "dfs"], io), 0);
  assert.match(out.join("\n"), /pc_semaphore .*: ok/);
  assert.equal(await main(["check", file, "--strategy", "random"], io), 3);
  assert.match(out.join("\n"), /--strategy must be bfs or dfs, got 'random'/);
});

Deno.test("both strategies end incomplete, with a trace, when an exploration bound is reached", async () => {
  const spec = await bundled("mailbox_buffering.ts", "bufferingUnboundedFast");
  for (const strategy of ["bfs", "dfs"] as const) {
    const r = check(spec, { strategy });
    assert.equal(r.verdict, "incomplete", strategy);
    assert.equal(r.incomplete?.reason, "bound", strategy);
    assert.equal(r.incomplete?.trace?.kind, "bound", strategy);
  }
});
