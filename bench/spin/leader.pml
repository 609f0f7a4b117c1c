/*
 * leader.pml -- the Promela twin of specs/leader_ring.ts: LCR leader election
 * on a ring of N one-slot channels. Node i sends its id on c[i], then
 * receives on c[i-1]: it forwards larger ids, drops smaller ones, and is
 * the leader when its own id comes back (a d_step, ipcspec's guarded
 * command). Ids: 1 at node 0, then N, N-1, ..., 2.
 *
 * Parameter (spin -o3 -DN=3 -a leader.pml): N nodes, the spec's `nodes`.
 * One Promela transition per ipcspec transition (the `if` options' guards,
 * sends, receives, `m = 0`); gotos, `break` and the loop's return are jumps
 * in both. What differs: the leader's process ends at its closing brace
 * with an `-end-` transition that ipcspec's finished process does not have.
 */
#ifndef N
#define N 3
#endif
#define UID(i) ((i) == 0 -> 1 : N - (i) + 1)

byte leaders = 0, leader = 0;
chan c[N] = [1] of { byte };

active [N] proctype node() {
  byte m = 0;
  c[_pid]!UID(_pid);
end:
  do
  :: c[(_pid + N - 1) % N]?m;
    if
    :: m > UID(_pid) -> c[_pid]!m
    :: m < UID(_pid)
    :: d_step { m == UID(_pid) -> leaders++; leader = UID(_pid) }; break
    fi;
    m = 0
  od
}
