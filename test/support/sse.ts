/** A parsed Server-Sent Event (comment lines are kept apart, as `comments`). */
export interface SseEvent {
  id: string | null;
  event: string | null;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event (seen before or arriving later) matching `match`; rejects at the deadline. */
  waitFor(match: (e: SseEvent) => boolean, withinMs: number): Promise<SseEvent>;
  /** Resolves once a comment line arrived; rejects at the deadline. */
  waitForComment(withinMs: number): Promise<string>;
  /** Resolves when the server ended the answer. */
  ended: Promise<void>;
  close(): void;
}

/** Opens an SSE answer with fetch and parses it as it streams (what EventSource does, headers included). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  let buffer = '';
  let endedResolve: () => void = () => undefined;
  const ended = new Promise<void>((r) => (endedResolve = r));
  const pump = async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { id: null, event: null, data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) (e.id = line.slice(4)), (isEvent = true);
            else if (line.startsWith('event: ')) (e.event = line.slice(7)), (isEvent = true);
            else if (line.startsWith('data: ')) (e.data += line.slice(6)), (isEvent = true);
          }
          if (isEvent) events.push(e);
        }
        wake();
      }
    } catch {
      /* aborted */
    } finally {
      endedResolve();
      wake();
    }
  };
  void pump();
  const until = <T>(find: () => T | undefined, withinMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${withinMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`)), withinMs);
      const check = () => {
        const found = find();
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    waitFor: (match, withinMs) => until(() => events.find(match), withinMs, 'matching event'),
    waitForComment: (withinMs) => until(() => comments[0], withinMs, 'comment line'),
    ended,
    close: () => abort.abort(),
  };
}

export const eventData = (e: SseEvent): Record<string, any> => JSON.parse(e.data);
