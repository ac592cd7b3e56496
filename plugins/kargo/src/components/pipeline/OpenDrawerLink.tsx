import Link from '@material-ui/core/Link';
import type { ReactNode } from 'react';
import { PipelineDrawer, usePipelineActions } from '../actions';

/**
 * A Stage's or Warehouse's name that opens its drawer. It reads as the
 * name (cells, graph nodes) and is announced as what it does.
 */
export function OpenDrawerLink(
  props: PipelineDrawer & { children: ReactNode },
) {
  const { openDrawer } = usePipelineActions();
  const { kind, name } = props;
  return (
    <Link
      component="button"
      variant="inherit"
      color="inherit"
      underline="hover"
      aria-label={`Open ${kind} ${name}`}
      onClick={() => openDrawer({ kind, name })}
      style={{ fontWeight: 'inherit', textAlign: 'left' }}
    >
      {props.children}
    </Link>
  );
}
