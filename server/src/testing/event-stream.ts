/** Reads Server-Sent Events in tests, frame by frame, as EventSource would. */

export type Frame = { event: string; id: string | null; data: Record<string, unknown> };

/** Reads an event stream frame by frame, as EventSource would. */
export function reader(body: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  const stream = body.getReader();
  let buffer = '';
  let pending: ReturnType<typeof stream.read> | null = null;
  const frames: Frame[] = [];
  return {
    async next(timeout = 2000): Promise<Frame> {
      const deadline = Date.now() + timeout;
      for (;;) {
        const frame = frames.shift();
        if (frame) return frame;
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const colon = line.indexOf(':');
            fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          if (fields.has('data')) frames.push({ event: fields.get('event') ?? 'message', id: fields.get('id') ?? null, data: JSON.parse(fields.get('data')!) });
          continue;
        }
        if (Date.now() > deadline) throw new Error(`no frame within ${timeout} ms; got so far: ${buffer}`);
        // A read that outlives its wait is kept for the next call: nothing read is dropped.
        pending ??= stream.read();
        const read = await Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, deadline - Date.now())))]);
        if (read === null) continue;
        pending = null;
        if (read.done) throw new Error('the stream ended');
        buffer += decoder.decode(read.value, { stream: true });
      }
    },
    /** Whether the stream ends within the time. */
    async ends(timeout = 2000): Promise<boolean> {
      pending ??= stream.read();
      const read = await Promise.race([pending, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeout))]);
      if (read === null) return false;
      pending = null;
      return read.done || (await this.ends(timeout));
    },
    close: () => stream.cancel(),
  };
}
