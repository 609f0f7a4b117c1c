/*
 * The multi-process side of the conformance suite (docs/conformance.md):
 * each scenario forks the processes it needs, makes the calls, and prints
 * one line of `key=value` pairs saying what every process observed. The
 * Deno coordinator (conformance/multiprocess.ts) compiles this file with
 * the system's C compiler, runs the scenarios many times and checks every
 * observed outcome is one the model allows.
 *
 * Usage: helper SCENARIO
 *   pipe_eof     two writers write 3 bytes each and exit; the reader reads
 *                byte by byte until EOF: bytes=<digits> eof=1
 *   sigpipe      a child writes to a pipe with no read end open, SIGPIPE
 *                at its default: signal=<number that killed it>
 *   msgrcv_two   two receivers block in msgrcv, one message is sent, then
 *                the queue is removed: a=<value or -errno> b=<...>
 *   sem_two      two waiters block in semop(-1), two posts 50 ms apart:
 *                order=<ids in wake order>
 *   eintr_read   a child blocked in read() gets a handled SIGUSR1 (no
 *                SA_RESTART): read=<ret> errno=<errno>
 *   signals      SIGUSR1 and SIGRTMIN blocked, each sent 3 times, checked
 *                pending in the masked state, then unblocked:
 *                pending_usr1=1 pending_rt=1 queued=<SigQ growth> before=0
 *                usr1=<deliveries> rt=<values> sigpending_limit=<RLIMIT>
 *   msgsnd_full  a queue limited to 8 bytes holds two 4-byte messages (1,
 *                2); two senders block in msgsnd (3, then 4, 30 ms apart);
 *                four msgrcv: order=<values in the order received>
 *   pipe_write_two  a one-page pipe (F_SETPIPE_SZ) is filled; two writers
 *                block writing 100 bytes each ('1', then '2'); the reader
 *                reads the page, then 100 bytes twice: order=<writers>
 *   dgram_send_full  a datagram socket bound to a path is filled with
 *                MSG_DONTWAIT sends until EAGAIN; two senders block in
 *                sendto (1, then 2); the receiver drains it:
 *                filled=<datagrams queued> order=<senders' values>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(int ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

static int pipe_eof(void) {
  int fd[2];
  if (pipe(fd) != 0) die("pipe");
  for (int i = 1; i <= 2; i++) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
      char b[3];
      memset(b, '0' + i, sizeof b);
      close(fd[0]);
      _exit(write(fd[1], b, sizeof b) == 3 ? 0 : 1);
    }
  }
  close(fd[1]);
  char got[16];
  int n = 0;
  char c;
  ssize_t r;
  while ((r = read(fd[0], &c, 1)) == 1 && n < 15) got[n++] = c;
  got[n] = 0;
  while (wait(NULL) > 0) {
  }
  printf("bytes=%s eof=%d\n", got, r == 0);
  return 0;
}

static int sigpipe_scenario(void) {
  int fd[2];
  if (pipe(fd) != 0) die("pipe");
  close(fd[0]);
  pid_t p = fork();
  if (p < 0) die("fork");
  if (p == 0) {
    signal(SIGPIPE, SIG_DFL);
    ssize_t r = write(fd[1], "x", 1);
    _exit(r < 0 ? 3 : 4);
  }
  close(fd[1]);
  int st;
  waitpid(p, &st, 0);
  printf("signal=%d exit=%d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0,
         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}

struct msg {
  long mtype;
  int value;
};

static int msgrcv_two(void) {
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (q < 0) die("msgget");
  int out[2];
  if (pipe(out) != 0) die("pipe");
  pid_t kids[2];
  for (int i = 0; i < 2; i++) {
    kids[i] = fork();
    if (kids[i] < 0) die("fork");
    if (kids[i] == 0) {
      struct msg m;
      ssize_t r = msgrcv(q, &m, sizeof m.value, 0, 0);
      char line[32];
      int n = snprintf(line, sizeof line, "%c=%d ", 'a' + i, r < 0 ? -errno : m.value);
      if (write(out[1], line, n) != n) _exit(1);
      _exit(0);
    }
    nap(30); /* the first receiver blocks before the second */
  }
  nap(30);
  struct msg m = {1, 7};
  if (msgsnd(q, &m, sizeof m.value, 0) != 0) die("msgsnd");
  nap(30);
  msgctl(q, IPC_RMID, NULL);
  close(out[1]);
  while (wait(NULL) > 0) {
  }
  char buf[64];
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("%s\n", buf);
  return 0;
}

