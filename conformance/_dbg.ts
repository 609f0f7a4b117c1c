import fc from "fast-check";
import { property } from "./_harness.ts";
import { pipeSubject } from "./pipe.ts";
const t = Date.now();
fc.assert(property(pipeSubject, 8, { count: false }), { numRuns: 200, seed: 7 });
console.log(Date.now() - t);
