// Checkpoint and resume of the breadth-first search over the exact store:
// a search interrupted, saved and resumed reaches the counts and verdict of
// an uninterrupted one; a checkpoint of another spec, other parameters or
// another ipcspec version is refused.

import assert from "node:assert/strict";
import { checkAsync } from "../checker/check.ts";
import type { BfsCheckpoint, BfsPosition } from "../checker/_checkpoint.ts";
import { deno, ROOT } from "./_cli.ts";
import { loadSpec } from "./_pins.ts";

const pcSemaphore = await loadSpec("pc_semaphore.ts", "pcSemaphore");
const counterRace = await loadSpec("counter_race.ts", "counterRace");

const PARAMS = { slots: 2, producers: 2, consumers: 2, items: 2 };

/** A checkpoint saved in memory. */
function memorySave(into: { last?: BfsCheckpoint }) {
  return (position: BfsPosition, records: () => Iterable<Int32Array>) => {
    const chunks = [...records()];
    const all = new Int32Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    into.last = { position, records: all };
  };
}

for (
  const [spec, store] of [
    [pcSemaphore, "exact"],
    [counterRace, "exact"],
    [pcSemaphore, "fingerprint"],
    [counterRace, "fingerprint"],
  ] as const
) {
  Deno.test(`checkpoint: ${spec.name} (${store} store) interrupted, saved and resumed reaches the same result`, async () => {
    const params = spec === pcSemaphore ? PARAMS : {};
    const whole = await checkAsync(spec, { params, store });
    const saved: { last?: BfsCheckpoint } = {};
    let polls = 0;
    const first = await checkAsync(spec, {
      params,
      store,
      sliceMillis: 1,
      shouldStop: () => ++polls > 3,
      checkpointing: { everyMillis: 0, save: memorySave(saved) },
    });
    assert.equal(first.verdict, "incomplete");
    assert.ok(saved.last !== undefined);
    assert.ok(saved.last.position.count < whole.stats.states);
    const resumed = await checkAsync(spec, {
      params,
      store,
      checkpointing: { everyMillis: Infinity, save: () => {}, resume: saved.last },
    });
    assert.equal(resumed.verdict, whole.verdict);
    assert.equal(resumed.stats.states, whole.stats.states);
    assert.equal(resumed.stats.transitions, whole.stats.transitions);
    assert.equal(resumed.stats.depth, whole.stats.depth);
    assert.deepEqual(resumed.violation?.transitions, whole.violation?.transitions);
  });
}

const CHECK = [
  "run",
  "-A",
  "cli.ts",
  "check",
  "specs/pc_semaphore.ts",
  "--param",
  "items=6",
  "--param",
  "producers=2",
  "--param",
  "consumers=2",
];

function counts(out: string): string {
  return /states: ([\d,]+), transitions: ([\d,]+), depth: (\d+)/.exec(out)?.slice(1).join(" ") ??
    `no counts in: ${out}`;
}

Deno.test("checkpoint: --resume after SIGTERM reaches the counts of an uninterrupted run", async () => {
  const file = await Deno.makeTempFile({ prefix: "ipcspec-", suffix: ".checkpoint" });
  await Deno.remove(file);
  const whole = await deno(...CHECK);
  assert.equal(whole.code, 0, whole.err);
  const child = new Deno.Command(Deno.execPath(), {
    args: [...CHECK, "--checkpoint", file, "--checkpoint-every", "60", "--progress-every", "1"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // SIGTERM once the search reports progress (it runs for seconds more).
  let err = "";
  let killed = false;
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const bytes of child.stderr) {
      err += decoder.decode(bytes, { stream: true });
      if (/\[pc_semaphore\] Progress: /.test(err) && !killed) {
        killed = true;
        child.kill("SIGTERM");
      }
    }
  })();
  const stdout = new Response(child.stdout).text();
  const status = await child.status;
  await reading;
  await stdout;
  assert.ok(killed, err);
  assert.equal(status.code, 2, err);
  assert.match(err, /checkpoint of \d+ states written to .* --resume /);
  const resumed = await deno(...CHECK, "--resume", file);
  assert.equal(resumed.code, 0, resumed.err);
  assert.match(resumed.err, /resuming from/);
  assert.equal(counts(resumed.out), counts(whole.out));

  // Another spec, other parameters, another version: refused.
  const other = await deno(...CHECK.slice(0, 4), "specs/pc_channel.ts", "--resume", file);
  assert.equal(other.code, 3);
  assert.match(other.err, /it is a checkpoint of spec 'pc_semaphore', not of 'pc_channel'/);
  const params = await deno(...CHECK, "--param", "slots=3", "--resume", file);
  assert.equal(params.code, 3);
  assert.match(params.err, /it was written with the parameters/);
  const bytes = await Deno.readFile(file);
  const text = new TextDecoder().decode(bytes.subarray(0, 400));
  const at = text.indexOf('"ipcspec":"') + '"ipcspec":"'.length;
  bytes.set(new TextEncoder().encode("9"), at);
  await Deno.writeFile(file, bytes);
  const version = await deno(...CHECK, "--resume", file);
  assert.equal(version.code, 3);
  assert.match(version.err, /it was written by ipcspec 9/);
  await Deno.remove(file);
});

Deno.test("checkpoint: refused with the engines that cannot resume", async () => {
  const r = await deno(...CHECK, "--checkpoint", "/tmp/x.checkpoint", "--store", "bitstate");
  assert.equal(r.code, 3);
  assert.match(
    r.err,
    /--checkpoint works with the breadth-first search over the exact or fingerprint store/,
  );
});
