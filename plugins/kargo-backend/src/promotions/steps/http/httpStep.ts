import type { JsonObject } from '@backstage/types';
import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { readFile, stat } from 'node:fs/promises';
import { httpConfigSchema } from './configSchemas';
import { withDeadline } from './deadline';
import { EgressPolicy } from './egressPolicy';
import { durationOrDefault } from './goDuration';
import { describeUrl, requestUrl } from './requestUrl';
import {
  evaluateCriterion,
  evaluateOver,
  toJsonValue,
} from './responseExpressions';
import {
  mediaType,
  parseResponseBody,
  readBounded,
  responseVariable,
} from './responseBody';
import { HeaderPair, sendSafeRequest } from './safeRequest';

type HttpConfig = {
  url: string;
  method?: string;
  headers?: HeaderPair[];
  queryParams?: HeaderPair[];
  body?: string | null;
  bodyFromFile?: string | null;
  insecureSkipTLSVerify?: boolean;
  proxy?: string;
  timeout?: string;
  pollInterval?: string;
  responseContentType?: string;
  outputs?: Array<{ name: string; fromExpression: string }>;
  successExpression?: string;
  failureExpression?: string;
  errorExpression?: string;
};

/** Kargo's limits: 2 MiB for the response (and a bodyFromFile). */
export const DEFAULT_MAX_RESPONSE_BYTES = 2 << 20;

async function requestBody(
  ctx: PromotionStepContext,
  config: HttpConfig,
  limit: number,
): Promise<Buffer | undefined> {
  if (config.bodyFromFile) {
    const path = await ctx.resolvePath(config.bodyFromFile);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      throw new TerminalStepError(
        `bodyFromFile: "${config.bodyFromFile}" is not a file`,
      );
    }
    if (info.size > limit) {
      throw new TerminalStepError(
        `bodyFromFile: "${config.bodyFromFile}" is larger than ${limit} bytes`,
      );
    }
    return readFile(path);
  }
  return config.body ? Buffer.from(config.body, 'utf8') : undefined;
}

function outputsOf(
  ctx: PromotionStepContext,
  config: HttpConfig,
  env: Record<string, unknown>,
): JsonObject {
  const output: JsonObject = {};
  for (const { name, fromExpression } of config.outputs ?? []) {
    output[name] = toJsonValue(
      evaluateOver(
        ctx,
        fromExpression,
        env,
        `output ${JSON.stringify(name)} expression`,
      ),
      name,
    );
  }
  return output;
}

function failureMessage(
  ctx: PromotionStepContext,
  config: HttpConfig,
  env: Record<string, unknown>,
  status: number,
): string {
  const base = `HTTP (${status}) response met failure criteria`;
  if (!config.errorExpression) return base;
  let extracted: unknown;
  try {
    extracted = ctx.evaluate(config.errorExpression, env);
  } catch (error) {
    // Best effort, as in Kargo: a response shaped unlike the expression
    // expects falls back to the plain message; only a syntax error counts.
    if ((error as Error)?.name === 'ExpressionSyntaxError') {
      evaluateOver(ctx, config.errorExpression, env, 'error expression');
    }
    return base;
  }
  return typeof extracted === 'string' && extracted !== ''
    ? `${base}: ${JSON.stringify(extracted)}`
    : base;
}

/** `http`: one request; success/failure expressions decide, or the status code. */
export function createHttpStep(deps: {
  egress: EgressPolicy;
  maxResponseBytes?: number;
}): PromotionStepRunner {
  const limit = deps.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  return {
    name: 'http',
    configSchema: httpConfigSchema,
    async run(ctx): Promise<PromotionStepResult> {
      const config = ctx.config as unknown as HttpConfig;
      if (config.proxy) {
        throw new TerminalStepError(
          'proxy: not supported; requests go straight to the target so that the egress policy can check the address connected to',
        );
      }
      const url = requestUrl(config.url, config.queryParams);
      const method = config.method || 'GET';
      const timeoutMs = durationOrDefault(config.timeout, 'timeout', 10_000);
      const pollMs = durationOrDefault(
        config.pollInterval,
        'pollInterval',
        30_000,
      );
      const body = await requestBody(ctx, config, limit);
      if (ctx.resumed && method !== 'GET' && method !== 'HEAD') {
        // Nothing tells whether the interrupted attempt's request arrived.
        ctx.log(
          `an interrupted attempt may already have sent this ${method} request; sending it again`,
        );
      }

      const { status, rawHeaders, bytes } = await withDeadline(
        ctx.signal,
        timeoutMs,
        `${method} ${describeUrl(url)}`,
        async signal => {
          const response = await sendSafeRequest(
            {
              url,
              method,
              headers: config.headers,
              body,
              insecureSkipTLSVerify: config.insecureSkipTLSVerify,
              signal,
            },
            deps.egress,
          );
          const received = await readBounded(
            response.body,
            limit,
            // A HEAD response announces the size of a body it does not send.
            method === 'HEAD' ? undefined : response.contentLength,
          );
          return { ...response, bytes: received };
        },
      );
      ctx.log(
        `${method} ${describeUrl(url)}: HTTP ${status}, ${bytes.length} bytes`,
      );

      const contentType =
        config.responseContentType ||
        mediaType(rawHeaderValue(rawHeaders, 'content-type'));
      const env = {
        response: responseVariable(
          status,
          rawHeaders,
          parseResponseBody(bytes, contentType),
        ),
      };
      const success = evaluateCriterion(
        ctx,
        config.successExpression,
        env,
        'success expression',
      );
      const failure = evaluateCriterion(
        ctx,
        config.failureExpression,
        env,
        'failure expression',
      );

      if (failure) {
        return {
          status: 'Failed',
          message: failureMessage(ctx, config, env, status),
        };
      }
      if (success) {
        return { status: 'Succeeded', output: outputsOf(ctx, config, env) };
      }
      if (success === undefined && failure === undefined) {
        if (status >= 200 && status < 300) {
          return { status: 'Succeeded', output: outputsOf(ctx, config, env) };
        }
        // Kargo retries a non-2xx response: an error counts towards
        // retry.errorThreshold instead of failing the Promotion at once.
        throw new Error(
          `HTTP (${status}) response from ${describeUrl(url)} is not a success`,
        );
      }
      return {
        status: 'Running',
        message: `HTTP (${status}) response met neither success nor failure criteria; polling again`,
        retryAfterMs: pollMs,
      };
    },
  };
}

function rawHeaderValue(
  rawHeaders: string[],
  name: string,
): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}
