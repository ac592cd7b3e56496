import { mockServices } from '@backstage/backend-test-utils';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import { ProjectChangeSignals } from './ProjectChangeSignals';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('ProjectChangeSignals', () => {
  let published: SignalPayload[];
  let fail: boolean;
  const logger = mockServices.logger.mock();
  const create = () =>
    new ProjectChangeSignals({
      signals: {
        publish: async signal => {
          if (fail) throw new Error('no events backend');
          published.push(signal);
        },
      },
      logger,
      quietMs: 40,
      maxDelayMs: 200,
    });

  beforeEach(() => {
    published = [];
    fail = false;
    jest.clearAllMocks();
  });

  it('publishes one signal per project for a burst of writes, with every kind that changed', async () => {
    const signals = create();
    for (let i = 0; i < 100; i++) {
      signals.changed('shop', i % 2 ? 'Stage' : 'Promotion');
      signals.changed('blog', 'Freight');
    }
    await sleep(120);
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'kargo:project:shop',
        message: { project: 'shop', kinds: ['Promotion', 'Stage'] },
      },
      {
        recipients: { type: 'broadcast' },
        channel: 'kargo:project:blog',
        message: { project: 'blog', kinds: ['Freight'] },
      },
    ]);
  });

  it('does not hold a steady stream of writes back longer than maxDelayMs', async () => {
    const signals = create();
    // A write every 10 ms for 700 ms: never quiet for 40 ms.
    for (let i = 0; i < 70; i++) {
      signals.changed('shop', 'Stage');
      await sleep(10);
    }
    await sleep(100);
    // About one per 200 ms (timers drift on a loaded machine), never 70.
    expect(published.length).toBeGreaterThanOrEqual(3);
    expect(published.length).toBeLessThanOrEqual(6);
  });

  it('warns once while publishing fails, and carries on', async () => {
    const signals = create();
    fail = true;
    signals.changed('shop', 'Stage');
    await sleep(80);
    signals.changed('shop', 'Stage');
    await sleep(80);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('pages fall back to polling'),
    );
    fail = false;
    signals.changed('shop', 'Freight');
    await sleep(80);
    expect(published).toHaveLength(1);
  });

  it('publishes nothing after stop', async () => {
    const signals = create();
    signals.changed('shop', 'Stage');
    signals.stop();
    signals.changed('shop', 'Stage');
    await sleep(80);
    expect(published).toEqual([]);
  });
});
