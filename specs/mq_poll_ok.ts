// The polling consumer of mq_poll_bug.ts done right: it consumes only after
// mq_receive returned OK and polls again on EAGAIN (docs/semantics.md §3).
import { pollSpec } from "./_mq_poll.ts";

export const mqPollOk = pollSpec(
  "mq_poll_ok",
  "Non-blocking mq_receive that retries on EAGAIN",
  "ok",
  "ok",
);
