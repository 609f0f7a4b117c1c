/**
 * The explorer's web server: `Deno.serve` on 127.0.0.1 only, serving one
 * page (everything in the package, no CDN) and a small JSON API over an
 * {@linkcode ExplorerSession}. Requests whose `Host` is not the loopback
 * address and port, or whose `Origin` is another site, are refused, so no
 * other page the browser has open can drive it.
 *
 * @module
 */

import type { Checkable } from "../mod.ts";
import { PAGE } from "./_page.ts";
import { ExplorerSession } from "./session.ts";

/** Options of {@linkcode serveExplorer}. */
export interface ExplorerOptions {
  /** The spec to explore. */
  readonly spec: Checkable;
  /** Its parameter overrides. */
  readonly params?: Readonly<Record<string, number | boolean | string>>;
  /** The port (default 0: any free port). */
  readonly port?: number;
  /** A path to start on (e.g. a trace given on the command line). */
  readonly start?: string;
  /** Check from the initial state first, so a counterexample is ready to jump to (default true). */
  readonly checkFirst?: boolean;
}

/** A running explorer. */
export interface RunningExplorer {
  /** Its address, e.g. `http://127.0.0.1:43121/`. */
  readonly url: string;
  /** The session it serves. */
  readonly session: ExplorerSession;
  /** Stops the server. */
  shutdown(): Promise<void>;
  /** Settles when the server has stopped. */
  readonly finished: Promise<void>;
}

/**
 * Starts the explorer on 127.0.0.1.
 *
 * @param options The spec, its parameters, the port.
 * @returns The running explorer.
 *
 * @example
 * ```ts
 * import { serveExplorer } from "./server.ts";
 * import { spec, system } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = spec({
 *   name: "inc",
 *   params: {},
 *   build: () => {
 *     const sys = system({ x: 0 });
 *     sys.process("p", {}, (b) => [b.do("inc", ({ g }) => g.x++)]);
 *     return sys;
 *   },
 * });
 * const ex = serveExplorer({ spec: s });
 * const view = await (await fetch(`${ex.url}api/view`)).json();
 * assert.equal(view.view.spec, "inc");
 * const evil = await fetch(`${ex.url}api/reset`, {
 *   method: "POST",
 *   headers: { origin: "http://evil.example", "content-type": "application/json" },
 *   body: "{}",
 * });
 * assert.equal(evil.status, 403);
 * await evil.body?.cancel();
 * await ex.shutdown();
 * ```
 */
export function serveExplorer(options: ExplorerOptions): RunningExplorer {
  const session = new ExplorerSession(options.spec, options.params ?? {});
  if (options.start !== undefined) {
    const err = session.load(options.start);
    if (err !== undefined) throw new RangeError(`Cannot explore '${options.spec.name}': ${err}`);
  } else if (options.checkFirst !== false) {
    session.check();
  }
  let port = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, (req) => handle(req, session, port));
  port = (server.addr as Deno.NetAddr).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    session,
    shutdown: () => server.shutdown(),
    finished: server.finished,
  };
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function refuse(why: string): Response {
  return new Response(`refused: ${why}\n`, { status: 403 });
}

async function handle(req: Request, session: ExplorerSession, port: number): Promise<Response> {
  const host = req.headers.get("host");
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return refuse(`Host '${host}' is not this explorer's loopback address`);
  }
  const origin = req.headers.get("origin");
  if (
    origin !== null && origin !== `http://127.0.0.1:${port}` &&
    origin !== `http://localhost:${port}`
  ) {
    return refuse(`Origin '${origin}' is another site`);
  }
  const url = new URL(req.url);
  if (req.method === "GET" && url.pathname === "/") {
    return new Response(PAGE, {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
      },
    });
  }
  if (req.method === "GET" && url.pathname === "/api/view") return reply(session, undefined);
  if (req.method !== "POST" || !url.pathname.startsWith("/api/")) {
    return new Response("not found\n", { status: 404 });
  }
  if (!(req.headers.get("content-type") ?? "").startsWith("application/json")) {
    return refuse("actions are posted as JSON");
  }
  let body: Record<string, unknown>;
  try {
    body = await req.json();
  } catch {
    return new Response(JSON.stringify({ error: "the body is not JSON" }), {
      status: 400,
      headers: JSON_HEADERS,
    });
  }
  switch (url.pathname) {
    case "/api/take":
      return reply(session, session.take(Number(body.transition)));
    case "/api/back":
      session.back();
      return reply(session, undefined);
    case "/api/reset":
      session.reset();
      return reply(session, undefined);
    case "/api/load":
      return reply(session, session.load(String(body.text ?? "")));
    case "/api/check":
      session.check();
      return reply(session, undefined);
    case "/api/jump":
      return reply(session, session.jump());
    default:
      return new Response("not found\n", { status: 404 });
  }
}

function reply(session: ExplorerSession, error: string | undefined): Response {
  let view;
  try {
    view = session.view();
  } catch (e) {
    return new Response(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }), {
      status: 500,
      headers: JSON_HEADERS,
    });
  }
  return new Response(JSON.stringify({ view, ...(error !== undefined ? { error } : {}) }), {
    headers: JSON_HEADERS,
  });
}
