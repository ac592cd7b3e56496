import type { DependencyList } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useReloadKey } from '../actions';

/**
 * Loads what a drawer shows, and loads it again whenever the pipeline does
 * (after an action, while Promotions run, on a live update). The previous
 * answer stays in view while the next one loads.
 */
export function useDrawerData<T>(load: () => Promise<T>, deps: DependencyList) {
  const reloadKey = useReloadKey();
  // `load` is new on each render; `deps` say when it asks something new.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsync(load, [...deps, reloadKey]);
}
