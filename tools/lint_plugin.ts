/**
 * The project's own lint rules, run by `deno lint` (see `lint.plugins` in
 * deno.json).
 *
 * - `ipcspec/max-function-lines`: a function, method or arrow function in the
 *   library (model/, checker/, reporters/, cli/) spans at most
 *   {@linkcode MAX_FUNCTION_LINES} lines. A function that writes generated code
 *   as a template may say so with
 *   `// deno-lint-ignore ipcspec/max-function-lines` and a reason.
 *
 * @module
 */

/** The longest a library function may be, in lines (first to last). */
export const MAX_FUNCTION_LINES = 80;

/** The project's root folder, as a path ending in `/`. */
const ROOT = new URL("..", import.meta.url).pathname;
/** Library files, relative to the root. */
const LIBRARY = /^(?:(?:model|model\/primitives|checker|reporters|cli)\/[^/]+\.ts|cli\.ts)$/;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const plugin: Deno.lint.Plugin = {
  name: "ipcspec",
  rules: {
    "max-function-lines": {
      create(context) {
        const file = context.filename.replaceAll("\\", "/");
        if (!file.startsWith(ROOT) || !LIBRARY.test(file.slice(ROOT.length))) return {};
        const text = context.sourceCode.text;
        const visit = (node: Deno.lint.Node & { range: Deno.lint.Range }) => {
          const [start, end] = node.range;
          const lines = lineOf(text, end) - lineOf(text, start) + 1;
          if (lines > MAX_FUNCTION_LINES) {
            context.report({
              node,
              message: `Function spans ${lines} lines (at most ${MAX_FUNCTION_LINES})`,
              hint: "Split it into named helpers, one job each",
            });
          }
        };
        return {
          FunctionDeclaration: visit,
          FunctionExpression: visit,
          ArrowFunctionExpression: visit,
        };
      },
    },
  },
};

export default plugin;
