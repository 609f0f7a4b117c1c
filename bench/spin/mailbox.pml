/*
 * mailbox.pml -- the Promela twin of specs/mailbox_exclusive.ts (used by
 * `deno task bench --vs-spin`): docs/semantics.md §8, several receivers,
 * policy (b): at most one process at a time executes receive on the
 * mailbox. Adapted from ../shared/bench-spin/mailbox.pml, whose receivers
 * race for the messages with no receive lock and serve for ever.
 *
 * Parameters (spin -DB=1 -DR=2 -DM=2 -a mailbox.pml), as in the spec:
 *   B  capacity, R  receivers, M  messages.
 * The sender (pid 0) sends 1..M, then one stop message (0) per receiver;
 * each receiver (pids 1..R) takes messages until it gets a stop. A receive
 * first takes the mailbox's receive lock (rlock: 0 free, else the holder's
 * pid + 1), then waits for a message holding it, and releases the lock
 * with the message: two transitions, as in ipcspec's mbReceive.
 *
 * Same steps as the spec: the sender's loop test (`i < M + R` / `else`,
 * ipcspec's `while`), send, next; the receiver's take-the-lock, receive,
 * the stop test (ipcspec's `if`, one transition), the `not yet received`
 * assert (a transition in both languages) and count. ipcspec's `loop` is
 * no transition, nor is a Promela `do` with one option.
 *
 * What differs:
 *   - End of a process: an ipcspec process past its last step takes no
 *     transition. A Promela process at its closing brace still has its
 *     `-end-` transition, so each process ends blocked at `end: false`.
 *   - ipcspec checks `atEnd` properties where no transition is enabled; here
 *     the process `atend` does it with `timeout` (one more transition and
 *     state per terminal state).
 *   - `one receive at a time` holds by construction of rlock.
 *   - ipcspec's mailbox also keeps each message's sender and slots for the
 *     other policies and ownership; with one sender and policy (b) they are
 *     constant, so they add bytes, not states.
 */
#ifndef B
#define B 1
#endif
#ifndef R
#define R 2
#endif
#ifndef M
#define M 2
#endif

#define STOP 0

chan A = [B] of { byte };
byte rlock = 0;                   /* the receive lock: 0 free, else holder pid + 1 */
byte received[M + 1];

active proctype sender()
{
	byte i = 0;
	do
	:: i < M + R ->
		A!(i < M -> i + 1 : STOP);
		i++                       /* next */
	:: else -> break
	od;
end:	false
}

active [R] proctype receiver()
{
	byte m = 0;
	do
	:: d_step { rlock == 0 -> rlock = _pid + 1 };   /* take the receive lock */
		d_step { A?m; rlock = 0 };                  /* receive(A) into m */
		if
		:: m == STOP -> break
		:: else
		fi;
		assert(received[m] == 0);                   /* not yet received */
		received[m]++                               /* count */
	od;
end:	false
}

/* atEnd "exactly once", in the states where nothing else can move */
active proctype atend()
{
	byte k = 1;
	atomic {
		timeout;
		assert(rlock == 0 && len(A) == 0);
		do
		:: k <= M -> assert(received[k] == 1); k++
		:: else -> break
		od;
		k = 0
	};
end:	false
}
