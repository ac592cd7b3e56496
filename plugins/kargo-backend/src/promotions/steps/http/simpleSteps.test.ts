import {
  createStepContext,
  createTestWorkDir,
} from '../__testUtils__/stepContext';
import { parseGoDuration } from './goDuration';
import { createHttpSteps, EgressPolicy } from './index';
import { responseVariable } from './responseBody';

const [, , composeOutput, fail] = createHttpSteps({
  egress: new EgressPolicy(),
});

describe('compose-output and fail', () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ workDir, cleanup } = await createTestWorkDir()));
  afterEach(() => cleanup());

  it('compose-output returns its config as its output, as a copy', async () => {
    const config = {
      prURL: 'https://github.com/example/repo/pull/42',
      mergeCommit: 'abc123',
      nested: { list: [1, 'two', null] },
    };
    const result = await composeOutput.run(createStepContext(workDir, config));
    expect(result).toEqual({ status: 'Succeeded', output: config });
    expect(result.output).not.toBe(config);
    expect(result.output!.nested).not.toBe(config.nested);
  });

  it('fail fails with its message, in Kargo wording', async () => {
    await expect(
      fail.run(
        createStepContext(workDir, { message: 'Expected chart name my-chart' }),
      ),
    ).resolves.toEqual({
      status: 'Failed',
      message: 'failed: Expected chart name my-chart',
    });
    await expect(fail.run(createStepContext(workDir, {}))).resolves.toEqual({
      status: 'Failed',
      message: 'failed',
    });
  });
});

describe('response variable', () => {
  it('has Go-style canonical headers and a case-insensitive header() function', () => {
    const response = responseVariable(
      201,
      [
        'content-type',
        'application/json',
        'x-request-id',
        'a',
        'X-Request-ID',
        'b',
      ],
      { ok: true },
    );
    expect(response.headers).toEqual({
      'Content-Type': ['application/json'],
      'X-Request-Id': ['a', 'b'],
    });
    expect(response.header('X-REQUEST-ID')).toBe('a');
    expect(response.header('missing')).toBe('');
  });
});

describe('Go durations', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text, 'timeout')).toBe(ms);
  });

  it('refuses anything else', () => {
    expect(() => parseGoDuration('10', 'timeout')).toThrow(
      /timeout: "10" is not a duration/,
    );
    expect(() => parseGoDuration('-5s', 'timeout')).toThrow();
  });
});
