/*
 * sieve.pml -- the Promela twin of specs/sieve.ts: a generator sends
 * 2 .. MAX and then 0 down a pipeline of S filter stages over rendezvous
 * channels; each stage keeps the first number (a prime) and passes on the
 * numbers it does not divide, then the 0.
 *
 * Parameters (spin -o3 -DMAX=10 -DS=4 -a sieve.pml), the spec's `max` and
 * `stages`. One Promela transition per ipcspec transition: the generator's
 * `s.for` is the `do` with its test, the send and `i++`, and an exit that
 * resets `i` in the same transition (d_step); a send and its receive are
 * one handshake in both. What differs: the spec also copies each stage's
 * prime into the global array `found` (a function of the stage's own
 * `prime`, so no state more or less), which this twin leaves out; and each
 * Promela process has an `-end-` transition at its closing brace.
 */
#ifndef MAX
#define MAX 10
#endif
#ifndef S
#define S 4
#endif

chan c[S + 1] = [0] of { byte };

active proctype generator() {
  byte i = 2;
  do
  :: i < MAX + 1 -> c[0]!i; i++
  :: d_step { i >= MAX + 1 -> i = 2 }; break
  od;
  c[0]!0
}

active [S] proctype stage() {
  byte prime = 0, x = 0;
  c[_pid - 1]?prime;
  do
  :: c[_pid - 1]?x;
    if
    :: x == 0 && _pid < S -> c[_pid]!0; break
    :: x == 0 && _pid == S -> break
    :: x != 0 && x % prime == 0
    :: x != 0 && x % prime != 0 -> c[_pid]!x
    fi
  od
}
