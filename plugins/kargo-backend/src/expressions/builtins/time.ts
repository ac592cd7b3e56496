import { parseDate, GoTime, parseGoDuration } from '../goTime';
import { fail } from '../errors';
import { arity, only, Builtin, str } from './types';

export const TIME_BUILTINS: Record<string, Builtin> = {
  now: (args, limits) => {
    arity('now', args, 0);
    return new GoTime(limits.now().getTime());
  },
  date: args => {
    arity('date', args, 1, 3);
    if (args.length > 1)
      fail('date() with a layout or time zone is not supported');
    return parseDate(str('date', args[0]));
  },
  duration: args => parseGoDuration(str('duration', only('duration', args))),
};