static int sem_two(void) {
  int s = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  if (s < 0) die("semget");
  if (semctl(s, 0, SETVAL, 0) != 0) die("semctl");
  int out[2];
  if (pipe(out) != 0) die("pipe");
  for (int i = 0; i < 2; i++) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
      struct sembuf op = {0, -1, 0};
      int r = semop(s, &op, 1);
      char c = r == 0 ? (char)('1' + i) : 'x';
      if (write(out[1], &c, 1) != 1) _exit(1);
      _exit(0);
    }
    nap(30);
  }
  nap(30);
  struct sembuf up = {0, 1, 0};
  semop(s, &up, 1);
  nap(30);
  semop(s, &up, 1);
  close(out[1]);
  while (wait(NULL) > 0) {
  }
  semctl(s, 0, IPC_RMID);
  char buf[8];
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  printf("order=%s\n", buf);
  return 0;
}

static volatile sig_atomic_t usr1;
static int rt_values[8];
static volatile sig_atomic_t rt_n;

static void on_usr1(int sig) {
  (void)sig;
  usr1++;
}

static void on_rt(int sig, siginfo_t *info, void *ctx) {
  (void)sig;
  (void)ctx;
  if (rt_n < 8) rt_values[rt_n++] = info->si_value.sival_int;
}

static int eintr_read(void) {
  int fd[2], ready[2];
  if (pipe(fd) != 0 || pipe(ready) != 0) die("pipe");
  pid_t p = fork();
  if (p < 0) die("fork");
  if (p == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    /* The handler is in place: the signal can no longer kill the child. */
    if (write(ready[1], "r", 1) != 1) _exit(1);
    close(fd[1]);
    char c;
    ssize_t r = read(fd[0], &c, 1);
    printf("read=%zd errno=%d\n", r, r < 0 ? errno : 0);
    fflush(stdout);
    _exit(0);
  }
  close(fd[0]);
  char r;
  if (read(ready[0], &r, 1) != 1) die("read");
  nap(50); /* the child blocks in read() */
  kill(p, SIGUSR1);
  nap(20);
  close(fd[1]); /* if it was not interrupted, it reads EOF */
  waitpid(p, NULL, 0);
  return 0;
}

/* SigQ in /proc/self/status: signals queued for this user, and the limit. */
static int sigq(int *limit) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  int n = -1;
  while (f != NULL && fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "SigQ: %d/%d", &n, limit) == 2) break;
  }
  if (f != NULL) fclose(f);
  return n;
}

static int signals_scenario(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_rt;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN, &sa, NULL);
  sigset_t set, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int limit = 0, q0 = sigq(&limit);
  for (int i = 1; i <= 3; i++) {
    kill(getpid(), SIGUSR1);
    union sigval v = {.sival_int = i};
    if (sigqueue(getpid(), SIGRTMIN, v) != 0) die("sigqueue");
  }
  sigpending(&pend);
  int queued = sigq(&limit) - q0;
  int pu = sigismember(&pend, SIGUSR1), pr = sigismember(&pend, SIGRTMIN);
  int before = usr1 + rt_n;
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  printf("pending_usr1=%d pending_rt=%d queued=%d before=%d usr1=%d rt=", pu, pr, queued, before,
         (int)usr1);
  for (int i = 0; i < rt_n; i++) printf("%d", rt_values[i]);
  printf(" sigpending_limit=%d\n", limit);
  return 0;
}

