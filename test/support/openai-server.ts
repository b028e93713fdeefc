// A real chat-completions server on loopback for the agent tests: it speaks POST
// /v1/chat/completions (JSON, and SSE when `stream: true`), reports usage, and replays a script
// of answers and faults in order. It records every request so tests can assert the prompts.
// It listens on 127.0.0.1 only and ends every open response when closed.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted reply: an answer text, or a fault. */
export type ScriptEntry =
  | string
  | { readonly fault: 'rate-limit'; readonly retryAfter?: string }
  | { readonly fault: 'server-error'; readonly status?: number }
  | { readonly fault: 'hang' }
  | { readonly fault: 'endless' }
  | { readonly fault: 'empty' }
  | { readonly fault: 'status'; readonly status: number; readonly message: string };

export interface RecordedRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: {
    model: string;
    stream?: boolean;
    messages: { role: string; content: string }[];
    stream_options?: { include_usage?: boolean };
  };
}

export interface ScriptedServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Tokens as the server counts them: a character count / 4, so tests can predict usage. */
export function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Endless streams stop on their own after this long, should a client never abort. */
const ENDLESS_LIMIT_MS = 30_000;

function usageOf(req: RecordedRequest, text: string) {
  const prompt = tokensOf(req.body.messages.map((m) => m.content).join(''));
  const completion = tokensOf(text);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function chunk(model: string, delta: object, finish: string | null, usage?: object): string {
  const body = {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: usage === undefined ? [{ index: 0, delta, finish_reason: finish }] : [],
    ...(usage === undefined ? {} : { usage }),
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function answer(req: RecordedRequest, res: ServerResponse, text: string): void {
  const { model } = req.body;
  const usage = usageOf(req, text);
  if (req.body.stream !== true) {
    sendJson(res, 200, {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk(model, { role: 'assistant', content: '' }, null));
  for (let i = 0; i < text.length; i += 16) {
    res.write(chunk(model, { content: text.slice(i, i + 16) }, null));
  }
  res.write(chunk(model, {}, 'stop'));
  if (req.body.stream_options?.include_usage === true) {
    res.write(chunk(model, {}, null, usage));
  }
  res.end('data: [DONE]\n\n');
}

function endless(req: RecordedRequest, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const started = Date.now();
  const timer = setInterval(() => {
    if (res.destroyed || Date.now() - started > ENDLESS_LIMIT_MS) {
      clearInterval(timer);
      res.destroy();
      return;
    }
    res.write(chunk(req.body.model, { content: 'and so on, ' }, null));
  }, 1);
  res.on('close', () => {
    clearInterval(timer);
  });
}

function reply(entry: ScriptEntry | undefined, req: RecordedRequest, res: ServerResponse): void {
  if (entry === undefined) {
    sendJson(res, 500, { error: { message: 'openai-server: the script is exhausted' } });
  } else if (typeof entry === 'string') {
    answer(req, res, entry);
  } else if (entry.fault === 'rate-limit') {
    const headers = entry.retryAfter === undefined ? {} : { 'retry-after': entry.retryAfter };
    sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests' } }, headers);
  } else if (entry.fault === 'server-error') {
    sendJson(res, entry.status ?? 500, { error: { message: 'The server had an error' } });
  } else if (entry.fault === 'status') {
    sendJson(res, entry.status, { error: { message: entry.message } });
  } else if (entry.fault === 'empty') {
    answer(req, res, '');
  } else if (entry.fault === 'endless') {
    endless(req, res);
  }
  // 'hang': never answer; close() destroys the socket.
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Starts a scripted server on 127.0.0.1 at a free port. */
export async function startScriptedServer(script: readonly ScriptEntry[]): Promise<ScriptedServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: `openai-server: no route ${req.url ?? ''}` } });
        return;
      }
      const rec: RecordedRequest = {
        path: req.url,
        authorization: req.headers.authorization,
        body: JSON.parse(text) as RecordedRequest['body'],
      };
      requests.push(rec);
      reply(queue.shift(), rec, res);
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => {
          resolve();
        });
      }),
  };
}
