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
import { unixStreamSubject } from "./unix_stream.ts";

/** Every subject, and its longest sequence. */
export const SUBJECTS = [
  { subject: pipeSubject, maxOps: 8 },
  { subject: sysvMsgSubject, maxOps: 24 },
  { subject: posixMqSubject, maxOps: 24 },
  { subject: unixStreamSubject, maxOps: 24 },
  { subject: semaphoreSubject, maxOps: 24 },
] as const;
