/*
 * net_abp.pml -- the Promela twin of specs/net_abp.ts: the alternating-bit
 * protocol over a network (model/primitives/network.ts) that keeps order
 * but may lose at most L datagrams and duplicate at most D per run, with
 * at most 2 datagrams in flight to each endpoint; retransmission on
 * `timeout`.
 *
 * Run: spin -o1 -o3 -DM=2 -DL=2 -DD=1 -a net_abp.pml; gcc -O2 -DNOREDUCE -o pan
 * pan.c; ./pan -m100000 (network_twins.md: -o1, no dead-variable resets).
 * Parameters: M messages, L losses,
 * D duplications, as the spec's `messages`, `losses` and `duplicates`.
 *
 * The network in Promela: each endpoint is a channel of 2 slots (its
 * datagrams in flight, in the order sent); the counters `lost` and `duped`
 * are global. A udpSend is an `if` of three options, one transition each
 * as in ipcspec (a `choose` of three operations):
 *   - delivered: a d_step that puts the datagram, or drops it when the
 *     endpoint is full (ipcspec's send never blocks);
 *   - lost: a d_step guarded by `lost < L`;
 *   - duplicated: a d_step guarded by `duped < D` and room for two copies.
 * The protocol itself is abp.pml's, one Promela transition per ipcspec
 * transition (see that file and language_twins.md).
 */
#ifndef M
#define M 2
#endif
#ifndef L
#define L 2
#endif
#ifndef D
#define D 1
#endif
#define CAP 2

chan toR = [CAP] of { byte };
chan toS = [CAP] of { byte };
byte got = 0;
byte lost = 0;
byte duped = 0;

/* udpSend(net, { to: ch, value: v }) */
inline udpSend(ch, v) {
  if
  :: d_step {
       if
       :: len(ch) < CAP -> ch!v
       :: else -> skip /* the endpoint is full: dropped */
       fi
     }
  :: d_step { lost < L -> lost++ }
  :: d_step { duped < D && len(ch) + 2 <= CAP -> ch!v; ch!v; duped++ }
  fi
}

active proctype sender() {
  byte i = 1, b = 0, a = 0;
  do
  :: i < M + 1 ->
send:
    udpSend(toR, 2 * i + b);
wait:
    if
    :: toS?a ->
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
  :: toR?m;
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
    udpSend(toS, m % 2);
    m = 0
  od
}
