// The request/response protocol of mq_request_response.ts with the classic
// bug: clients receive with type 0 (the first message) instead of their own
// type, so a client whose request was answered second can take the reply
// meant for the other (docs/semantics.md §2, "Selection").
import { requestResponse } from "./_mq_request.ts";

export const mqWrongType = requestResponse(
  "mq_wrong_type",
  "Clients receive replies with type 0: a client takes another client's reply",
  "any",
  { violation: "each client gets its own reply" },
);
