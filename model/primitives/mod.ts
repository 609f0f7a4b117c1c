/**
 * The IPC primitives, one file each, following ipc-semantics.md: counting
 * and binary semaphores, mutexes and condition variables; channels
 * (bounded buffers and rendezvous); pipes with fork-shared ends; files and
 * message fragmentation; shared-memory segments (plain shared variables are
 * the spec's globals, see `system()`); direct naming; mailboxes and ports
 * with the textbook receiver policies and ownership, and mailslots.
 *
 * @module
 */

export * from "./semaphore.ts";
export * from "./mutex.ts";
export * from "./channel.ts";
export * from "./errno.ts";
export * from "./pipe.ts";
export * from "./shared_memory.ts";
export * from "./file.ts";
export * from "./fragment.ts";
export * from "./direct.ts";
export * from "./mailbox.ts";
export * from "./condvar.ts";
export * from "./sysv_msg.ts";
export * from "./posix_mq.ts";
export * from "./signals.ts";
export * from "./unix_stream.ts";
export * from "./unix_dgram.ts";
