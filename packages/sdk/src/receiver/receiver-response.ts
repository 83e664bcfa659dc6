/** The answer an adapter writes back. */
export interface ReceiverResponse {
  /** 200 once stored (or a duplicate), 4xx for a request no retry can fix, 503 to make Acadle retry. */
  status: number;
  /** The response headers, names in lower case. */
  headers: Record<string, string>;
  /** A JSON body. */
  body: string;
}
