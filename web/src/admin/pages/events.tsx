import { useEffect, useState } from 'preact/hooks';
import { errorFrom } from '../../api/client';
import { ErrorBox } from '../../lib/ui';
import { adminHeaders } from '../session';

interface FeedEvent {
  id: string;
  type: string;
  data: string;
}

const KEEP = 200;

/**
 * The live event feed. EventSource cannot send the X-Admin-Token header (and the token must
 * never ride in a URL), so the stream is read with fetch and parsed here.
 */
export function EventsPage() {
  const [events, setEvents] = useState<FeedEvent[]>([]);
  const [status, setStatus] = useState<'connecting' | 'live' | 'closed'>('connecting');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      try {
        const res = await fetch('/admin/api/events?follow=true', { headers: { ...adminHeaders(), Accept: 'text/event-stream' }, signal: abort.signal });
        if (!res.ok || !res.body) throw errorFrom(res, await res.json().catch(() => null));
        setStatus('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = parseSse(block);
            if (event) setEvents((list) => [event, ...list].slice(0, KEEP));
          }
        }
        setStatus('closed');
      } catch (e) {
        if (!abort.signal.aborted) {
          setError((e as Error).message);
          setStatus('closed');
        }
      }
    })();
    return () => abort.abort();
  }, []);
  return (
    <>
      <h1>Live events</h1>
      <p class="hint" role="status" data-status={status}>
        Stream: {status}
      </p>
      <ErrorBox error={error} />
      <ol class="feed" aria-label="Events" aria-live="polite">
        {events.map((e) => (
          <li>
            <span class="badge">{e.type}</span> <span class="mono">#{e.id}</span>
            <pre>{e.data}</pre>
          </li>
        ))}
      </ol>
    </>
  );
}

function parseSse(block: string): FeedEvent | null {
  let id = '';
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  let text = data.join('\n');
  try {
    text = JSON.stringify(JSON.parse(text), null, 1);
  } catch {}
  return { id, type, data: text };
}
