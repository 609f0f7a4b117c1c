/**
 * ipcspec: a model checker for inter-process communication protocols.
 *
 * Write a spec in TypeScript: globals (shared memory), IPC primitives
 * (semaphores, mutexes, channels, pipes, message queues, mailboxes,
 * signals, sockets), and processes in a small step language. `check()`
 * explores every interleaving and returns the verdict, with the shortest
 * counterexample when a property fails. The semantics every primitive
 * follows, and where it departs from Linux, are in `docs/semantics.md`.
 *
 * This entry point is what a spec author imports, in these families:
 *
 * - **Specs and systems**: `spec()`, `system()`, parameters, `SpecError`.
 * - **The step language**: the builder a process body receives, `label()`,
 *   `goto()`, `atomic()`, `choose()`, `region()`, `loop()`, `breakLoop()`.
 * - **Typed variables**: `int()`, `bool()`, `array()`.
 * - **Primitives**, by family: semaphores, mutexes and condition variables;
 *   channels; status codes; pipes, files and message fragments; shared
 *   memory; direct naming, mailboxes and mailslots; message queues;
 *   signals; Unix-domain sockets; networks (hosts, datagram endpoints, faults).
 * - **Properties and templates**: predicate and view types, liveness
 *   declarations, the delivery and exclusion templates.
 * - **Checking**: `check()`, `checkAsync()`, `checkParallel()`, `coverage()`.
 * - **Results and replay**: `CheckResult` and its parts, `replay()`,
 *   schedule files, `explainTrace()`.
 * - **Reporters**: `formatText()`, `formatJson()` and their parts.
 * - **Pictures**: `traceChart()` and `traceRecorder()`, drawn by
 *   `formatMermaid()`, `formatSvg()` and `formatHtml()`; `graphPicture()`
 *   drawn by `formatDot()` and `formatDotSvg()`.
 * - **Simulation and sweeps**: `simulate()`, `sweep()`.
 *
 * Three more entry points: `@ipcspec/ipcspec/testing` (property tests over
 * parameter grids, for `deno test`), `@ipcspec/ipcspec/extend` (the
 * interfaces behind primitives and search engines, for people writing new
 * ones; see its module docs for what it promises) and
 * `@ipcspec/ipcspec/distributed` (the search partitioned over worker
 * processes and swarms, over a NATS server; apart because it imports the
 * NATS client).
 *
 * @example A bounded buffer over a channel
 * ```ts
 * import { channel, check, spec, system } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const pc = spec({
 *   name: "pc",
 *   params: { items: 3 },
 *   build: (p) => {
 *     const sys = system({ sum: 0 });
 *     const buf = channel("buf", 1);
 *     sys.process("producer", { locals: { i: 0 } }, (s) => [
 *       s.for("i", 0, p.items, [s.send(buf, ({ l }) => l.i + 1)]),
 *     ]);
 *     sys.process("consumer", { locals: { j: 0, x: 0 } }, (s) => [
 *       s.for("j", 0, p.items, [s.recv(buf, "x"), s.do("consume", ({ g, l }) => g.sum += l.x)]),
 *     ]);
 *     sys.atEnd("all received", ({ g }) => g.sum === 6);
 *     return sys;
 *   },
 * });
 * assert.equal(check(pc).verdict, "ok");
 * ```
 *
 * @module
 */

