/*
 * pc_sem.pml -- the Promela twin of specs/pc_semaphore.ts (used by
 * `deno task bench --vs-spin`): the bounded buffer of docs/semantics.md §9,
 * a shared ring buffer of N slots, counting semaphores sem_empty/sem_full
 * and a mutex around the buffer. Adapted from ../shared/bench-spin/pc_sem.pml.
 *
 * Parameters (spin -DN=2 -DP=3 -DC=2 -DK=3 -a pc_sem.pml), as in the spec:
 *   N  slots, P  producers, C  consumers, K  items per producer.
 * Items are numbered 1..P*K (0 marks an empty slot), producer id makes
 * items id*K+1 .. id*K+K; consumer id takes TOTAL/C items, plus one if
 * id < TOTAL%C (shareOf in specs/_items.ts), so C need not divide P*K.
 *
 * Same steps as the spec, one Promela transition for each ipcspec
 * transition: the loop test (`i < K` / `else`, ipcspec's `while`),
 * wait(empty), lock, put (one d_step, ipcspec's atomic `do`), unlock,
 * post(full), next; the consumer's loop test, wait(full), lock, take,
 * unlock, post(empty), the `no duplicate` assert (a transition in both
 * languages) and consume. A semaphore is its value (wait = d_step { s > 0;
 * s-- }); the mutex holds its owner's pid + 1, as ipcspec's does.
 *
 * What differs:
 *   - End of a process: an ipcspec process whose pc is past its last step
 *     is finished and takes no transition. A Promela process at its closing
 *     brace still has its `-end-` transition (deleting it, in reverse pid
 *     order), so each process ends blocked at `end: false` instead: no
 *     transition, a valid end state.
 *   - ipcspec checks `atEnd` properties in every state where no transition
 *     is enabled; here the process `atend` does it with `timeout`, which adds
 *     one transition and one state per terminal state (a handful).
 *   - `always` properties: ipcspec evaluates them in every state; here
 *     `count within [0, slots]` is asserted inside put and take, and mutual
 *     exclusion as "the mutex is mine" inside put and take.
 *   - The state vector: SPIN stores the pcs, locals and globals as bytes
 *     plus its own process and padding bytes; ipcspec stores Int32 slots.
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

#define wait(s)   d_step { s > 0; s-- }
#define post(s)   s++
#define lock(m)   d_step { m == 0; m = _pid + 1 }
#define unlock(m) d_step { assert(m == _pid + 1); m = 0 }

byte buf[N];
byte in = 0, out = 0, count = 0;
byte sem_empty = N, sem_full = 0;
byte mtx = 0;                     /* 0 free, else the owner's pid + 1 */
byte consumed[TOTAL + 1];         /* consumed[item]; [0]: takes of an empty slot */

/* pids 0 .. P-1: producer id = _pid */
active [P] proctype producer()
{
	byte i = 0;
	do
	:: i < K ->
		wait(sem_empty);
		lock(mtx);
		d_step {                  /* put, region cs */
			assert(mtx == _pid + 1 && count < N);
			buf[in] = _pid * K + i + 1;
			in = (in + 1) % N;
			count++
		};
		unlock(mtx);
		post(sem_full);
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
		wait(sem_full);
		lock(mtx);
		d_step {                  /* take, region cs */
			assert(mtx == _pid + 1 && count > 0);
			item = buf[out];
			buf[out] = 0;
			out = (out + 1) % N;
			count--
		};
		unlock(mtx);
		post(sem_empty);
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
		assert(consumed[0] == 0 && count == 0);
		do
		:: k <= TOTAL -> assert(consumed[k] == 1); k++
		:: else -> break
		od;
		k = 0
	};
end:	false
}
