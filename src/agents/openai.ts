// OpenAICompatible: the LLM seam over any chat-completions endpoint (OpenAI, Ollama, vLLM,
// LM Studio) through the `openai` SDK. The SDK's own retries are off (maxRetries: 0): this file
// owns the policy (back-off with jitter on 429 and 5xx, Retry-After honoured, bounded attempts),
// a deadline per attempt that covers the whole streamed answer, a max-output guard so an endless
// stream ends, token and dollar accounting, and spending caps checked before each call.
import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import { costUsd, estimateTokens, priceOf, type Price, type SpendingCap } from './budget';
import { redactor } from './redact';
import { backoffMs, realSleep, retryAfterMs, type Sleep } from './retry';
import { LlmError, type ChatRequest, type ChatResult, type LLM, type Role } from './types';

export interface OpenAICompatibleOptions {
  /** e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (Ollama). */
  readonly baseURL: string;
  /** From the environment (apiKeyFromEnv) or VS Code's SecretStorage; local servers need none. */
  readonly apiKey?: string;
  /** The model each role uses. */
  readonly models: Readonly<Record<Role, string>>;
  /** Deadline of one attempt, ms, from the request to the last streamed token. */
  readonly timeoutMs: number;
  /** Retries after the first attempt, on 429, 5xx and lost connections only. */
  readonly maxRetries: number;
  /** USD per 1M tokens by model; models missing here and in DEFAULT_PRICES cost 0. */
  readonly prices?: Readonly<Record<string, Price>>;
  /** Output allowance per call, tokens (sent as max_tokens; the stream guard uses it too). */
  readonly maxOutputTokens?: number;
  /** Stream answers (default true). */
  readonly stream?: boolean;
  /** Caps every call of this client counts against (e.g. the run's). */
  readonly caps?: readonly SpendingCap[];
  readonly temperature?: number;
  /** First back-off, ms (default 500), and the longest wait, ms (default 20 s). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Seams for tests: the clock's sleep and the jitter's randomness. */
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** Thrown inside an attempt when its own deadline fired (the SDK's stream ends quietly on abort). */
class DeadlineHit extends Error {}

/** Streamed characters allowed per output token before the guard ends the stream. */
const CHARS_PER_TOKEN_GUARD = 8;

interface Attempt {
  text: string;
  usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  truncated: boolean;
}

/** The API key from the environment: BLOCKSMITH_API_KEY, else OPENAI_API_KEY. */
export function apiKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env.BLOCKSMITH_API_KEY ?? env.OPENAI_API_KEY;
  return key === undefined || key.trim() === '' ? undefined : key.trim();
}

export class OpenAICompatible implements LLM {
  readonly #client: OpenAI;
  readonly #redact: (text: string) => string;
  readonly #opts: OpenAICompatibleOptions;

