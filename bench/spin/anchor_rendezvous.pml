/* bench/spin/anchor_rendezvous.pml: SPIN's anchor model for issue 17, ../shared/bench-spin/rendezvous.pml as
 * given (the receive and its bookkeeping in one atomic block); its ipcspec
 * counterpart is anchor_rendezvous in specs/spin_anchors.ts (bench/por.ts). */
/*
 * rendezvous.pml -- producer/consumer over a Promela rendezvous channel
 * (chan q = [0]: every send is a synchronous hand-off to one receiver).
 *
 * Parameters (override on the command line: spin -DP=3 -DC=2 -a rendezvous.pml):
 *   (no N: the channel has capacity 0)
 *   P  producers
 *   C  consumers
 *   K  messages sent by each producer
 * Each consumer receives (P*K)/C messages, so choose P, K, C with C | P*K
 * (checked by an assertion in init).
 *
 * A message is the int id*K + seq (producer id, per-producer sequence
 * number 0..K-1).  Each receive is atomic with its check, which asserts
 * that messages of each producer are received in send order
 * (seq == next[id]); together with the final check next[id] == K this
 * also gives "every message received exactly once".
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
#define CK    (TOTAL/C)

chan q = [0] of { int };
byte next[P];            /* next expected sequence number per producer */

proctype producer(byte id)
{
	byte i = 0;
	do
	:: i < K -> q!(id*K + i); i++
	:: else -> break
	od
}

proctype consumer(byte id)
{
	byte j = 0;
	int m = 0;
	do
	:: j < CK ->
		atomic {
			q?m;
			assert(m >= 0 && m / K < P);
			assert(m % K == next[m / K]);   /* per-producer FIFO */
			next[m / K]++;
			m = 0
		};
		j++
	:: else -> break
	od
}

init
{
	byte i;
	assert(CK * C == TOTAL);
	atomic {
		i = 0;
		do
		:: i < P -> run producer(i); i++
		:: else -> break
		od;
		i = 0;
		do
		:: i < C -> run consumer(i); i++
		:: else -> break
		od;
		i = 0
	}
	(_nr_pr == 1);          /* all producers and consumers terminated */
	d_step {
		assert(len(q) == 0);
		i = 0;
		do
		:: i < P -> assert(next[i] == K); i++
		:: else -> break
		od;
		i = 0
	}
}
