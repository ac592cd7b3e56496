import { fail } from '../errors';
import { typeName } from '../values';

/** An earlier step's record, as success(), failure() and status() read it. */
export type StepStatusRecord = {
  alias: string;
  status: string;
  continueOnError?: boolean;
};

const FAILED = new Set(['Failed', 'Errored']);
const SEPARATOR = '::';

/** The task alias of a `task::step` alias, or '' for a top-level step. */
function namespaceOf(alias: string): string {
  const parts = alias.split(SEPARATOR);
  return parts.length === 2 ? parts[0] : '';
}

/**
 * Kargo's status functions. failure(): an earlier step Failed or Errored
 * (continueOnError steps do not count); success() is its opposite;
 * status(alias) is a step's status, aliases resolved within the current
 * step's task, '' when there is no such step.
 */
export function statusFunctions(
  stepStatuses: () => StepStatusRecord[],
  currentStepAlias = '',
) {
  const failed = () =>
    stepStatuses().some(s => !s.continueOnError && FAILED.has(s.status));
  const noArgs = (name: string, args: unknown[]) => {
    if (args.length) fail(`${name}() takes no arguments`);
  };
  return {
    always: (...args: unknown[]) => {
      noArgs('always', args);
      return true;
    },
    failure: (...args: unknown[]) => {
      noArgs('failure', args);
      return failed();
    },
    success: (...args: unknown[]) => {
      noArgs('success', args);
      return !failed();
    },
    status: (...args: unknown[]) => {
      if (args.length !== 1)
        fail(`status() takes 1 argument, not ${args.length}`);
      const alias = args[0];
      if (typeof alias !== 'string')
        fail(`status() needs a string, not ${typeName(alias)}`);
      if (!alias) fail('status(): the alias must not be empty');
      const namespace = namespaceOf(currentStepAlias);
      const step = stepStatuses().find(s => {
        const short = namespaceOf(s.alias)
          ? s.alias.split(SEPARATOR)[1]
          : s.alias;
        return namespaceOf(s.alias) === namespace && short === alias;
      });
      return step?.status ?? '';
    },
  };
}