// ----------------------------------------------------------------------------
// Specs and systems: A spec is a named, parameterised builder of a system: globals, primitives,
// processes and properties. `spec()` declares one, `system()` starts the builder its `build`
// returns.
export { errorText, Spec, spec, SpecError, System, system } from "./model/mod.ts";
export type {
  Checkable,
  CompileOptions,
  Disposition,
  Expectation,
  ParamDecl,
  ParamDecls,
  ParamInput,
  ParamValues,
  ProcessDecl,
  ProcessOptions,
  SigInfo,
  SignalHandler,
  SpecDefinition,
  SpecErrorLocation,
  SystemOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// The step language: What a process body is made of: the builder `s` a process body receives
// (`s.do`, `s.when`, `s.if`, `s.while`, `s.send`, ...), and the free-standing control steps.
export {
  atomic,
  breakLoop,
  choose,
  goto,
  label,
  loop,
  region,
  StepBuilder,
  timeout,
} from "./model/mod.ts";
export type {
  BufferPart,
  Expr,
  ForOptions,
  Into,
  LabelOptions,
  Match,
  MessageMatch,
  MessageTarget,
  NumberKeys,
  Step,
  View,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Typed variables: Declarations of globals and locals: bounded integers, booleans and integer
// arrays, and the value types they give the views.
export { array, bool, int } from "./model/mod.ts";
export type {
  ArrayDecl,
  BoolDecl,
  IntArray,
  IntDecl,
  RangeOptions,
  Vals,
  ValueOf,
  VarDecl,
  VarDecls,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: semaphores, mutexes, condition variables
export {
  binarySemaphore,
  condBroadcast,
  condSignal,
  condvar,
  CONDVAR_MAX_PID,
  condWait,
  lock,
  mutex,
  post,
  SEM_VALUE_MAX,
  semaphore,
  unlock,
  wait,
  WAIT_WITHOUT_MUTEX,
} from "./model/mod.ts";
export type {
  CondVar,
  CondVarOptions,
  CondWaitOptions,
  Mutex,
  Semaphore,
  SemaphoreOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: channels: Bounded buffers and rendezvous (capacity 0); `s.send` and `s.recv` operate
// on them.
export { channel, MESSAGE_TOO_LARGE } from "./model/mod.ts";
export type { Channel, ChannelOptions } from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Structured messages: records and tuples of integer fields as channel messages, stored as one
// slot each and printed by field name.
export { message, range } from "./model/mod.ts";
export type { FieldType, FieldTypes, MessageOf, MessageType } from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: status codes: `errno` values the calls report, and the `status` local that receives
// them.
export { Errno, errnoName, status } from "./model/mod.ts";
export type { ErrnoName } from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: pipes, files and message fragments
export {
  close,
  file,
  fileRead,
  fileSize,
  fileTruncate,
  fileWrite,
  pipe,
  read,
  readAll,
  readNonblock,
  recvMessage,
  sendMessage,
  write,
  writeAll,
  writeNonblock,
} from "./model/mod.ts";
export type {
  FileOptions,
  FileReadOptions,
  FileTruncateOptions,
  FileWriteOptions,
  Pipe,
  PipeHolders,
  PipeOptions,
  ReadAllOptions,
  ReadNonblockOptions,
  ReadOptions,
  RecvMessageOptions,
  RegularFile,
  SendMessageOptions,
  WriteAllOptions,
  WriteNonblockOptions,
  WriteOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: shared-memory segments
export { segment, shmAttach, shmDetach, shmLoad, shmRemove, shmStore } from "./model/mod.ts";
export type {
  Segment,
  SegmentAttached,
  SegmentOptions,
  ShmCallOptions,
  ShmLoadOptions,
  ShmStoreOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: direct naming, mailboxes and mailslots
export {
  direct,
  DIRECT_MAX_PROCESSES,
  mailbox,
  MAILBOX_MAX_PID,
  MAILBOX_MISUSE,
  mailslot,
  mbCreate,
  mbDestroy,
  mbReceive,
  mbSend,
  pidOf,
  pidsOf,
  processCount,
  receiveAny,
  receiveFrom,
  sendTo,
  slotRead,
  slotWrite,
} from "./model/mod.ts";
export type {
  Direct,
  DirectOptions,
  Mailbox,
  MailboxOptions,
  MailboxPolicy,
  MailboxReceiveOptions,
  MailboxSendOptions,
  MailboxStatusOptions,
  Mailslot,
  MailslotOptions,
  Partner,
  PidList,
  PidRange,
  PidRef,
  PidSource,
  ReceiveFromOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: message queues: System V (`msgsnd`/`msgrcv`) and POSIX (`mq_send`/`mq_receive`)
// queues.
export {
  MQ_PRIO_MAX,
  mqNotify,
  mqNotifyCancel,
  mqReceive,
  mqSend,
  mqWaitNotification,
  msgctlRmid,
  MSGMAX,
  MSGMNB,
  msgQueue,
  msgrcv,
  msgsnd,
  posixMq,
} from "./model/mod.ts";
export type {
  MqNotifyOptions,
  MqReceiveOptions,
  MqSendOptions,
  MsgctlOptions,
  MsgQueue,
  MsgQueueOptions,
  MsgrcvOptions,
  MsgsndOptions,
  PosixMq,
  PosixMqOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Processes that are born, exit and are reaped (docs/processes.md)
export {
  exit,
  fork,
  processes,
  reapNow,
  spawn,
  waitChild,
  waitpid,
  WaitStatus,
} from "./model/mod.ts";
export type {
  ForkOptions,
  ProcessEntry,
  ProcessesOptions,
  ProcTable,
  WaitOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: signals
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
} from "./model/mod.ts";
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
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: Unix-domain sockets: Stream and sequenced-packet sockets (`unixStream`), datagram
// sockets (`unixDgram`).
export {
  dgramBind,
  dgramClose,
  dgramRecv,
  dgramRecvNonblock,
  dgramSend,
  dgramSendNonblock,
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
  unixDgram,
  unixStream,
} from "./model/mod.ts";
export type {
  DgramBindOptions,
  DgramRecvNonblockOptions,
  DgramRecvOptions,
  DgramSendNonblockOptions,
  DgramSendOptions,
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
  UnixDgram,
  UnixDgramOptions,
  UnixStream,
  UnixStreamListening,
  UnixStreamOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Primitives: networks: Hosts with datagram endpoints over a network that may lose, duplicate
// and reorder datagrams, and hosts that crash and restart (`network`).
export { crashHost, endpoint, network, restartHost, udpRecv, udpSend } from "./model/mod.ts";
export type {
  Endpoint,
  Network,
  NetworkOptions,
  UdpRecvOptions,
  UdpSendOptions,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Properties and templates: What a system declares about itself (`sys.always`, `sys.atEnd`,
// `sys.eventually`, ...) and the ready-made delivery and exclusion templates.
export { boundsPredicate, deliveryTemplate, exclusiveTemplate, isTemplate } from "./model/mod.ts";
export type {
  DeliveryOrder,
  DeliveryRules,
  ExclusiveOptions,
  Fairness,
  LivenessDecl,
  LivenessOptions,
  LivePredicate,
  PropertyDecl,
  PropertyKind,
  StatePredicate,
  StateView,
  StepInfo,
  StepPredicate,
  Template,
  TemplateCheck,
} from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Checking: Exhaustive search of a spec's state space: `check()` (and `checkAsync()`,
// `checkParallel()`), its options, coverage, and the declared-verdict comparison the CLI's
// `--expect` uses.
export {
  check,
  checkAsync,
  checkParallel,
  coverage,
  expectationText,
  meetsExpectation,
  verdictText,
} from "./checker/mod.ts";
export type {
  BfsCheckpoint,
  BfsPosition,
  CheckAsyncOptions,
  CheckOptions,
  Checkpointing,
  CoverageReport,
  ParallelOptions,
  Progress,
  Reduction,
  ReductionOptions,
  SearchHooks,
  SearchLimits,
  SpecModule,
  Strategy,
} from "./checker/mod.ts";

// ----------------------------------------------------------------------------
// Results and replay: A check's result is data: the verdict, statistics and the counterexample.
// Traces and schedule files replay against the spec.
export type { BlockedProcess, Change } from "./model/mod.ts";
export {
  explainTrace,
  formatScheduleFile,
  formatTrace,
  IPCSPEC_VERSION,
  parseScheduleFile,
  parseTrace,
  replay,
  replaySchedule,
  scheduleFileOf,
} from "./checker/mod.ts";
export type {
  CheckResult,
  Counterexample,
  IncompleteReason,
  ReductionStats,
  ReplayResult,
  ScheduleFile,
  ScheduleReplay,
  Stats,
  SymmetryStats,
  Trace,
  TraceStep,
  Verdict,
} from "./checker/mod.ts";

// ----------------------------------------------------------------------------
// Reporters: renderings of results, one file per format in `reporters/`: text, JSON, the
// counterexample story, statistics, coverage, sweep tables, simulations and replays.
export {
  formatCounterexample,
  formatCoverage,
  formatJson,
  formatScheduleReplay,
  formatSimulation,
  formatStats,
  formatSweep,
  formatSweepPoint,
  formatText,
  formatTraceReplay,
} from "./reporters/mod.ts";
export type { ReportFormat, SweepCommands } from "./reporters/mod.ts";
// For tools and CI: the versioned JSON result (its JSON Schema is
// `reporters/result.schema.json`), JUnit XML, ITF traces, progress lines.
export {
  checkResultJson,
  counterexampleJson,
  formatItf,
  formatJsonDocument,
  formatJunit,
  itfTrace,
  jsonDocument,
  junitCase,
  junitSweep,
  parseItf,
  progressLine,
  progressWriter,
  SCHEMA_VERSION,
  simulationJson,
  startLine,
  sweepJson,
} from "./reporters/mod.ts";
export type {
  CheckDocument,
  CheckResultJson,
  CounterexampleJson,
  DocumentBase,
  DocumentBody,
  ErrorDocument,
  ItfOrigin,
  ItfReplay,
  ItfState,
  ItfTrace,
  ItfValue,
  JsonDocument,
  JunitCase,
  JunitSuite,
  ListDocument,
  ReplayDocument,
  ResultJsonOptions,
  RunDescription,
  SimulateDocument,
  StateJson,
  StatsJson,
  StepJson,
  SwarmDocument,
  SwarmJobJson,
  SweepDocument,
  ToolJson,
  VersionDocument,
} from "./reporters/mod.ts";
export type {
  PrimitiveContents,
  PrimitiveData,
  ProcessData,
  StateData,
  VarValue,
} from "./checker/result.ts";

// ----------------------------------------------------------------------------
// Pictures: what moved in each step of a trace, recorded from the primitives' own reports on a
// separate instance of the spec (`traceRecorder()`), gathered into a chart (`traceChart()`) and
// drawn as Mermaid, SVG or a self-contained HTML report; a small spec's state graph
// (`graphPicture()`) as DOT, or SVG through Graphviz in WebAssembly.
export { graphPicture, statsRows, traceChart } from "./checker/mod.ts";
export type {
  ChartOptions,
  ChartStep,
  GraphEdge,
  GraphNode,
  GraphPicture,
  GraphPictureOptions,
  GraphRefusal,
  Lifeline,
  TraceChart,
  WaitForEdge,
} from "./checker/mod.ts";
export { traceRecorder } from "./model/mod.ts";
export type {
  NamedValue,
  PrimitiveSummary,
  Recorder,
  StateSnapshot,
  TraceEvent,
} from "./model/mod.ts";
export { formatDot, formatDotSvg, formatHtml, formatMermaid, formatSvg } from "./reporters/mod.ts";
export type { SvgOptions } from "./reporters/mod.ts";

// ----------------------------------------------------------------------------
// Driving one primitive: the model of a single primitive, call by call, with every outcome a
// call allows in the current state as data (`Drive`), as the kernel conformance suite
// (`conformance/`, docs/conformance.md) drives it next to the real system call.
export { Drive } from "./model/mod.ts";
export type { Call, DriveOptions, Outcome, Outputs } from "./model/mod.ts";

// ----------------------------------------------------------------------------
// Simulation and sweeps: Random runs of a spec (`simulate()`, for state spaces too large to
// search) and checks over a grid of parameters (`sweep()`).
export { parseRange, runSchedule, simulate, sweep } from "./checker/mod.ts";
export type {
  ParamRange,
  ParamRanges,
  ParamValue,
  ScheduleEnd,
  ScheduleRun,
  SimulateOptions,
  SimulationResult,
  SimulationVerdict,
  SwarmJobResult,
  SwarmResult,
  SwarmStrategy,
  SweepOptions,
  SweepPoint,
  SweepResult,
} from "./checker/mod.ts";
