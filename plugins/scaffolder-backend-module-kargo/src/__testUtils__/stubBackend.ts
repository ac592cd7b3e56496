import { mockServices } from '@backstage/backend-test-utils';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export type ReceivedRequest = {
  method?: string;
  url?: string;
  auth?: string;
  type?: string;
  body: string;
};

export type StubAnswer = { status?: number; body: unknown };

/**
 * A stand-in Backstage backend on 127.0.0.1 (plugins at /api/<pluginId>)
 * that records what it is sent and answers with `answer(request)` (JSON;
 * 200 unless `status` says otherwise).
 */
export async function startStubBackend(
  answer: (request: ReceivedRequest) => StubAnswer,
) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const request = {
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        body,
      };
      received.push(request);
      const { status = 200, body: out } = answer(request);
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/api`;
  return {
    received,
    close: () => new Promise<void>(r => server.close(() => r())),
    /** auth and discovery services that lead to this stub as `user-token`. */
    services() {
      const auth = mockServices.auth.mock({
        getPluginRequestToken: jest
          .fn()
          .mockResolvedValue({ token: 'user-token' }),
      });
      const discovery = mockServices.discovery.mock({
        getBaseUrl: jest.fn(async (pluginId: string) => `${url}/${pluginId}`),
      });
      return { auth, discovery };
    },
  };
}

/** A Backstage error body, as the backend's error handler sends it. */
export function errorAnswer(
  status: number,
  name: string,
  message: string,
): StubAnswer {
  return {
    status,
    body: {
      error: { name, message },
      request: { method: 'POST', url: '/' },
      response: { statusCode: status },
    },
  };
}
