// File-based communication (model/primitives/file.ts): the writer writes a
// record of `parts` pieces into a file, one write() each; the reader polls
// the file's size and reads the record as soon as the file is not empty. A
// regular file has no EOF notification: read() returns what is there, so
// the reader can read a record the writer has not finished.
// With `notify` the writer posts a semaphore when the record is complete
// and the reader waits for it first: then the data is always complete.
import { file, fileRead, fileSize, fileWrite, post, semaphore, spec, system, wait } from "../mod.ts";

export const filePartial = spec({
  name: "file_partial",
  description: "A reader polling a file reads a record the writer has only partly written",
  params: { parts: 2, chunk: 1, notify: false },
  expect: { violation: "complete data" },
  build: (p) => {
    const record = p.parts * p.chunk;
    const sys = system({});
    const f = file("data", { maxSize: record });
    const done = semaphore("done", 0);

    sys.process("writer", { locals: { i: 0 } }, (s) => [
      s.for("i", 0, p.parts, [
        fileWrite(f, { append: true, bytes: p.chunk, value: s.expr(({ l }) => l.i + 1) }),
      ]),
      ...(p.notify ? [post(done)] : []),
    ]);
    sys.process("reader", { locals: { size: 0, got: 0 } }, (s) => [
      ...(p.notify ? [wait(done)] : []),
      s.while(({ l }) => l.size === 0, [fileSize(f, s.into("size"))]), // poll until not empty
      fileRead(f, { at: 0, bytes: record, count: s.into("got") }),
      s.assert(
        "complete data",
        ({ l }) => l.got === record || `read ${l.got} of ${record} bytes: the writer was not done`,
      ),
    ]);
    return sys;
  },
});
