import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import type { ReactNode } from 'react';

type AsyncState<T> = { loading: boolean; error?: Error; value?: T };

/**
 * Progress until the first answer, the error if it failed, else the
 * content: a reload keeps the last answer in view.
 */
export function Loaded<T>(props: {
  state: AsyncState<T>;
  children(value: T): ReactNode;
}) {
  const { loading, error, value } = props.state;
  if (error) return <ResponseErrorPanel error={error} />;
  if (value === undefined) return loading ? <Progress /> : null;
  return <>{props.children(value)}</>;
}

/** A drawer tab showing one loaded thing (the Stage, the Warehouse). */
export function loadedTab<T>(
  state: AsyncState<T>,
  render: (value: T) => ReactNode,
) {
  return () => <Loaded state={state}>{render}</Loaded>;
}
