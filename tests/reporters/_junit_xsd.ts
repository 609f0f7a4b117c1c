// Test helper: validates JUnit XML against the JUnit schema Jenkins reads
// (tests/fixtures/junit-4.xsd) with xmllint (libxml2 compiled to wasm).

import { validateXML } from "xmllint-wasm";

const xsd = await Deno.readTextFile(new URL("../fixtures/junit-4.xsd", import.meta.url));

/** xmllint's complaints about `xml` (empty when it is valid against the schema). */
export async function junitErrors(xml: string): Promise<string[]> {
  const r = await validateXML({
    xml: [{ fileName: "report.xml", contents: xml }],
    schema: [{ fileName: "junit-4.xsd", contents: xsd }],
  });
  return r.valid ? [] : r.errors.map((e) => e.rawMessage);
}
