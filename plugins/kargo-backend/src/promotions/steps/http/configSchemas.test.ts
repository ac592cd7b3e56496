import Ajv from 'ajv';
import { createHttpSteps, EgressPolicy } from './index';

const ajv = new Ajv({ allErrors: true, strict: false });
const steps = Object.fromEntries(
  createHttpSteps({ egress: new EgressPolicy() }).map(step => [
    step.name,
    step,
  ]),
);
const validatorFor = (name: string) => ajv.compile(steps[name].configSchema!);

describe('config schemas', () => {
  it('registers the four steps under their Kargo names, each with a schema', () => {
    expect(Object.keys(steps)).toEqual([
      'http',
      'http-download',
      'compose-output',
      'fail',
    ]);
  });

  describe('http', () => {
    const valid = validatorFor('http');

    // Kargo docs examples, as they look after ${{ }} evaluation.
    it.each([
      {
        method: 'GET',
        url: 'https://www.catfacts.net/api/',
        outputs: [
          { name: 'status', fromExpression: 'response.status' },
          { name: 'fact1', fromExpression: 'response.body.facts[0]' },
        ],
      },
      {
        method: 'GET',
        url: 'https://www.catfacts.net/api/',
        successExpression: 'response.status == 200',
        failureExpression: 'response.status == 404',
      },
      {
        method: 'POST',
        url: 'https://slack.com/api/chat.postMessage',
        headers: [
          { name: 'Authorization', value: 'Bearer xoxb-1' },
          { name: 'Content-Type', value: 'application/json' },
        ],
        body: '{"channel":"C123456","blocks":[]}',
      },
      {
        url: 'https://api.example.com/data',
        responseContentType: 'application/yaml',
        outputs: [{ name: 'value', fromExpression: 'response.body.key' }],
      },
      {
        url: 'https://api.example.com/data',
        successExpression: 'response.status == 200',
        failureExpression: 'response.status >= 400 && response.status < 500',
        errorExpression: 'response.body?.message ?? response.body?.error',
        timeout: '1m30s',
        pollInterval: '2m',
      },
      { url: 'https://x.example', bodyFromFile: 'out/payload.json', body: '' },
    ])('accepts %j', config => {
      expect(valid(config)).toBe(true);
    });

    it.each([
      [{}, 'url is required'],
      [{ url: '' }, 'url must not be empty'],
      [{ url: 'https://x', method: 'OPTIONS' }, 'method not in Kargo list'],
      [
        { url: 'https://x', body: 'a', bodyFromFile: 'b' },
        'body and bodyFromFile',
      ],
      [{ url: 'https://x', headers: [{ name: 'X' }] }, 'header without value'],
      [
        { url: 'https://x', queryParams: [{ name: 'q', value: '' }] },
        'empty query value',
      ],
      [{ url: 'https://x', timeout: '10' }, 'timeout without unit'],
      [
        { url: 'https://x', pollInterval: 'soon' },
        'pollInterval not a duration',
      ],
      [
        { url: 'https://x', responseContentType: 'text/html' },
        'unsupported content type',
      ],
      [
        { url: 'https://x', outputs: [{ name: 'a' }] },
        'output without expression',
      ],
      [{ url: 'https://x', proxy: 'proxy:3128' }, 'proxy without scheme'],
      [{ url: 'https://x', insecureSkipTLSVerify: 'yes' }, 'non-boolean flag'],
      [{ url: 'https://x', extra: true }, 'unknown field'],
    ] as Array<[object, string]>)('rejects %j (%s)', config => {
      expect(valid(config)).toBe(false);
    });
  });

  describe('http-download', () => {
    const valid = validatorFor('http-download');

    it.each([
      {
        url: 'https://example.com/config/app.yaml',
        outPath: 'config/app.yaml',
      },
      {
        url: 'https://artifacts.example.com/releases/v1.2.3/app.tar.gz',
        outPath: 'artifacts/app.tar.gz',
        headers: [{ name: 'Authorization', value: 'Bearer t' }],
        allowOverwrite: true,
        timeout: '10m',
      },
      {
        url: 'https://artifacts.example.com/releases/source.zip',
        outPath: 'releases/source.zip',
        queryParams: [{ name: 'version', value: '1.0.0' }],
        allowOverwrite: false,
        timeout: '5m',
      },
    ])('accepts %j', config => {
      expect(valid(config)).toBe(true);
    });

    it.each([
      [{ url: 'https://x' }, 'outPath is required'],
      [{ outPath: 'a' }, 'url is required'],
      [{ url: 'https://x', outPath: 'a', method: 'POST' }, 'no method field'],
      [
        { url: 'https://x', outPath: 'a', allowOverwrite: 'true' },
        'non-boolean',
      ],
      [
        { url: 'https://x', outPath: 'a', timeout: '5 minutes' },
        'bad duration',
      ],
    ] as Array<[object, string]>)('rejects %j (%s)', config => {
      expect(valid(config)).toBe(false);
    });
  });

  it('compose-output accepts any keys but not nothing', () => {
    const valid = validatorFor('compose-output');
    expect(
      valid({
        url: 'https://github.com/example/repo/pull/42',
        n: 1,
        o: { a: [1] },
      }),
    ).toBe(true);
    expect(valid({})).toBe(false);
  });

  it('fail accepts an optional non-empty message only', () => {
    const valid = validatorFor('fail');
    expect(valid({})).toBe(true);
    expect(valid({ message: 'Expected chart name my-chart' })).toBe(true);
    expect(valid({ message: '' })).toBe(false);
    expect(valid({ reason: 'x' })).toBe(false);
  });
});
