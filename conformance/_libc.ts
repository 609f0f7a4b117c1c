// The kernel side of the conformance suite: the few libc calls it makes,
// through Deno's FFI (`Deno.dlopen("libc.so.6")`, needs --allow-ffi), each
// returning its result and the errno read with `__errno_location()` right
// after the call, on the same thread. Linux x86-64 and glibc only: the
// struct offsets below are those of that ABI (checked by the C helper's
// build when a compiler is present).

/** A call's result: its return value and, when it failed, errno (else 0). */
export interface Sys {
  /** The return value (a count, a descriptor, or -1). */
  readonly ret: number;
  /** errno after a failed call, 0 after a successful one. */
  readonly errno: number;
}

// Linux x86-64 constants.
export const O_NONBLOCK = 0o4000;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_SETPIPE_SZ = 1031;
export const F_GETPIPE_SZ = 1032;
export const FIONREAD = 0x541b;
export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const MSG_NOERROR = 0o10000;
export const MSG_EXCEPT = 0o20000;
export const SETVAL = 16;
export const GETVAL = 12;
export const AF_UNIX = 1;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;
export const MSG_DONTWAIT = 0x40;
export const MSG_TRUNC = 0x20;
export const MSG_NOSIGNAL = 0x4000;
export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SIGPIPE = 13;
export const SIG_IGN = 1n;

// struct msqid_ds (x86-64): msg_qbytes at 88, msg_qnum at 80, __msg_cbytes at 72.
const MSQID_DS = 120, MSG_QBYTES = 88, MSG_QNUM = 80, MSG_CBYTES = 72;
// struct mq_attr: four longs (flags, maxmsg, msgsize, curmsgs) and padding.
const MQ_ATTR = 64;
// struct utsname: six fields of 65 bytes; release is the third.
const UTSNAME = 390, UTS_RELEASE = 130;

const SYMBOLS = {
  __errno_location: { parameters: [], result: "pointer" },
  pipe: { parameters: ["buffer"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i64"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  signal: { parameters: ["i32", "u64"], result: "u64" },
  msgget: { parameters: ["i32", "i32"], result: "i32" },
  msgsnd: { parameters: ["i32", "buffer", "usize", "i32"], result: "i32" },
  msgrcv: { parameters: ["i32", "buffer", "usize", "i64", "i32"], result: "isize" },
  msgctl: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  mq_open: { parameters: ["buffer", "i32", "u32", "buffer"], result: "i32" },
  mq_send: { parameters: ["i32", "buffer", "usize", "u32"], result: "i32" },
  mq_receive: { parameters: ["i32", "buffer", "usize", "buffer"], result: "isize" },
  mq_getattr: { parameters: ["i32", "buffer"], result: "i32" },
  mq_close: { parameters: ["i32"], result: "i32" },
  mq_unlink: { parameters: ["buffer"], result: "i32" },
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
  semget: { parameters: ["i32", "i32", "i32"], result: "i32" },
  semop: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  semctl: { parameters: ["i32", "i32", "i32", "i64"], result: "i32" },
  sem_init: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  sem_trywait: { parameters: ["buffer"], result: "i32" },
  sem_post: { parameters: ["buffer"], result: "i32" },
  sem_getvalue: { parameters: ["buffer", "buffer"], result: "i32" },
  sem_destroy: { parameters: ["buffer"], result: "i32" },
  uname: { parameters: ["buffer"], result: "i32" },
} as const;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/**
 * Why the kernel side cannot run here, or undefined when it can: another
 * OS or architecture, or no FFI permission.
 */
export function unavailable(): string | undefined {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    return `the conformance suite needs Linux on x86-64 (this is ${Deno.build.os}/${Deno.build.arch})`;
  }
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
    return "the conformance suite needs --allow-ffi (it calls libc through Deno.dlopen)";
  }
  try {
    libc();
  } catch (e) {
    return `cannot open libc.so.6: ${(e as Error).message}`;
  }
  return undefined;
}

let lib: Lib | undefined;

function libc(): Lib {
  lib ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  return lib;
}

function errno(): number {
  const p = libc().__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

function sys(ret: number | bigint): Sys {
  const r = Number(ret);
  return { ret: r, errno: r < 0 ? errno() : 0 };
}

function cstr(s: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(s + "\0") as Uint8Array<ArrayBuffer>;
}

// --- descriptors and pipes ---------------------------------------------------

/** `pipe()`: the read and write descriptors. */
export function pipe(): { r: number; w: number } {
  const fds = new Int32Array(2);
  const s = sys(libc().pipe(fds));
  if (s.ret < 0) throw new Error(`pipe() failed: errno ${s.errno}`);
  return { r: fds[0]!, w: fds[1]! };
}

/** `fcntl(fd, cmd, arg)`. */
export function fcntl(fd: number, cmd: number, arg = 0): Sys {
  return sys(libc().fcntl(fd, cmd, BigInt(arg)));
}

/** Sets `O_NONBLOCK` on `fd`. */
export function setNonblock(fd: number): void {
  const fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl.ret | O_NONBLOCK);
}

