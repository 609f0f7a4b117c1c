/*
 * rendezvous.pml -- the Promela twin of specs/pc_rendezvous.ts (used by
 * `deno task bench --vs-spin`): producers and consumers over a rendezvous
 * (capacity 0) channel. Adapted from ../shared/bench-spin/rendezvous.pml.
 *
 * Parameters (spin -DP=3 -DC=2 -DK=3 -a rendezvous.pml), as in the spec:
 *   P  producers, C  consumers, K  items per producer (no slots).
 * Items are numbered 1..P*K, producer id sends id*K+1 .. id*K+K; consumer
 * id takes TOTAL/C items, plus one if id < TOTAL%C (shareOf in
 * specs/_items.ts), so C need not divide P*K.
 *
 * Same steps as the spec: the loop test (`i < K` / `else`, ipcspec's
 * `while`), the hand-off, next; the consumer's loop test, the hand-off, the
 * `no duplicate` assert (a transition in both languages) and consume (one
 * d_step, ipcspec's atomic `do`). The original's receive, check and count
 * in one atomic block are separate transitions here, as in the spec.
 *
 * What differs:
 *   - The hand-off: ipcspec fires send and receive as one joint transition.
 *     SPIN executes the send, then at once the matching receive, as two
 *     transitions; the state between them is not stored.
 *   - End of a process: an ipcspec process past its last step takes no
 *     transition. A Promela process at its closing brace still has its
 *     `-end-` transition, so each process ends blocked at `end: false`.
 *   - ipcspec checks `atEnd` properties where no transition is enabled; here
 *     the process `atend` does it with `timeout` (one more transition and
 *     state per terminal state).
 */
#ifndef P
#define P 2
#endif
#ifndef C
#define C 2
#endif
#ifndef K
#define K 2
#endif

#define TOTAL (P*K)
#define SHARE(id) (TOTAL/C + ((id) < TOTAL%C -> 1 : 0))

chan buf = [0] of { byte };
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
		assert(consumed[0] == 0);
		do
		:: k <= TOTAL -> assert(consumed[k] == 1); k++
		:: else -> break
		od;
		k = 0
	};
end:	false
}
