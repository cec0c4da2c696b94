/** A response body read up to a byte cap. */
export interface CappedBody {
  text: string;
  /** True when the body was longer than the cap and the rest was discarded. */
  truncated: boolean;
}

/**
 * Reads at most `maxBytes` of a fetch response body as UTF-8 and cancels the rest, so a hostile
 * or broken server cannot make the client buffer an unbounded body.
 */
export async function readCappedBody(response: Response, maxBytes: number): Promise<CappedBody> {
  if (response.body === null) return { text: '', truncated: false };
  // Node's fetch types the stream as ReadableStream<any>; undici always yields Uint8Array chunks.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = maxBytes - total;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      total += room;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks, total));
  return { text, truncated };
}