/* Reads exactly n bytes (a blocking pipe); 0 on success. */
static int read_full(int fd, char *buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

static int msgsnd_full(void) {
  int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (q < 0) die("msgget");
  struct msqid_ds ds;
  if (msgctl(q, IPC_STAT, &ds) != 0) die("msgctl IPC_STAT");
  ds.msg_qbytes = 8;
  if (msgctl(q, IPC_SET, &ds) != 0) die("msgctl IPC_SET");
  for (int v = 1; v <= 2; v++) {
    struct msg m = {1, v};
    if (msgsnd(q, &m, sizeof m.value, IPC_NOWAIT) != 0) die("msgsnd");
  }
  for (int i = 0; i < 2; i++) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
      struct msg m = {1, 3 + i};
      _exit(msgsnd(q, &m, sizeof m.value, 0) == 0 ? 0 : 1);
    }
    nap(30); /* the first sender blocks before the second */
  }
  nap(30);
  char order[8];
  int n = 0;
  for (int k = 0; k < 4; k++) {
    struct msg m;
    if (msgrcv(q, &m, sizeof m.value, 0, 0) != sizeof m.value) break;
    order[n++] = (char)('0' + m.value);
  }
  order[n] = 0;
  while (wait(NULL) > 0) {
  }
  msgctl(q, IPC_RMID, NULL);
  printf("order=%s\n", order);
  return 0;
}

static int pipe_write_two(void) {
  int fd[2];
  if (pipe(fd) != 0) die("pipe");
  if (fcntl(fd[1], F_SETPIPE_SZ, 4096) != 4096) die("F_SETPIPE_SZ");
  static char page[4096];
  memset(page, '0', sizeof page);
  if (write(fd[1], page, sizeof page) != (ssize_t)sizeof page) die("write");
  for (int i = 0; i < 2; i++) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
      char b[100];
      memset(b, '1' + i, sizeof b);
      close(fd[0]);
      _exit(write(fd[1], b, sizeof b) == (ssize_t)sizeof b ? 0 : 1);
    }
    nap(30);
  }
  nap(30);
  close(fd[1]);
  char order[3] = {0};
  if (read_full(fd[0], page, sizeof page) != 0) die("read");
  for (int k = 0; k < 2; k++) {
    char b[100];
    if (read_full(fd[0], b, sizeof b) != 0) die("read");
    /* A write of at most PIPE_BUF is atomic: 100 bytes of one writer. */
    order[k] = memchr(b, b[0] == '1' ? '2' : '1', sizeof b) == NULL ? b[0] : 'x';
  }
  while (wait(NULL) > 0) {
  }
  printf("order=%s\n", order);
  return 0;
}

static int dgram_send_full(void) {
  char dir[] = "/tmp/ipcspec-helper-XXXXXX";
  if (mkdtemp(dir) == NULL) die("mkdtemp");
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s/port", dir);
  int port = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (port < 0 || bind(port, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (s < 0) die("socket");
  int filled = 0;
  char zero = 0;
  while (sendto(s, &zero, 1, MSG_DONTWAIT, (struct sockaddr *)&addr, sizeof addr) == 1) filled++;
  if (errno != EAGAIN) die("sendto");
  for (int i = 0; i < 2; i++) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
      char v = (char)(1 + i);
      int c = socket(AF_UNIX, SOCK_DGRAM, 0);
      _exit(sendto(c, &v, 1, 0, (struct sockaddr *)&addr, sizeof addr) == 1 ? 0 : 1);
    }
    nap(30);
  }
  nap(30);
  char order[4];
  int n = 0;
  for (int k = 0; k < filled + 2; k++) {
    char v;
    if (recv(port, &v, 1, 0) != 1) break;
    if (v != 0 && n < 3) order[n++] = (char)('0' + v);
  }
  order[n] = 0;
  while (wait(NULL) > 0) {
  }
  close(port);
  close(s);
  unlink(addr.sun_path);
  rmdir(dir);
  printf("filled=%d order=%s\n", filled, order);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: helper SCENARIO\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *s = argv[1];
  if (strcmp(s, "pipe_eof") == 0) return pipe_eof();
  if (strcmp(s, "sigpipe") == 0) return sigpipe_scenario();
  if (strcmp(s, "msgrcv_two") == 0) return msgrcv_two();
  if (strcmp(s, "sem_two") == 0) return sem_two();
  if (strcmp(s, "eintr_read") == 0) return eintr_read();
  if (strcmp(s, "signals") == 0) return signals_scenario();
  if (strcmp(s, "msgsnd_full") == 0) return msgsnd_full();
  if (strcmp(s, "pipe_write_two") == 0) return pipe_write_two();
  if (strcmp(s, "dgram_send_full") == 0) return dgram_send_full();
  fprintf(stderr, "helper: unknown scenario %s\n", s);
  return 2;
}
