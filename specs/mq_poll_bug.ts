// A consumer polls a POSIX message queue with O_NONBLOCK and ignores the
// status: when the queue is empty mq_receive fails with EAGAIN and leaves
// the buffer alone, and the consumer counts the stale buffer as a message
// (docs/semantics.md §3, "mq_receive").
import { pollSpec } from "./_mq_poll.ts";

export const mqPollBug = pollSpec(
  "mq_poll_bug",
  "Non-blocking mq_receive whose EAGAIN is treated as data",
  "bug",
  { violation: "only received messages are consumed" },
);
