/*
 * abp.pml -- the Promela twin of specs/abp.ts: the alternating-bit protocol
 * over two one-slot channels that may lose any message (a nondeterministic
 * `skip` instead of the send), with retransmission on `timeout`.
 *
 * Parameter (spin -DM=2 -a abp.pml): M messages, as the spec's `messages`.
 *
 * One Promela transition for each ipcspec transition:
 *   - the sender's `s.for("i", 1, M + 1, ...)`: the test `i < M+1` (a `do`
 *     option's guard), the body, `i++`; the exit resets `i` in the same
 *     transition (a d_step, ipcspec's guarded command);
 *   - send or lose: one transition each (the `if` options);
 *   - receive an acknowledgement, then the `if` on its bit: one transition
 *     for the test, one for the flip;
 *   - `timeout`: one transition, enabled when nothing else is, as in SPIN;
 *   - the receiver's delivery is a guarded command: a d_step whose guard is
 *     the bit test.
 *   - gotos and the `do` loop's return are jumps, not transitions, in both.
 * What differs: a Promela process at its closing brace still has its `-end-`
 * transition (ipcspec's finished process has none): one more state per
 * terminal state of the sender. `in order, once` (an invariant on the flag
 * `bad` in the spec) is an assert in the delivery's d_step. (`bit` is a
 * Promela keyword: the sender's bit is `b`.)
 */
#ifndef M
#define M 2
#endif

chan data = [1] of { byte };
chan ack = [1] of { byte };
byte got = 0;

active proctype sender() {
  byte i = 1, b = 0, a = 0;
  do
  :: i < M + 1 ->
send:
    if
    :: data!(2 * i + b)
    :: skip /* lose data */
    fi;
wait:
    if
    :: ack?a ->
      if
      :: a == b -> b = 1 - b
      :: else -> goto wait
      fi
    :: timeout -> goto send
    fi;
    i++
  :: d_step { i >= M + 1 -> i = 1 }; break
  od
}

active proctype receiver() {
  byte m = 0, expect = 0;
end:
  do
  :: data?m;
    if
    :: d_step {
         m % 2 == expect ->
         assert(m / 2 == got + 1);
         if
         :: got + 1 > M + 1 -> got = M + 1
         :: else -> got = got + 1
         fi;
         expect = 1 - expect
       }
    :: m % 2 != expect
    fi;
    if
    :: ack!(m % 2)
    :: skip /* lose ack */
    fi;
    m = 0
  od
}