/** `ioctl(fd, FIONREAD)`: the bytes ready to read, or -1. */
export function fionread(fd: number): Sys & { bytes: number } {
  const n = new Int32Array(1);
  const s = sys(libc().ioctl(fd, BigInt(FIONREAD), n));
  return { ...s, bytes: n[0]! };
}

/** `read(fd, buf, n)`: the result and the bytes read. */
export function read(fd: number, n: number): Sys & { data: Uint8Array } {
  const buf = new Uint8Array(Math.max(1, n));
  const s = sys(libc().read(fd, buf, BigInt(n)));
  return { ...s, data: buf.subarray(0, Math.max(0, s.ret)) };
}

/** `write(fd, data, data.length)`. */
export function write(fd: number, data: Uint8Array<ArrayBuffer>): Sys {
  return sys(libc().write(fd, data, BigInt(data.length)));
}

/** `close(fd)`. */
export function close(fd: number): Sys {
  return sys(libc().close(fd));
}

/** Ignores SIGPIPE in this process (writers then get EPIPE). */
export function ignoreSigpipe(): void {
  libc().signal(SIGPIPE, SIG_IGN);
}

// --- System V message queues -------------------------------------------------

/** `msgget(IPC_PRIVATE, IPC_CREAT | 0600)`: a new queue's id. */
export function msgget(): Sys {
  return sys(libc().msgget(IPC_PRIVATE, IPC_CREAT | 0o600));
}

/** `msgsnd(id, {mtype, text}, size, flags)`; `size` defaults to the text's length (-1 is `SIZE_MAX`). */
export function msgsnd(
  id: number,
  mtype: bigint,
  text: Uint8Array,
  flags: number,
  size = text.length,
): Sys {
  const buf = new Uint8Array(8 + text.length);
  new DataView(buf.buffer).setBigInt64(0, mtype, true);
  buf.set(text, 8);
  return sys(libc().msgsnd(id, buf, BigInt.asUintN(64, BigInt(size)), flags));
}

/** `msgrcv(id, buf, msgsz, msgtyp, flags)`: the result, the type and the bytes. */
export function msgrcv(
  id: number,
  msgsz: number,
  msgtyp: bigint,
  flags: number,
): Sys & { mtype: bigint; data: Uint8Array } {
  const buf = new Uint8Array(8 + Math.max(0, msgsz));
  const s = sys(libc().msgrcv(id, buf, BigInt.asUintN(64, BigInt(msgsz)), msgtyp, flags));
  const mtype = new DataView(buf.buffer).getBigInt64(0, true);
  return { ...s, mtype, data: buf.subarray(8, 8 + Math.max(0, s.ret)) };
}

/** `msgctl(id, IPC_STAT)`: the queue's message count, bytes and byte limit. */
export function msgStat(id: number): Sys & { qnum: number; cbytes: number; qbytes: number } {
  const ds = new Uint8Array(MSQID_DS);
  const s = sys(libc().msgctl(id, IPC_STAT, ds));
  const v = new DataView(ds.buffer);
  return {
    ...s,
    qnum: Number(v.getBigUint64(MSG_QNUM, true)),
    cbytes: Number(v.getBigUint64(MSG_CBYTES, true)),
    qbytes: Number(v.getBigUint64(MSG_QBYTES, true)),
  };
}

/** `msgctl(id, IPC_SET)` with `msg_qbytes` set to `qbytes` (the rest as IPC_STAT gave it). */
export function msgSetQbytes(id: number, qbytes: number): Sys {
  const ds = new Uint8Array(MSQID_DS);
  const s = sys(libc().msgctl(id, IPC_STAT, ds));
  if (s.ret < 0) return s;
  new DataView(ds.buffer).setBigUint64(MSG_QBYTES, BigInt(qbytes), true);
  return sys(libc().msgctl(id, IPC_SET, ds));
}

/** `msgctl(id, IPC_RMID)`. */
export function msgRmid(id: number): Sys {
  return sys(libc().msgctl(id, IPC_RMID, null));
}

// --- POSIX message queues ----------------------------------------------------

