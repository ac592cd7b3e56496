import type { JsonObject } from '@backstage/types';
import { readdir } from 'node:fs/promises';
import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import {
  LocalServer,
  sendJson,
  startLocalServer,
} from './__testUtils__/localServer';
import { EgressDeniedError, EgressPolicy, HostResolver } from './egressPolicy';
import { createHttpSteps } from './index';

/** A resolver with fixed answers (names the system resolver cannot resolve). */
function resolverOf(answers: Record<string, string[]>) {
  const calls: string[] = [];
  const resolver: HostResolver = async hostname => {
    calls.push(hostname);
    return (answers[hostname] ?? []).map(address => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return { resolver, calls };
}

describe('egress policy, enforced by the http and http-download steps', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let server: LocalServer;
  let redirectTo = '';
  let redirectStatus = 302;

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    server = await startLocalServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(redirectStatus, { Location: redirectTo });
        res.end();
      } else if (req.url === '/loop') {
        res.writeHead(302, { Location: '/loop' });
        res.end();
      } else {
        sendJson(res, 200, {
          method: req.method,
          host: req.headers.host,
          auth: req.headers.authorization ?? null,
          body: req.body,
        });
      }
    });
  });

  afterEach(async () => {
    await server.close();
    await cleanup();
  });

  function steps(egress: EgressPolicy) {
    const [http, download] = createHttpSteps({ egress });
    return {
      http: (config: JsonObject) =>
        http.run(createStepContext(workDir, config)),
      download: (config: JsonObject) =>
        download.run(createStepContext(workDir, config)),
    };
  }
  const echoed = { name: 'echo', fromExpression: 'response.body' };

  it('denies the cloud metadata address without any configuration', async () => {
    const { http, download } = steps(new EgressPolicy());
    await expect(
      http({
        url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      }),
    ).rejects.toBeInstanceOf(EgressDeniedError);
    await expect(
      download({
        url: 'http://[fd00:ec2::254]/latest/user-data',
        outPath: 'user-data',
      }),
    ).rejects.toBeInstanceOf(EgressDeniedError);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('checks the address a hostname resolves to, not just the name', async () => {
    const url = `http://localhost:${server.port}/`;
    await expect(
      steps(new EgressPolicy()).http({ url }),
    ).resolves.toMatchObject({
      status: 'Succeeded',
    });
    const denyLoopback = new EgressPolicy({ deny: ['127.0.0.0/8'] });
    await expect(steps(denyLoopback).http({ url })).rejects.toThrow(
      /localhost are denied by the egress policy: address 127.0.0.1 is denied/,
    );
    expect(server.requests).toHaveLength(1);

    const { resolver } = resolverOf({
      'metadata.attacker.test': ['169.254.169.254'],
    });
    await expect(
      steps(new EgressPolicy({ resolver })).http({
        url: 'http://metadata.attacker.test/latest/meta-data/',
      }),
    ).rejects.toThrow(/address 169.254.169.254 is denied/);
  });

  it('connects to the address it checked: one resolution per connection, never a second one', async () => {
    let answer = '127.0.0.1';
    const calls: string[] = [];
    // Rebinding: the first answer is harmless, every later one is metadata.
    const resolver: HostResolver = async hostname => {
      calls.push(hostname);
      const address = answer;
      answer = '169.254.169.254';
      return [{ address, family: 4 }];
    };
    const result = await steps(new EgressPolicy({ resolver })).http({
      url: `http://rebind.test:${server.port}/echo`,
      outputs: [echoed],
    });
    // rebind.test exists only in our resolver, so the connection went to
    // the address it answered; the Host header still names the host.
    expect(result.output?.echo).toMatchObject({
      host: `rebind.test:${server.port}`,
    });
    expect(calls).toEqual(['rebind.test']);
  });

  it('connects only to allowed addresses when a name resolves to allowed and denied ones', async () => {
    const { resolver } = resolverOf({
      'mixed.test': ['169.254.169.254', '127.0.0.1'],
    });
    await expect(
      steps(new EgressPolicy({ resolver })).http({
        url: `http://mixed.test:${server.port}/`,
      }),
    ).resolves.toMatchObject({ status: 'Succeeded' });
  });

  it('checks every redirect hop', async () => {
    const { resolver } = resolverOf({
      'internal.attacker.test': ['169.254.169.254'],
    });
    const { http, download } = steps(new EgressPolicy({ resolver }));
    for (const target of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'http://internal.attacker.test/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      redirectTo = target;
      await expect(
        http({ url: `${server.url}/redirect` }),
      ).rejects.toBeInstanceOf(EgressDeniedError);
      await expect(
        download({ url: `${server.url}/redirect`, outPath: 'data.json' }),
      ).rejects.toBeInstanceOf(EgressDeniedError);
    }
    expect(await readdir(workDir)).toEqual([]);
  });

  it('enforces the allow list on the first request and on redirects', async () => {
    const { resolver, calls } = resolverOf({ 'elsewhere.test': ['127.0.0.2'] });
    const onlyLoopback = steps(
      new EgressPolicy({ allow: ['127.0.0.1'], resolver }),
    );
    const onlyExample = steps(
      new EgressPolicy({ allow: ['*.example.com'], resolver }),
    );

    await expect(onlyExample.http({ url: `${server.url}/` })).rejects.toThrow(
      /127.0.0.1 is not in kargo.promotions.egress.allow/,
    );
    expect(server.requests).toHaveLength(0);

    await expect(
      onlyLoopback.http({ url: `${server.url}/` }),
    ).resolves.toMatchObject({
      status: 'Succeeded',
    });
    redirectTo = `http://elsewhere.test:${server.port}/`;
    await expect(
      onlyLoopback.http({ url: `${server.url}/redirect` }),
    ).rejects.toThrow(
      /elsewhere.test \(127.0.0.2\) is not in kargo.promotions.egress.allow/,
    );
    expect(calls).toEqual(['elsewhere.test']);
    expect(server.requests.map(r => r.url)).toEqual(['/', '/redirect']);
  });

  it('follows redirects like Go: 302 turns POST into GET, 307 keeps method and body, credentials stay with the host', async () => {
    const { http } = steps(new EgressPolicy());
    const post = {
      method: 'POST',
      url: `${server.url}/redirect`,
      body: 'payload',
      headers: [{ name: 'Authorization', value: 'Bearer t0ken' }],
      outputs: [echoed],
    };
    redirectTo = '/echo';
    redirectStatus = 302;
    expect((await http(post)).output?.echo).toMatchObject({
      method: 'GET',
      body: '',
      auth: 'Bearer t0ken',
    });
    redirectStatus = 307;
    expect((await http(post)).output?.echo).toMatchObject({
      method: 'POST',
      body: 'payload',
      auth: 'Bearer t0ken',
    });
    // Another host: the Authorization header is not sent on.
    redirectTo = `http://localhost:${server.port}/echo`;
    expect((await http(post)).output?.echo).toMatchObject({
      method: 'POST',
      host: `localhost:${server.port}`,
      auth: null,
    });
  });

  it('gives up after 10 redirects', async () => {
    await expect(
      steps(new EgressPolicy()).http({ url: `${server.url}/loop` }),
    ).rejects.toThrow(/stopped after 10 redirects/);
    expect(server.requests).toHaveLength(11);
  });
});
