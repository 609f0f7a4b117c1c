/**
 * The subjects of the conformance suite, with the longest sequence each is
 * run with (a pipe's model is wide, so its sequences are shorter).
 *
 * @module
 */

import { posixMqSubject } from "./posix_mq.ts";
import { pipeSubject } from "./pipe.ts";
import { semaphoreSubject } from "./semaphore.ts";
import { sysvMsgSubject } from "./sysv_msg.ts";
import { RAISED_OPS, sysvMsgRaisedSubject } from "./sysv_msg_raised.ts";
import { unixStreamSubject } from "./unix_stream.ts";
import { DGRAM_OPS, unixDgramSubject } from "./unix_dgram.ts";

/** Every subject, and its longest sequence. */
export const SUBJECTS = [
  { subject: pipeSubject, maxOps: 12 },
  { subject: sysvMsgSubject, maxOps: 24 },
  { subject: sysvMsgRaisedSubject, maxOps: RAISED_OPS },
  { subject: posixMqSubject, maxOps: 24 },
  { subject: unixStreamSubject, maxOps: 24 },
  { subject: unixDgramSubject, maxOps: DGRAM_OPS },
  { subject: semaphoreSubject, maxOps: 24 },
] as const;