/** `mq_open(name, O_RDWR | O_CREAT | O_EXCL | flags, 0600, {maxmsg, msgsize})`. */
export function mqOpen(name: string, maxmsg: number, msgsize: number, flags = 0): Sys {
  const attr = new BigInt64Array(MQ_ATTR / 8);
  attr[1] = BigInt(maxmsg);
  attr[2] = BigInt(msgsize);
  return sys(libc().mq_open(cstr(name), O_RDWR | O_CREAT | O_EXCL | flags, 0o600, attr));
}

/** `mq_send(mqd, data, data.length, prio)`. */
export function mqSend(mqd: number, data: Uint8Array<ArrayBuffer>, prio: number): Sys {
  return sys(libc().mq_send(mqd, data, BigInt(data.length), prio >>> 0));
}

/** `mq_receive(mqd, buf, buflen, &prio)`: the result, the priority and the bytes. */
export function mqReceive(mqd: number, buflen: number): Sys & { prio: number; data: Uint8Array } {
  const buf = new Uint8Array(Math.max(1, buflen));
  const prio = new Uint32Array(1);
  const s = sys(libc().mq_receive(mqd, buf, BigInt(buflen), prio));
  return { ...s, prio: prio[0]!, data: buf.subarray(0, Math.max(0, s.ret)) };
}

/** `mq_getattr(mqd)`: flags, maxmsg, msgsize and curmsgs. */
export function mqGetattr(
  mqd: number,
): Sys & { flags: number; maxmsg: number; msgsize: number; curmsgs: number } {
  const attr = new BigInt64Array(MQ_ATTR / 8);
  const s = sys(libc().mq_getattr(mqd, attr));
  return {
    ...s,
    flags: Number(attr[0]),
    maxmsg: Number(attr[1]),
    msgsize: Number(attr[2]),
    curmsgs: Number(attr[3]),
  };
}

/** `mq_close(mqd)`. */
export function mqClose(mqd: number): Sys {
  return sys(libc().mq_close(mqd));
}

/** `mq_unlink(name)`. */
export function mqUnlink(name: string): Sys {
  return sys(libc().mq_unlink(cstr(name)));
}

// --- Unix socket pairs -------------------------------------------------------

/** `socketpair(AF_UNIX, type, 0)`: the two descriptors. */
export function socketpair(type: number): [number, number] {
  const fds = new Int32Array(2);
  const s = sys(libc().socketpair(AF_UNIX, type, 0, fds));
  if (s.ret < 0) throw new Error(`socketpair() failed: errno ${s.errno}`);
  return [fds[0]!, fds[1]!];
}

/** `send(fd, data, data.length, flags)`. */
export function send(fd: number, data: Uint8Array<ArrayBuffer>, flags: number): Sys {
  return sys(libc().send(fd, data, BigInt(data.length), flags));
}

/** `recv(fd, buf, n, flags)`: the result and the bytes received. */
export function recv(fd: number, n: number, flags: number): Sys & { data: Uint8Array } {
  const buf = new Uint8Array(Math.max(1, n));
  const s = sys(libc().recv(fd, buf, BigInt(n), flags));
  return { ...s, data: buf.subarray(0, Math.max(0, Math.min(n, s.ret))) };
}

/** `shutdown(fd, how)`. */
export function shutdown(fd: number, how: number): Sys {
  return sys(libc().shutdown(fd, how));
}

// --- Unix datagram sockets bound to a path ------------------------------------

// struct sockaddr_un: sun_family (2 bytes) and sun_path (108).
const SOCKADDR_UN = 110;
// struct msghdr (x86-64, 56 bytes): msg_iov at 16, msg_iovlen at 24, msg_flags at 48.
const MSG_IOV = 16, MSG_IOVLEN = 24, MSG_FLAGS = 48;

function sockaddrUn(path: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(path);
  if (bytes.length >= SOCKADDR_UN - 2) throw new RangeError(`socket path too long: ${path}`);
  const a = new Uint8Array(SOCKADDR_UN);
  new DataView(a.buffer).setUint16(0, AF_UNIX, true);
  a.set(bytes, 2);
  return a;
}

/** `socket(AF_UNIX, type, 0)`. */
export function socket(type: number): Sys {
  return sys(libc().socket(AF_UNIX, type, 0));
}

/** `bind(fd, {AF_UNIX, path})`. */
export function bind(fd: number, path: string): Sys {
  return sys(libc().bind(fd, sockaddrUn(path), SOCKADDR_UN));
}

/** `sendto(fd, data, data.length, flags, {AF_UNIX, path})`. */
export function sendto(
  fd: number,
  data: Uint8Array<ArrayBuffer>,
  flags: number,
  path: string,
): Sys {
  return sys(libc().sendto(fd, data, BigInt(data.length), flags, sockaddrUn(path), SOCKADDR_UN));
}

