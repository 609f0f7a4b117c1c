/*
 * pc_chan.pml -- the Promela twin of specs/pc_channel.ts (used by
 * `deno task bench --vs-spin`): producers and consumers over a bounded FIFO
 * channel of N slots. Adapted from ../shared/bench-spin/pc_chan.pml.
 *
 * Parameters (spin -DN=2 -DP=3 -DC=2 -DK=3 -a pc_chan.pml), as in the spec:
 *   N  slots, P  producers, C  consumers, K  items per producer.
 * Items are numbered 1..P*K, producer id sends id*K+1 .. id*K+K; consumer
 * id takes TOTAL/C items, plus one if id < TOTAL%C (shareOf in
 * specs/_items.ts), so C need not divide P*K.
 *
 * Same steps as the spec, one Promela transition for each ipcspec
 * transition: the loop test (`i < K` / `else`, ipcspec's `while`), send,
 * next; the consumer's loop test, receive, the `no duplicate` assert (a
 * transition in both languages) and consume (one d_step, ipcspec's atomic
 * `do`). The original's receive, check and count in one atomic block are
 * three transitions here, as in the spec.
 *
 * What differs:
 *   - End of a process: an ipcspec process past its last step takes no
 *     transition. A Promela process at its closing brace still has its
 *     `-end-` transition, so each process ends blocked at `end: false`.
 *   - ipcspec checks `atEnd` properties where no transition is enabled; here
 *     the process `atend` does it with `timeout` (one more transition and
 *     state per terminal state).
 *   - `length within [0, slots]` holds by construction of a Promela channel.
 */
#ifndef N
#define N 2
#endif
#ifndef P
#define P 1
#endif
#ifndef C
#define C 1
#endif
#ifndef K
#define K 2
#endif

#define TOTAL (P*K)
#define SHARE(id) (TOTAL/C + ((id) < TOTAL%C -> 1 : 0))

chan buf = [N] of { byte };
byte consumed[TOTAL + 1];

/* pids 0 .. P-1: producer id = _pid */
active [P] proctype producer()
{
	byte i = 0;
	do
	:: i < K ->
		buf!(_pid * K + i + 1);
		i++                       /* next */
	:: else -> break
	od;
end:	false
}

/* pids P .. P+C-1: consumer id = _pid - P */
active [C] proctype consumer()
{
	byte j = 0, item = 0;
	do
	:: j < SHARE(_pid - P) ->
		buf?item;
		assert(item == 0 || consumed[item] == 0);   /* no duplicate */
		d_step { consumed[item]++; item = 0; j++ }  /* consume */
	:: else -> break
	od;
end:	false
}

/* atEnd "exactly once", in the states where nothing else can move */
active proctype atend()
{
	byte k = 1;
	atomic {
		timeout;
		assert(consumed[0] == 0 && len(buf) == 0);
		do
		:: k <= TOTAL -> assert(consumed[k] == 1); k++
		:: else -> break
		od;
		k = 0
	};
end:	false
}
