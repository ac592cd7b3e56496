import { readFile } from 'node:fs/promises';
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

const [httpStep, downloadStep] = createHttpSteps({
  egress: new EgressPolicy(),
});

describe('TLS verification (self-signed HTTPS server)', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let server: LocalServer;

  beforeEach(async () => {
    ({ workDir, cleanup } = await createTestWorkDir());
    server = await startLocalServer(
      (_req, res) => sendJson(res, 200, { secure: true }),
      {
        tls: true,
      },
    );
  });
  afterEach(async () => {
    await server.close();
    await cleanup();
  });

  it('refuses an untrusted certificate unless insecureSkipTLSVerify is set', async () => {
    const url = `https://localhost:${server.port}/`;
    await expect(
      httpStep.run(createStepContext(workDir, { url })),
    ).rejects.toThrow(/self[- ]signed certificate/);
    await expect(
      httpStep.run(
        createStepContext(workDir, {
          url,
          insecureSkipTLSVerify: true,
          outputs: [{ name: 'secure', fromExpression: 'response.body.secure' }],
        }),
      ),
    ).resolves.toEqual({ status: 'Succeeded', output: { secure: true } });

    await expect(
      downloadStep.run(createStepContext(workDir, { url, outPath: 'a.json' })),
    ).rejects.toThrow(/self[- ]signed certificate/);
    await downloadStep.run(
      createStepContext(workDir, {
        url,
        outPath: 'a.json',
        insecureSkipTLSVerify: true,
      }),
    );
    expect(JSON.parse(await readFile(join(workDir, 'a.json'), 'utf8'))).toEqual(
      {
        secure: true,
      },
    );
  });
});
