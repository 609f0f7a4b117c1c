/*
 * sliding_window.pml -- the Promela twin of specs/sliding_window.ts:
 * go-back-N with a window of W datagrams and S sequence numbers over a
 * network (model/primitives/network.ts) that may lose any datagram (no
 * bound) but keeps their order, with at most W datagrams in flight to each
 * endpoint; on `timeout` the sender sends its whole window again.
 *
 * Run: spin -o1 -o3 -DN=3 -DW=2 -DS=3 -a sliding_window.pml; gcc -O2
 * -DNOREDUCE -o pan pan.c; ./pan -m100000 (network_twins.md).
 * Parameters: N messages, W the window, S the sequence numbers, as the
 * spec's `messages`, `window` and `seqs`.
 *
 * One Promela transition per ipcspec transition: a udpSend is an `if` of
 * two options (delivered, or dropped when the endpoint is full, in one
 * d_step; lost, a `skip`); the sender's guarded commands (the window test,
 * "all acknowledged", "go back" on timeout) and its effects ("next",
 * "slide") are one d_step or one statement each; the receiver's two
 * guarded commands are d_steps. `in order, once` is an assert in the
 * delivery's d_step.
 */
#ifndef N
#define N 3
#endif
#ifndef W
#define W 2
#endif
#ifndef S
#define S 3
#endif

chan toR = [W] of { byte };
chan toS = [W] of { byte };
byte got = 0;

inline udpSend(ch, v) {
  if
  :: d_step {
       if
       :: len(ch) < W -> ch!v
       :: else -> skip /* the endpoint is full: dropped */
       fi
     }
  :: skip /* lost */
  fi
}

active proctype sender() {
  byte base = 1, next = 1, a = 0, k = 0;
  do
  :: next < base + W && next <= N ->
     udpSend(toR, S * next + next % S);
     next++
  :: toS?a ->
     d_step {
       k = base;
       do
       :: k < next -> if :: k % S == a -> base = k + 1 :: else -> skip fi; k++
       :: else -> break
       od;
       k = 0;
       a = 0
     }
  :: base > N -> break
  :: d_step { timeout -> next = base }
  od
}

active proctype receiver() {
  byte m = 0;
end:
  do
  :: toR?m;
     if
     :: d_step {
          m % S == (got + 1) % S ->
          assert(m / S == got + 1);
          if
          :: got + 1 > N + 1 -> got = N + 1
          :: else -> got = got + 1
          fi;
          m = 0
        }
     :: d_step { m % S != (got + 1) % S -> m = 0 }
     fi;
     udpSend(toS, got % S)
  od
}
