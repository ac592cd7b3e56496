import https from 'node:https';

/**
 * A minimal `fetch` for one HTTPS request that skips certificate
 * verification (a registry's `insecureSkipTLSVerify`). Only that request
 * uses the lax agent; everything else keeps the default verification.
 */
export async function insecureFetch(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  },
  maxBodyBytes: number,
): Promise<Response> {
  const target = new URL(url);
  if (target.protocol !== 'https:') {
    throw new Error('insecureFetch only handles https URLs');
  }
  return new Promise<Response>((resolve, reject) => {
    const req = https.request(
      target,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        rejectUnauthorized: false,
        signal: init.signal,
        agent: false,
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            req.destroy(
              new Error(`response body exceeds ${maxBodyBytes} bytes`),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            if (Array.isArray(value))
              value.forEach(v => headers.append(key, v));
            else if (value !== undefined) headers.set(key, value);
          }
          const status = res.statusCode ?? 500;
          const noBody =
            init.method === 'HEAD' || status === 204 || status === 304;
          resolve(
            new Response(noBody ? null : Buffer.concat(chunks), {
              status,
              headers,
            }),
          );
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
