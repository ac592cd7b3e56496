import {
  PromotionStepContext,
  PromotionStepResult,
  PromotionStepRunner,
  TerminalStepError,
} from '@kargo-backstage/plugin-kargo-node';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { httpDownloadConfigSchema } from './configSchemas';
import { withDeadline } from './deadline';
import { EgressPolicy } from './egressPolicy';
import { durationOrDefault } from './goDuration';
import { describeUrl, requestUrl } from './requestUrl';
import { HeaderPair, sendSafeRequest } from './safeRequest';

type HttpDownloadConfig = {
  url: string;
  outPath: string;
  allowOverwrite?: boolean;
  headers?: HeaderPair[];
  queryParams?: HeaderPair[];
  insecureSkipTLSVerify?: boolean;
  timeout?: string;
};

/** Kargo's limit: downloads of more than 100 MiB are refused. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 100 << 20;
const TEMP_SUFFIX = '.kargo-download';

function sizeLimit(limit: number): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > limit) {
        callback(new Error(`download exceeds the limit of ${limit} bytes`));
      } else {
        callback(null, chunk);
      }
    },
  });
}

/** Temp files an interrupted attempt left next to `target`. */
async function removeStaleTempFiles(target: string): Promise<void> {
  const prefix = `.${basename(target)}.`;
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter(name => name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX))
      .map(name => rm(join(dirname(target), name), { force: true })),
  );
}

/** undefined when the path does not exist. */
async function existing(path: string) {
  return lstat(path).catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
}

/**
 * `http-download`: streams a URL's body to `outPath` through a temp file
 * next to it, renamed into place only when complete, so a failed or
 * aborted download never leaves a partial file at `outPath`.
 */
export function createHttpDownloadStep(deps: {
  egress: EgressPolicy;
  maxDownloadBytes?: number;
}): PromotionStepRunner {
  const limit = deps.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  return {
    name: 'http-download',
    configSchema: httpDownloadConfigSchema,
    async run(ctx: PromotionStepContext): Promise<PromotionStepResult> {
      const config = ctx.config as unknown as HttpDownloadConfig;
      const url = requestUrl(config.url, config.queryParams);
      const timeoutMs = durationOrDefault(
        config.timeout,
        'timeout',
        5 * 60_000,
      );
      const target = await ctx.resolvePath(config.outPath);

      const found = await existing(target);
      if (found?.isDirectory()) {
        throw new TerminalStepError(
          `outPath: "${config.outPath}" is a directory`,
        );
      }
      if (found && !config.allowOverwrite) {
        if (ctx.resumed) {
          // The interrupted attempt got as far as renaming its download into
          // place (a file there before it would have failed it at once).
          ctx.log(
            `${config.outPath} was downloaded by the interrupted attempt`,
          );
          return { status: 'Succeeded' };
        }
        throw new TerminalStepError(
          `file already exists at ${config.outPath} and overwrite is not allowed`,
        );
      }
      await mkdir(dirname(target), { recursive: true });
      if (ctx.resumed) await removeStaleTempFiles(target);

      const size = await withDeadline(
        ctx.signal,
        timeoutMs,
        `download of ${describeUrl(url)}`,
        async signal => {
          const response = await sendSafeRequest(
            {
              url,
              method: 'GET',
              headers: config.headers,
              insecureSkipTLSVerify: config.insecureSkipTLSVerify,
              signal,
            },
            deps.egress,
          );
          if (response.status < 200 || response.status >= 300) {
            response.body.destroy();
            throw new Error(
              `HTTP request to ${describeUrl(url)} failed with status ${
                response.status
              }`,
            );
          }
          if ((response.contentLength ?? 0) > limit) {
            response.body.destroy();
            throw new TerminalStepError(
              `download of ${describeUrl(url)} (${
                response.contentLength
              } bytes) exceeds the limit of ${limit} bytes`,
            );
          }
          const temp = join(
            dirname(target),
            `.${basename(target)}.${randomBytes(6).toString(
              'hex',
            )}${TEMP_SUFFIX}`,
          );
          try {
            // 'wx': never follow or reuse whatever is already at that name.
            const file = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
            await pipeline(response.body, sizeLimit(limit), file, { signal });
            await rename(temp, target);
            return file.bytesWritten;
          } catch (error) {
            await rm(temp, { force: true });
            throw error;
          }
        },
      );
      ctx.log(
        `downloaded ${describeUrl(url)} to ${config.outPath} (${size} bytes)`,
      );
      return { status: 'Succeeded' };
    },
  };
}
