import { DependencyList, useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * `useAsync` that can be told to load again (after an action, on a poll):
 * the last answer stays while the next one loads, so the page and any open
 * dialog stay in place.
 */
export function useReloadable<T>(load: () => Promise<T>, deps: DependencyList) {
  const [reloadKey, setReloadKey] = useState(0);
  const reload = useCallback(() => setReloadKey(k => k + 1), []);
  // `load` is new on each render; `deps` say when it asks something new.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(load, [...deps, reloadKey]);
  return { ...state, reload, reloadKey };
}
