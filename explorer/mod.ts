/**
 * The explorer: a local web page to walk a spec's state space by hand.
 * Start from the initial state, see every enabled transition with what it
 * would change, take one, go back, check from where you stand and jump to
 * the counterexample found, or load a trace or schedule file; the sequence
 * chart grows as you go. Served by `Deno.serve` on 127.0.0.1 only.
 *
 * @module
 */

export * from "./server.ts";
export * from "./session.ts";
