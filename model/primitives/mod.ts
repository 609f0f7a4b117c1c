/**
 * The IPC primitives, one file each, following ipc-semantics.md: counting
 * and binary semaphores, mutexes, and channels (bounded buffers and
 * rendezvous). Shared memory is the spec's globals (see `system()`).
 *
 * @module
 */

export * from "./semaphore.ts";
export * from "./mutex.ts";
export * from "./channel.ts";
export * from "./errno.ts";
