/* bench/spin/anchor_chan.pml: SPIN's anchor model for issue 17, ../shared/bench-spin/pc_chan.pml as
 * given (the receive and its bookkeeping in one atomic block); its ipcspec
 * counterpart is anchor_channel in specs/spin_anchors.ts (bench/por.ts). */
/*
 * pc_chan.pml -- producer/consumer over a Promela buffered channel
 * (a bounded FIFO message queue of N slots).
 *
 * Parameters (override on the command line: spin -DN=3 -DP=2 -a pc_chan.pml):
 *   N  channel capacity (slots)
 *   P  producers
 *   C  consumers
 *   K  messages sent by each producer
 * Each consumer receives (P*K)/C messages, so choose P, K, C with C | P*K
 * (checked by an assertion in init).
 *
 * A message is the int id*K + seq (producer id, per-producer sequence
 * number 0..K-1).  Each receive is atomic with its check, which asserts
 * that messages of each producer leave the queue in FIFO order
 * (seq == next[id]); together with the final check next[id] == K this
 * also gives "every message received exactly once".
 */
#ifndef N
#define N 2
#endif
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

chan q = [N] of { int };
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
