/**
 * The IPC primitives, one file each, following `docs/semantics.md`: counting
 * and binary semaphores, mutexes and condition variables; channels
 * (bounded buffers and rendezvous); pipes with fork-shared ends; files and
 * message fragmentation; shared-memory segments (plain shared variables are
 * the spec's globals, see `system()`); direct naming; mailboxes and ports
 * with the textbook receiver policies and ownership; mailslots; System V and
 * POSIX message queues; signals; Unix-domain stream and datagram sockets;
 * networks of hosts whose datagrams may be lost, duplicated or reordered.
 *
 * Only what a spec author uses is re-exported here. The helpers the step
 * language and other primitives build on (`sendStep`, `recvStep`,
 * `mutexOffset`, `resolvePids`) are in the extension entry, `extend.ts`.
 *
 * @module
 */
export { binarySemaphore, post, SEM_VALUE_MAX, semaphore, wait } from "./semaphore.ts";
export type { Semaphore, SemaphoreOptions } from "./semaphore.ts";
export { lock, mutex, unlock } from "./mutex.ts";
export type { Mutex } from "./mutex.ts";
export { channel, MESSAGE_TOO_LARGE } from "./channel.ts";
export type { Channel, ChannelOptions } from "./channel.ts";
export { Errno, errnoName, status } from "./errno.ts";
export type { ErrnoName } from "./errno.ts";
export {
  close,
  pipe,
  read,
  readAll,
  readNonblock,
  write,
  writeAll,
  writeNonblock,
} from "./pipe.ts";
export type {
  Pipe,
  PipeHolders,
  PipeOptions,
  ReadAllOptions,
  ReadNonblockOptions,
  ReadOptions,
  WriteAllOptions,
  WriteNonblockOptions,
  WriteOptions,
} from "./pipe.ts";
export { segment, shmAttach, shmDetach, shmLoad, shmRemove, shmStore } from "./shared_memory.ts";
export type {
  Segment,
  SegmentAttached,
  SegmentOptions,
  ShmCallOptions,
  ShmLoadOptions,
  ShmStoreOptions,
} from "./shared_memory.ts";
export { file, fileRead, fileSize, fileTruncate, fileWrite } from "./file.ts";
export type {
  FileOptions,
  FileReadOptions,
  FileTruncateOptions,
  FileWriteOptions,
  RegularFile,
} from "./file.ts";
export { recvMessage, sendMessage } from "./fragment.ts";
export type { RecvMessageOptions, SendMessageOptions } from "./fragment.ts";
export {
  direct,
  DIRECT_MAX_PROCESSES,
  pidOf,
  pidsOf,
  processCount,
  receiveAny,
  receiveFrom,
  sendTo,
} from "./direct.ts";
export type {
  Direct,
  DirectOptions,
  Partner,
  PidList,
  PidRange,
  PidRef,
  PidSource,
  ReceiveFromOptions,
} from "./direct.ts";
export {
  mailbox,
  MAILBOX_MAX_PID,
  MAILBOX_MISUSE,
  mbCreate,
  mbDestroy,
  mbReceive,
  mbSend,
} from "./mailbox.ts";
export type {
  Mailbox,
  MailboxOptions,
  MailboxPolicy,
  MailboxReceiveOptions,
  MailboxSendOptions,
  MailboxStatusOptions,
} from "./mailbox.ts";
export { mailslot, slotRead, slotWrite } from "./mailslot.ts";
export type { Mailslot, MailslotOptions } from "./mailslot.ts";
export {
  condBroadcast,
  condSignal,
  condvar,
  CONDVAR_MAX_PID,
  condWait,
  WAIT_WITHOUT_MUTEX,
} from "./condvar.ts";
export type { CondVar, CondVarOptions, CondWaitOptions } from "./condvar.ts";
export { msgctlRmid, MSGMAX, MSGMNB, msgQueue, msgrcv, msgsnd } from "./sysv_msg.ts";
export type {
  MsgctlOptions,
  MsgQueue,
  MsgQueueOptions,
  MsgrcvOptions,
  MsgsndOptions,
} from "./sysv_msg.ts";
export {
  MQ_PRIO_MAX,
  mqNotify,
  mqNotifyCancel,
  mqReceive,
  mqSend,
  mqWaitNotification,
  posixMq,
} from "./posix_mq.ts";
export type {
  MqNotifyOptions,
  MqReceiveOptions,
  MqSendOptions,
  PosixMq,
  PosixMqOptions,
} from "./posix_mq.ts";
export {
  exit,
  fork,
  processes,
  reapNow,
  spawn,
  waitChild,
  waitpid,
  WaitStatus,
} from "./process.ts";
export type {
  ForkOptions,
  ProcessEntry,
  ProcessesOptions,
  ProcTable,
  WaitOptions,
} from "./process.ts";
export {
  interruptible,
  kill,
  pause,
  sigaction,
  signalName,
  signalNumber,
  SIGNALS,
  signals,
  sigprocmask,
  sigqueue,
  sigsuspend,
} from "./signals.ts";
export type {
  InterruptibleOptions,
  KillOptions,
  PauseOptions,
  PidTarget,
  SigactionOptions,
  SignalName,
  SignalsOptions,
  SignalTable,
  SignalTarget,
} from "./signals.ts";
export {
  sockAccept,
  sockAcceptNonblock,
  sockClose,
  sockCloseListener,
  sockConnect,
  sockConnectNonblock,
  SOCKET_CONNECTIONS,
  SOCKET_ERROR,
  sockListen,
  sockRecv,
  sockRecvNonblock,
  sockSend,
  sockSendNonblock,
  sockShutdown,
  unixStream,
} from "./unix_stream.ts";
export type {
  SockAcceptNonblockOptions,
  SockAcceptOptions,
  SockConnectNonblockOptions,
  SockConnectOptions,
  SockEndOptions,
  SockListenOptions,
  SockRecvNonblockOptions,
  SockRecvOptions,
  SockSendNonblockOptions,
  SockSendOptions,
  UnixStream,
  UnixStreamListening,
  UnixStreamOptions,
} from "./unix_stream.ts";
export {
  dgramBind,
  dgramClose,
  dgramRecv,
  dgramRecvNonblock,
  dgramSend,
  dgramSendNonblock,
  unixDgram,
} from "./unix_dgram.ts";
export type {
  DgramBindOptions,
  DgramRecvNonblockOptions,
  DgramRecvOptions,
  DgramSendNonblockOptions,
  DgramSendOptions,
  UnixDgram,
  UnixDgramOptions,
} from "./unix_dgram.ts";
export { crashHost, endpoint, network, restartHost, udpRecv, udpSend } from "./network.ts";
export type {
  Endpoint,
  Network,
  NetworkOptions,
  UdpRecvOptions,
  UdpSendOptions,
} from "./network.ts";
