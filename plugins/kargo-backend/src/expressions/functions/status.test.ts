import { evaluateExpression } from '../evaluateExpression';
import { StepStatusRecord, statusFunctions } from './status';

const run = (source: string, steps: StepStatusRecord[], current = 'step-3') =>
  evaluateExpression(source, {
    functions: statusFunctions(() => steps, current),
  });

describe('status functions', () => {
  it('count Failed and Errored steps, except those allowed to fail', () => {
    const steps = [
      { alias: 'step-1', status: 'Succeeded' },
      { alias: 'step-2', status: 'Skipped' },
    ];
    expect(run('success() && !failure() && always()', steps)).toBe(true);
    const failed = [...steps, { alias: 'push', status: 'Failed' }];
    expect(run('[success(), failure()]', failed)).toEqual([false, true]);
    const errored = [...steps, { alias: 'push', status: 'Errored' }];
    expect(run('failure()', errored)).toBe(true);
    const allowed = [
      ...steps,
      { alias: 'push', status: 'Errored', continueOnError: true },
    ];
    expect(run('success()', allowed)).toBe(true);
  });

  it('read a step status by alias within the current task', () => {
    const steps = [
      { alias: 'clone', status: 'Succeeded' },
      { alias: 'update::clone', status: 'Failed' },
      { alias: 'update::render', status: 'Running' },
    ];
    expect(run('status("clone")', steps, 'step-4')).toBe('Succeeded');
    expect(run('status("clone")', steps, 'update::push')).toBe('Failed');
    expect(run('status("render")', steps, 'step-4')).toBe('');
    expect(run('status("render")', steps, 'update::push')).toBe('Running');
    expect(() => run('status("")', steps)).toThrow('must not be empty');
    expect(() => run('success(1)', steps)).toThrow(
      'success() takes no arguments',
    );
  });
});
