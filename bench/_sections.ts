// Private module: sections of bench/RESULTS.md that other benchmarks own.
//
// A section is a `## ` heading, then the text between `<!-- section:NAME -->`
// and `<!-- /section:NAME -->` (the heading comes first, so that code cutting
// the file at headings keeps the markers). `deno task bench` rewrites the
// file but keeps such sections; `bench/symmetry.ts` replaces its own and
// keeps the rest.

const SECTION = /## [^\n]*\n<!-- section:([\w-]+) -->\n[\s\S]*?<!-- \/section:\1 -->\n/g;

/** The sections of `text`, in order. */
export function sectionsOf(text: string): string[] {
  return [...text.matchAll(SECTION)].map((m) => m[0]);
}

/** `body` (a `## ` heading line, then the text) as section `name`. */
export function section(name: string, body: string): string {
  const nl = body.indexOf("\n");
  const heading = nl < 0 ? body : body.slice(0, nl);
  const rest = nl < 0 ? "" : body.slice(nl + 1).trimEnd();
  return `${heading}\n<!-- section:${name} -->\n${rest}\n<!-- /section:${name} -->\n`;
}

/** The file at `path`, or the empty string. */
function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

/**
 * `text` (a new report) with the sections of the report at `path`
 * appended, so that rewriting the report keeps them.
 */
export function withKeptSections(text: string, path: string): string {
  const kept = sectionsOf(readOr(path));
  return kept.length === 0 ? text : `${text.trimEnd()}\n\n${kept.join("\n")}`;
}

/**
 * Writes section `name` into the report at `path`: in place of the old one,
 * or at the end.
 */
export function writeSection(path: string, name: string, body: string): void {
  const old = readOr(path);
  const next = section(name, body);
  const at = sectionsOf(old).find((s) => s.includes(`\n<!-- section:${name} -->\n`));
  const text = at !== undefined
    ? old.replace(at, () => next)
    : `${old.trimEnd()}${old === "" ? "" : "\n\n"}${next}`;
  Deno.writeTextFileSync(path, text);
}