/**
 * `recvmsg(fd, {one iovec of n bytes}, flags)`: the result, the bytes
 * received and `msg_flags` (`MSG_TRUNC` when the datagram was longer).
 */
export function recvmsg(
  fd: number,
  n: number,
  flags: number,
): Sys & { data: Uint8Array; msgFlags: number } {
  // Off V8's heap (above 64 bytes), so the pointers taken below stay put.
  const buf = new Uint8Array(Math.max(128, n));
  const iov = new Uint8Array(128);
  const hdr = new Uint8Array(128);
  const iv = new DataView(iov.buffer);
  iv.setBigUint64(0, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf))), true);
  iv.setBigUint64(8, BigInt(n), true);
  const hv = new DataView(hdr.buffer);
  hv.setBigUint64(MSG_IOV, BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(iov))), true);
  hv.setBigUint64(MSG_IOVLEN, 1n, true);
  const s = sys(libc().recvmsg(fd, hdr, flags));
  return {
    ...s,
    data: buf.subarray(0, Math.max(0, Math.min(n, s.ret))),
    msgFlags: s.ret < 0 ? 0 : hv.getInt32(MSG_FLAGS, true),
  };
}

/** `getsockopt(fd, SOL_SOCKET, SO_SNDBUF)`: the send buffer the kernel uses. */
export function sndbuf(fd: number): number {
  const v = new Int32Array(1), len = new Uint32Array([4]);
  const s = sys(libc().getsockopt(fd, SOL_SOCKET, SO_SNDBUF, v, len));
  if (s.ret < 0) throw new Error(`getsockopt(SO_SNDBUF) failed: errno ${s.errno}`);
  return v[0]!;
}

/** `unlink(path)`. */
export function unlink(path: string): Sys {
  return sys(libc().unlink(cstr(path)));
}

// --- semaphores --------------------------------------------------------------

/** `semget(IPC_PRIVATE, 1, IPC_CREAT | 0600)`. */
export function semget(): Sys {
  return sys(libc().semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600));
}

/** `semop(id, {0, op, flags}, 1)`. */
export function semop(id: number, op: number, flags: number): Sys {
  const b = new Uint8Array(6);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0, true);
  v.setInt16(2, op, true);
  v.setInt16(4, flags, true);
  return sys(libc().semop(id, b, 1n));
}

/** `semctl(id, 0, SETVAL, value)`. */
export function semSetval(id: number, value: number): Sys {
  return sys(libc().semctl(id, 0, SETVAL, BigInt(value)));
}

/** `semctl(id, 0, GETVAL)`. */
export function semGetval(id: number): Sys {
  return sys(libc().semctl(id, 0, GETVAL, 0n));
}

/** `semctl(id, 0, IPC_RMID)`. */
export function semRmid(id: number): Sys {
  return sys(libc().semctl(id, 0, IPC_RMID, 0n));
}

/** An unnamed POSIX semaphore in memory this module keeps (`sem_t`). */
export class PosixSem {
  readonly #sem = new Uint8Array(32);
  /** `sem_init(sem, 0, value)`. */
  constructor(value: number) {
    const s = sys(libc().sem_init(this.#sem, 0, value));
    if (s.ret < 0) throw new Error(`sem_init() failed: errno ${s.errno}`);
  }
  /** `sem_trywait(sem)`. */
  trywait(): Sys {
    return sys(libc().sem_trywait(this.#sem));
  }
  /** `sem_post(sem)`. */
  post(): Sys {
    return sys(libc().sem_post(this.#sem));
  }
  /** `sem_getvalue(sem)`. */
  value(): number {
    const v = new Int32Array(1);
    libc().sem_getvalue(this.#sem, v);
    return v[0]!;
  }
  /** `sem_destroy(sem)`. */
  destroy(): Sys {
    return sys(libc().sem_destroy(this.#sem));
  }
}

// --- the machine -------------------------------------------------------------

/** `uname -r`: the kernel release. */
export function kernelRelease(): string {
  const u = new Uint8Array(UTSNAME);
  libc().uname(u);
  const r = u.subarray(UTS_RELEASE, UTS_RELEASE + 65);
  return new TextDecoder().decode(r.subarray(0, r.indexOf(0)));
}

/** An integer from a /proc file (a per-machine limit), or `fallback` when unreadable. */
export function procLimit(path: string, fallback: number): number {
  try {
    const n = Number.parseInt(Deno.readTextFileSync(path).trim(), 10);
    return Number.isFinite(n) ? n : fallback;
  } catch {
    return fallback;
  }
}
