// Private to the CLI: the help text.

/** What `--help` prints, and what follows a usage error. */
export const USAGE = `usage: ipcspec check <spec files or folders...> [options]
       ipcspec list <spec files or folders...>
       ipcspec sweep <spec file> --param name=1..4 [--param name=1,2,4 ...] [options]
       ipcspec simulate <spec file> [options]
       ipcspec replay <schedule file or ITF trace> [spec file]
       ipcspec worker --nats URL [--jobs N]
       ipcspec swarm <spec file> --nats URL --jobs N [--job-seconds S] [options]
       ipcspec explore <spec file> [options]
       ipcspec init [dir]
       ipcspec --version

options:
  --param name=value   override a spec parameter (repeatable)
  --spec name          check only the spec with this name
  --max-states N       stop after N distinct states (verdict: incomplete)
  --max-depth N        do not search deeper than N steps (verdict: incomplete)
  --strategy bfs|dfs   search breadth-first (default: shortest traces) or depth-first
  --store exact|fingerprint|bitstate
                       keep every state (default), a 64-bit fingerprint and a parent
                       link per state (16 bytes at most; reports the probability that a
                       state was missed), or k = 3 bits per state of a bit array
                       (SPIN's supertrace; reports its coverage); the last two search
                       breadth-first
  --bitstate-bits N    the bit array of --store bitstate has 2^N bits (default 30,
                       128 MiB; 5 to 37)
  --symmetry           symmetry reduction: one state per orbit of the copies of
                       process kinds declared symmetric (same verdicts, real traces)
  --por                partial-order reduction: where one process's next steps are
                       independent of the others and invisible to the invariants,
                       explore only them (same safety verdicts, real traces that
                       need not be shortest; not with --symmetry or --workers)
  --workers N          search with N workers (Web Workers) sharing a fingerprint table:
                       breadth-first over the fingerprint store, the same verdicts and
                       shortest traces; safety only (a spec with liveness properties
                       gets the verdict error). 1 (default): the sequential search
  --distributed URL    search over worker processes (ipcspec worker) connected to the
                       NATS server at URL, --workers N of them, each owning the states of
                       one range of fingerprints: breadth-first, level by level, the same
                       verdicts, states and shortest traces as --store fingerprint; safety
                       only; a worker lost mid-run makes the verdict incomplete
  --worker-timeout S   with --distributed: a worker silent for S seconds is lost (default 10)
  --time S             stop after S seconds (verdict: incomplete)
  --format text|json|itf|mermaid|dot
                       output format (default text); json: one JSON document on stdout
                       (docs/json.md); itf: the counterexample as an ITF trace (one spec);
                       mermaid: the trace as a Mermaid sequenceDiagram; dot: the state
                       graph of a small spec (Graphviz)
  --junit FILE         also write a JUnit XML report (check, sweep)
  --itf FILE           also write the counterexample as an ITF trace (check; with several
                       specs FILE is a folder of <spec>.itf.json files)
  --svg FILE           write the trace as an SVG sequence chart (with --format dot: the
                       state graph drawn as SVG) (also replay)
  --html FILE          write a self-contained HTML report of the trace: verdict, chart,
                       each step's state, blocked processes, replay command (also replay)
  --graph-limit N      the most states --format dot draws (default 200)
  --expect             compare each verdict with the one the spec declares
  --replay TRACE       replay a trace (as printed, e.g. 0:3,1,4) instead of searching
  --progress           print progress to stderr every second (default on a terminal)
  --progress-every S   print a start line and a progress line every S seconds to stderr
                       (default 10 when stderr is not a terminal, for CI logs)
  --command-name NAME  the command printed in replay lines (set by the install line)
  --version            print the version
  --coverage           report which blocking steps and leadsTo triggers were reached
  --require-coverage   fail (exit 1) when a blocking step or a trigger was never reached
  --interpret          run the model with the interpreter instead of its generated
                       successor code (also sweep, simulate, replay)
  --dump-code FILE     write the generated successor JavaScript of the compiled model
                       to FILE (one spec; also simulate, replay)
  --checkpoint FILE    save the breadth-first search (exact or fingerprint store) to FILE every
                       --checkpoint-every minutes (default 10) and when interrupted;
                       written beside FILE and renamed over it
  --resume FILE        go on from the checkpoint FILE (same spec, parameters and
                       ipcspec version) to the same counts and verdict
  --check-purity       run one state in 16 twice and compare the successors, to find
                       spec code that depends on something outside the state (by
                       default the first 64 states and one in 1024 are compared)
  --max-memory SIZE    end the run as incomplete when it holds more than SIZE (e.g. 4G,
                       512M; default: half the machine's memory, at most 16 GiB)
  --step-timeout S     a single step, guard or property that runs longer than S seconds
                       ends the run with an error naming it (default 10)
  --allow-spec-io      run the spec's code with the CLI's own permissions instead of in
                       the sandbox (read access to the spec's folder and ipcspec only)
  -h, --help           this help

sweep (check every configuration of a grid, report the smallest failing one):
  --param name=RANGE   a range 1..4 or a list 1,2,4 is swept; a single value is fixed
  --max-states N       the state budget of each point (default 100000)
  --mode auto|grid|random  enumerate the grid, or sample it with fast-check (default auto)
  --grid-limit N       the largest grid auto enumerates (default 64)
  --all                enumerate every point, not only up to the first failure
  --symmetry           check each point with symmetry reduction (see check)
  --runs N             random mode: points to generate (default 100)
  --seed S, --path P   random mode: fast-check's seed and path, to reproduce a sweep

simulate (random schedules, shrunk on a violation; for configurations too large to check):
  --runs N             schedules to try (default 1000)
  --max-steps N        steps per schedule (default 1000)
  --seed S, --path P   fast-check's seed and path, to reproduce a simulation
  --time S             stop after S seconds
  --out FILE           where to write the schedule file (default: a new file in the temp dir)

worker (a process of distributed searches and swarms; start any number, on any machines
that reach the server and hold the project at the same path; see docs/distributed.md):
  --nats URL           the NATS server (nats://host:4222; several comma-separated)
  --jobs N             stop after N jobs (default: serve until Ctrl-C or SIGTERM)

swarm (diversified bitstate, depth-first and simulation jobs on the server's JetStream work
queue, run by the workers; the first violation found, replayed, and a table of the jobs):
  --nats URL           the NATS server, with JetStream (nats-server -js)
  --jobs N             jobs to queue
  --job-seconds S      the most each job may run (default 30)
  --seed S             the seed the jobs' seeds derive from (default random)
  --time S             the most to wait for the jobs' results

explore (a local web page to walk the states by hand, on 127.0.0.1 only):
  --spec name, --param name=value   as for check
  --port N             the port (default: any free port; printed)
  --replay TRACE       start on a trace; --load FILE: on a trace, schedule file or ITF trace
  --no-check           do not check from the initial state first
  --open               open the page in the default browser

exit codes: 0 ok, 1 violation (or an expectation not met), 2 incomplete, 3 error`;
