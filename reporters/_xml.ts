// Private module: the little XML the JUnit reporter writes.

/** Characters XML 1.0 does not allow at all (control characters but tab, LF, CR). */
// deno-lint-ignore no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** `text` as XML character data. */
export function xmlText(text: string): string {
  return text.replace(INVALID, "\uFFFD").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** `value` as an XML attribute value (without the quotes); newlines kept as references. */
export function xmlAttr(value: string): string {
  return xmlText(value).replaceAll('"', "&quot;").replaceAll("'", "&apos;")
    .replaceAll("\n", "&#10;").replaceAll("\r", "&#13;").replaceAll("\t", "&#9;");
}

/** An element's start tag (or a whole empty element, when `empty`). */
export function xmlTag(
  name: string,
  attrs: Readonly<Record<string, string | number | undefined>>,
  empty = false,
): string {
  const list = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join("");
  return `<${name}${list}${empty ? "/>" : ">"}`;
}