  constructor(opts: OpenAICompatibleOptions) {
    this.#opts = opts;
    this.#redact = redactor(opts.apiKey);
    this.#client = new OpenAI({
      baseURL: opts.baseURL,
      // The SDK insists on a key; local servers ignore this placeholder.
      apiKey: opts.apiKey ?? 'no-key',
      timeout: opts.timeoutMs,
      maxRetries: 0,
      logLevel: 'off',
    });
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const model = this.#opts.models[req.role];
    const price = priceOf(model, this.#opts.prices);
    const caps = [...(this.#opts.caps ?? []), ...(req.caps ?? [])];
    const promptTokens = estimateTokens(req.messages.map((m) => m.content).join('\n'));
    const maxOut = this.#opts.maxOutputTokens ?? 4096;
    const worst = { tokens: promptTokens + maxOut, usd: costUsd(price, promptTokens, maxOut) };
    const releases: ((actual?: { usd: number; tokens: number }) => void)[] = [];
    let spent: { usd: number; tokens: number } | undefined;
    try {
      for (const cap of caps) {
        releases.push(cap.reserve(worst, `the ${req.role} call to ${model}`));
      }
      const got = await this.#withRetries(req, model);
      const usage = {
        promptTokens: got.usage?.prompt_tokens ?? promptTokens,
        completionTokens: got.usage?.completion_tokens ?? estimateTokens(got.text),
      };
      const usd = costUsd(price, usage.promptTokens, usage.completionTokens);
      spent = { usd, tokens: usage.promptTokens + usage.completionTokens };
      return this.#result(got, model, usage, usd, price !== undefined);
    } finally {
      // A failed call has no usage to charge: its reservation is simply released.
      for (const release of releases) {
        release(spent);
      }
    }
  }

  #result(
    got: Attempt,
    model: string,
    usage: { promptTokens: number; completionTokens: number },
    usd: number,
    priced: boolean,
  ): ChatResult {
    return {
      text: got.text,
      model,
      usage,
      usd,
      priced,
      truncated: got.truncated,
      estimatedUsage: got.usage === undefined,
    };
  }

  async #withRetries(req: ChatRequest, model: string): Promise<Attempt> {
    const { maxRetries } = this.#opts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(req, model);
      } catch (err) {
        const failure = this.#classify(err, req, model, attempt);
        const retriable = failure.kind === 'rate-limited' || failure.kind === 'server-error';
        if (!retriable || attempt > maxRetries) {
          throw failure.error;
        }
        await this.#wait(attempt, failure.serverAsks, req.signal, failure.error);
      }
    }
  }

  async #wait(
    attempt: number,
    serverAsks: number | undefined,
    signal: AbortSignal | undefined,
    failure: LlmError,
  ): Promise<void> {
    const backoff = {
      baseDelayMs: this.#opts.baseDelayMs ?? 500,
      maxDelayMs: this.#opts.maxDelayMs ?? 20_000,
    };
    if (serverAsks !== undefined && serverAsks > backoff.maxDelayMs) {
      // Retrying before the server said it would take us again only earns another 429.
      throw new LlmError(
        failure.kind,
        `${failure.message}; the server asks to wait ${Math.ceil(serverAsks / 1000)} s, longer than the longest wait (${backoff.maxDelayMs / 1000} s): try again later`,
        failure.status,
        attempt,
      );
    }
    const ms = backoffMs(attempt, backoff, this.#opts.random ?? Math.random, serverAsks);
    try {
      await (this.#opts.sleep ?? realSleep)(ms, signal);
    } catch {
      throw new LlmError('aborted', 'the call was cancelled while waiting to retry', undefined);
    }
  }

  /** One request, streamed or not, under its own deadline. */
  async #attempt(req: ChatRequest, model: string): Promise<Attempt> {
    const ctrl = new AbortController();
    let fired = false;
    const timedOut = (): boolean => fired;
    const timer = setTimeout(() => {
      fired = true;
      ctrl.abort(new Error('deadline'));
    }, this.#opts.timeoutMs);
    const onAbort = (): void => {
      ctrl.abort(new Error('cancelled'));
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const got =
        this.#opts.stream === false
          ? await this.#complete(req, model, ctrl.signal)
          : await this.#stream(req, model, ctrl.signal);
      ctrl.signal.throwIfAborted();
      return got;
    } catch (err) {
      throw timedOut() ? new DeadlineHit('deadline') : err;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  #body(req: ChatRequest, model: string) {
    return {
      model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      max_tokens: this.#opts.maxOutputTokens ?? 4096,
      ...(this.#opts.temperature === undefined ? {} : { temperature: this.#opts.temperature }),
    };
  }

  async #complete(req: ChatRequest, model: string, signal: AbortSignal): Promise<Attempt> {
    const r = await this.#client.chat.completions.create(
      { ...this.#body(req, model), stream: false },
      { signal, timeout: this.#opts.timeoutMs },
    );
    const choice = r.choices.at(0);
    return {
      text: choice?.message.content ?? '',
      usage: r.usage,
      truncated: choice?.finish_reason === 'length',
    };
  }

  async #stream(req: ChatRequest, model: string, signal: AbortSignal): Promise<Attempt> {
    const maxOut = this.#opts.maxOutputTokens ?? 4096;
    const stream = await this.#client.chat.completions.create(
      { ...this.#body(req, model), stream: true, stream_options: { include_usage: true } },
      { signal, timeout: this.#opts.timeoutMs },
    );
    const got: Attempt = { text: '', usage: undefined, truncated: false };
    let chunks = 0;
    for await (const chunk of stream) {
      got.text += chunk.choices.at(0)?.delta.content ?? '';
      got.usage = chunk.usage ?? got.usage;
      got.truncated ||= chunk.choices.at(0)?.finish_reason === 'length';
      chunks++;
      // An endless stream (or one of empty chunks) ends here; leaving the loop aborts the request.
      if (got.text.length > maxOut * CHARS_PER_TOKEN_GUARD || chunks > maxOut * 2) {
        got.truncated = true;
        break;
      }
    }
    return got;
  }

  #classify(err: unknown, req: ChatRequest, model: string, attempt: number): Classified {
    const where = `the ${req.role} call to ${model} at ${this.#redact(this.#opts.baseURL)}`;
    const make: Make = (kind, message, status) => ({
      kind,
      error: new LlmError(kind, this.#redact(message), status, attempt),
    });
    if (err instanceof LlmError) {
      return { kind: err.kind, error: err };
    }
    if (req.signal?.aborted === true) {
      return make('aborted', `${where} was cancelled`);
    }
    if (err instanceof DeadlineHit || err instanceof APIConnectionTimeoutError) {
      return make(
        'timeout',
        `${where} got no complete answer within ${this.#opts.timeoutMs} ms (attempt ${attempt}): the server may be overloaded or the model too slow; raise the timeout or use a smaller model`,
      );
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const headers = err.headers as Headers | undefined;
      const status: number = err.status;
      const detail: string = err.message.slice(0, 300);
      return classifyStatus(status, detail, (name) => headers?.get(name), where, attempt, make);
    }
    const why = err instanceof Error ? err.message : String(err);
    return make(
      'server-error',
      `${where} failed after ${attempt} attempt(s): cannot reach the server (${why}); check the base URL and that the server runs`,
    );
  }
}

type Classified = { kind: LlmError['kind']; error: LlmError; serverAsks?: number };
type Make = (kind: LlmError['kind'], message: string, status?: number) => Classified;

/** An HTTP error status as a failure kind: 429 and 5xx are retried, other statuses are not. */
function classifyStatus(
  status: number,
  detail: string,
  header: (name: string) => string | null | undefined,
  where: string,
  attempt: number,
  make: Make,
): Classified {
  if (status === 429) {
    const serverAsks = retryAfterMs(header);
    return {
      ...make(
        'rate-limited',
        `${where} was rate-limited (429) ${attempt} time(s): ${detail}`,
        status,
      ),
      ...(serverAsks === undefined ? {} : { serverAsks }),
    };
  }
  if (status >= 500) {
    return make(
      'server-error',
      `${where} failed with a server error (${status}) ${attempt} time(s): ${detail}`,
      status,
    );
  }
  return make(
    'request-error',
    `${where} was refused (${status}): ${detail}. Check the base URL, the model name and the API key`,
    status,
  );
}
