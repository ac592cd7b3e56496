import { TerminalStepError } from '@kargo-backstage/plugin-kargo-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import {
  LocalServer,
  sendJson,
  startLocalServer,
} from './__testUtils__/localServer';
import { createHttpSteps, EgressPolicy } from './index';

const [httpStep] = createHttpSteps({
  egress: new EgressPolicy(),
  limits: { maxResponseBytes: 4096 },
});

describe('http step', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let server: LocalServer;
  let jobState: string;

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    jobState = 'running';
    server = await startLocalServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/facts') {
        sendJson(
          res,
          200,
          { facts: [{ fact: 'cats sleep' }, { fact: 'cats purr' }] },
          {
            'X-Request-Id': 'abc-123',
          },
        );
      } else if (path === '/job') {
        sendJson(res, jobState === 'missing' ? 404 : 200, {
          status: jobState,
          message: 'job was deleted',
        });
      } else if (path === '/echo') {
        sendJson(res, 200, {
          method: req.method,
          url: req.url,
          auth: req.headers.authorization ?? null,
          tags: req.headers['x-tag'] ?? null,
          body: req.body,
        });
      } else if (path === '/yaml') {
        res.writeHead(200, { 'Content-Type': 'application/yaml' });
        res.end('version: "2.0"\nfeatures:\n  - name: a\n    enabled: true\n');
      } else if (path === '/text') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('{"looks": "like json"}');
      } else if (path === '/html') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html></html>');
      } else if (path === '/unavailable') {
        sendJson(res, 503, { error: 'try later' });
      } else if (path === '/big') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('x'.repeat(5000));
      } else if (path === '/big-chunked') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        for (let i = 0; i < 10; i++) res.write('y'.repeat(1000));
        res.end();
      } else if (path === '/head-of-big') {
        res.writeHead(200, { 'Content-Length': '1000000' });
        res.end();
      } else if (path === '/slow') {
        setTimeout(() => sendJson(res, 200, {}), 3000).unref();
      } else if (path === '/stall-body') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"partial":');
      } else {
        sendJson(res, 404, { message: 'no such path' });
      }
    });
  });

  afterEach(async () => {
    await server.close();
    await cleanup();
  });

  const run = (config: Record<string, unknown>, overrides = {}) =>
    httpStep.run(createStepContext(workDir, config as any, overrides));

  it('succeeds on 2xx without expressions and extracts outputs (Kargo basic example)', async () => {
    const result = await run({
      method: 'GET',
      url: `${server.url}/facts`,
      outputs: [
        { name: 'status', fromExpression: 'response.status' },
        { name: 'fact1', fromExpression: 'response.body.facts[0].fact' },
        {
          name: 'requestId',
          fromExpression: "response.headers['X-Request-Id'][0]",
        },
        {
          name: 'requestIdByMethod',
          fromExpression: "response.header('x-request-id')",
        },
      ],
    });
    expect(result).toEqual({
      status: 'Succeeded',
      output: {
        status: 200,
        fact1: 'cats sleep',
        requestId: 'abc-123',
        requestIdByMethod: 'abc-123',
      },
    });
  });

  it('polls with Running until the success expression holds, then succeeds', async () => {
    const config = {
      url: `${server.url}/job`,
      successExpression: "response.body.status == 'done'",
      failureExpression: 'response.status == 404',
      pollInterval: '45s',
      outputs: [{ name: 'state', fromExpression: 'response.body.status' }],
    };
    const first = await run(config);
    expect(first.status).toBe('Running');
    expect(first.retryAfterMs).toBe(45_000);
    expect(first.output).toBeUndefined();

    jobState = 'done';
    await expect(run(config)).resolves.toEqual({
      status: 'Succeeded',
      output: { state: 'done' },
    });
  });

  it('polls every 30s by default while only a success expression is set and unmet', async () => {
    const result = await run({
      url: `${server.url}/job`,
      successExpression: "response.body.status == 'done'",
    });
    expect(result).toMatchObject({ status: 'Running', retryAfterMs: 30_000 });
  });

  it('fails when the failure expression holds, with the error expression in the message', async () => {
    jobState = 'missing';
    const result = await run({
      url: `${server.url}/job`,
      successExpression: 'response.status == 200',
      failureExpression: 'response.status >= 400 && response.status < 500',
      errorExpression: 'response.body.nothing ?? response.body.message',
    });
    expect(result).toEqual({
      status: 'Failed',
      message: 'HTTP (404) response met failure criteria: "job was deleted"',
    });
  });

  it('prefers failure when both expressions hold, and falls back when the error expression cannot be evaluated', async () => {
    const result = await run({
      url: `${server.url}/facts`,
      successExpression: 'true',
      failureExpression: 'response.status == 200',
      errorExpression: 'response.body.missing.deeper',
    });
    expect(result).toEqual({
      status: 'Failed',
      message: 'HTTP (200) response met failure criteria',
    });
  });

  it('sends method, headers, query parameters and body', async () => {
    const result = await run({
      method: 'POST',
      url: `${server.url}/echo?z=last`,
      headers: [
        { name: 'Authorization', value: 'Bearer s3cret' },
        { name: 'X-Tag', value: 'one' },
        { name: 'X-Tag', value: 'two' },
      ],
      queryParams: [
        { name: 'channel', value: 'C 123&x' },
        { name: 'a', value: '1' },
      ],
      body: '{"text":"hello"}',
      outputs: [{ name: 'echo', fromExpression: 'response.body' }],
    });
    expect(result.output?.echo).toEqual({
      method: 'POST',
      url: '/echo?a=1&channel=C+123%26x&z=last',
      auth: 'Bearer s3cret',
      tags: 'one, two',
      body: '{"text":"hello"}',
    });
  });

  it('sends the contents of bodyFromFile', async () => {
    await mkdir(join(workDir, 'out'));
    await writeFile(join(workDir, 'out', 'payload.json'), '{"from":"file"}');
    const result = await run({
      method: 'PUT',
      url: `${server.url}/echo`,
      bodyFromFile: 'out/payload.json',
      outputs: [{ name: 'body', fromExpression: 'response.body.body' }],
    });
    expect(result.output).toEqual({ body: '{"from":"file"}' });
  });

  it('refuses a bodyFromFile outside the work directory', async () => {
    await expect(
      run({
        method: 'POST',
        url: `${server.url}/echo`,
        bodyFromFile: '../../etc/passwd',
      }),
    ).rejects.toBeInstanceOf(TerminalStepError);
    expect(server.requests).toHaveLength(0);
  });

  it('parses YAML, text and unknown content types like Kargo', async () => {
    const yaml = await run({
      url: `${server.url}/yaml`,
      outputs: [{ name: 'features', fromExpression: 'response.body.features' }],
    });
    expect(yaml.output).toEqual({ features: [{ name: 'a', enabled: true }] });

    const text = await run({
      url: `${server.url}/text`,
      outputs: [{ name: 'body', fromExpression: 'response.body' }],
    });
    expect(text.output).toEqual({ body: '{"looks": "like json"}' });

    const forcedJson = await run({
      url: `${server.url}/text`,
      responseContentType: 'application/json',
      outputs: [{ name: 'looks', fromExpression: 'response.body.looks' }],
    });
    expect(forcedJson.output).toEqual({ looks: 'like json' });

    const html = await run({
      url: `${server.url}/html`,
      outputs: [{ name: 'body', fromExpression: 'response.body' }],
    });
    expect(html.output).toEqual({ body: {} });
  });

  it('throws a retryable error for non-2xx responses when no expressions are set', async () => {
    const error = await run({ url: `${server.url}/unavailable` }).catch(e => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TerminalStepError);
    expect(error.message).toMatch(/HTTP \(503\)/);
  });

  it('treats a non-boolean success expression as an error and a syntax error as terminal', async () => {
    await expect(
      run({ url: `${server.url}/facts`, successExpression: 'response.status' }),
    ).rejects.toThrow(/did not evaluate to a boolean/);
    await expect(
      run({
        url: `${server.url}/facts`,
        successExpression: 'response.status ==',
      }),
    ).rejects.toBeInstanceOf(TerminalStepError);
  });

  it('refuses response bodies over the limit, announced or streamed', async () => {
    await expect(run({ url: `${server.url}/big` })).rejects.toThrow(
      /exceeds the limit of 4096 bytes/,
    );
    await expect(run({ url: `${server.url}/big-chunked` })).rejects.toThrow(
      /exceeds the limit of 4096 bytes/,
    );
  });

  it('does not hold the size a HEAD response announces against it', async () => {
    await expect(
      run({ method: 'HEAD', url: `${server.url}/head-of-big` }),
    ).resolves.toEqual({ status: 'Succeeded', output: {} });
  });

  it('times out slow responses and stalled bodies', async () => {
    const started = Date.now();
    await expect(
      run({ url: `${server.url}/slow`, timeout: '300ms' }),
    ).rejects.toThrow(/timed out after 300ms/);
    await expect(
      run({ url: `${server.url}/stall-body`, timeout: '300ms' }),
    ).rejects.toThrow(/timed out after 300ms/);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('stops when the Promotion is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(
      run({ url: `${server.url}/slow` }, { signal: controller.signal }),
    ).rejects.toThrow(/was aborted/);
  });

  it('refuses a proxy instead of bypassing the egress policy', async () => {
    await expect(
      run({ url: `${server.url}/facts`, proxy: 'http://proxy.internal:3128' }),
    ).rejects.toThrow(/proxy: not supported/);
  });
});
