/** Reads Server-Sent Events from a fetch response. */
export interface SseMessage {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: Record<string, unknown>;
}

/** Reads messages (with data) until `until` holds or the stream ends, then cancels the stream. */
export async function readSse(res: Response, until: (msgs: SseMessage[]) => boolean): Promise<SseMessage[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const msgs: SseMessage[] = [];
  while (!until(msgs)) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) msgs.push({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', id: /^id: (.*)$/m.exec(block)?.[1], data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  await reader.cancel();
  return msgs;
}
