// Request/response over System V message queues (docs/semantics.md §2): each
// client receives the reply whose message type is its own id + 1, so it
// always gets its own reply, however the server's answers interleave.
import { requestResponse } from "./_mq_request.ts";

export const mqRequestResponse = requestResponse(
  "mq_request_response",
  "Clients send requests on one SysV queue and select their reply on another by type = id + 1",
  "own",
  "ok",
);
