// Leader election on a unidirectional ring (LeLann, Chang and Roberts): each
// node sends its unique id to its right-hand neighbour over a channel, then
// forwards every id larger than its own, drops smaller ones, and becomes
// the leader when its own id comes back round. Exactly one node, the one
// with the largest id, is elected, whatever the interleaving. The decisions
// are guarded commands (a test and its effect in one step), as in the
// textbook's Promela and DVE models. `leaderRingEqual` gives two nodes the
// same id: two leaders.
import { breakLoop, channel, choose, label, loop, spec, system } from "../mod.ts";

/** Node `i`'s id: 1 at node 0, then descending, so the largest is at node 1. */
function uidOf(i: number, n: number, equal: boolean): number {
  if (equal && i === n - 1) return n; // the same id as node 1
  return i === 0 ? 1 : n - i + 1;
}

function build(p: { nodes: number; equal: boolean }) {
  const n = p.nodes;
  const sys = system({ leaders: 0, leader: 0 });
  // Channel i carries ids from node i to node i + 1.
  const ring = Array.from({ length: n }, (_, i) => channel(`c${i}`, 1, { min: 1, max: n }));
  for (let i = 0; i < n; i++) {
    const uid = uidOf(i, n, p.equal);
    const out = ring[i]!, inbox = ring[(i + n - 1) % n]!;
    sys.process(`node${i}`, { locals: { m: 0 } }, (s) => [
      s.send(out, uid),
      loop(
        label("listen", { end: true }),
        s.recv(inbox, "m"),
        choose(
          [s.when("larger", ({ l }) => l.m > uid), s.send(out, ({ l }) => l.m)],
          [s.when("smaller", ({ l }) => l.m < uid)],
          [
            s.when("mine", ({ l }) => l.m === uid, ({ g }) => {
              g.leaders++;
              g.leader = uid;
            }),
            breakLoop(),
          ],
        ),
        s.do("forget", ({ l }) => l.m = 0),
      ),
    ]);
  }
  sys.always("at most one leader", ({ g }) => g.leaders <= 1);
  sys.atEnd("the largest id leads", ({ g }) => g.leaders === 1 && g.leader === n);
  return sys;
}

export const leaderRing = spec({
  name: "leader_ring",
  description: "LCR leader election on a ring of channels: exactly one leader",
  params: { nodes: 3 },
  expect: "ok",
  build: (p) => build({ ...p, equal: false }),
});

export const leaderRingEqual = spec({
  name: "leader_ring_equal",
  description: "LCR leader election with two equal ids: two leaders",
  params: { nodes: 3 },
  expect: { violation: ["at most one leader"] },
  build: (p) => build({ ...p, equal: true }),
});
