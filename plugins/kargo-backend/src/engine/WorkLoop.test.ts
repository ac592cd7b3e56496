import { mockServices } from '@backstage/backend-test-utils';
import { WorkLoop } from './WorkLoop';

/** A queue in memory: items due at a time, and what the loop asked of it. */
function fakeSource(now: () => number) {
  const due: Array<{ id: string; at: number }> = [];
  const calls: string[] = [];
  const ran: string[] = [];
  return {
    due,
    calls,
    ran,
    source: {
      claim: async (limit: number) => {
        calls.push('claim');
        const ready = due.filter(d => d.at <= now()).slice(0, limit);
        for (const r of ready) due.splice(due.indexOf(r), 1);
        return ready.map(r => r.id);
      },
      run: async (id: string) => {
        ran.push(id);
      },
      nextDueAt: async () => {
        calls.push('nextDueAt');
        return due.length ? Math.min(...due.map(d => d.at)) : undefined;
      },
      describe: (id: string) => id,
    },
  };
}

const loopOver = (source: ReturnType<typeof fakeSource>['source']) =>
  new WorkLoop<string>({
    name: 'test loop',
    source,
    concurrency: 2,
    logger: mockServices.logger.mock(),
  });

describe('WorkLoop', () => {
  it('an idle scheduler tick asks the queue one question; a local poke also sets the timer', async () => {
    const fake = fakeSource(Date.now);
    const loop = loopOver(fake.source);
    await loop.scheduledTick();
    expect(fake.calls).toEqual(['claim']);

    fake.calls.length = 0;
    fake.due.push({ id: 'later', at: Date.now() + 200 });
    await loop.poke();
    expect(fake.calls).toEqual(['claim', 'nextDueAt']);
    // The timer set by the poke runs the item when it is due.
    await new Promise(r => setTimeout(r, 400));
    await loop.idle();
    expect(fake.ran).toEqual(['later']);
    await loop.stop();
  });

  it('a scheduler tick that claims work runs it and re-arms the timer', async () => {
    const fake = fakeSource(Date.now);
    const loop = loopOver(fake.source);
    fake.due.push({ id: 'now', at: Date.now() - 1 });
    await loop.scheduledTick();
    await loop.idle();
    expect(fake.ran).toEqual(['now']);
    expect(fake.calls.slice(0, 2)).toEqual(['claim', 'nextDueAt']);
    await loop.stop();
  });
});
