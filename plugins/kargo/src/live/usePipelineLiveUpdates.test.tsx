import { type SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import {
  POLL_IDLE_MS,
  POLL_WHILE_RUNNING_MS,
  usePipelineLiveUpdates,
} from './usePipelineLiveUpdates';

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

const wrapper = ({ children }: { children: ReactNode }) => (
  <TestApiProvider apis={[]}>{children}</TestApiProvider>
);

describe('usePipelineLiveUpdates', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    setVisibility('visible');
  });

  it('polls every 15 s, and every 5 s while a Promotion runs', () => {
    const reload = jest.fn();
    const { rerender } = renderHook(
      ({ running, answer }) =>
        usePipelineLiveUpdates({
          project: 'demo',
          running,
          reload,
          lastAnswer: answer,
        }),
      { wrapper, initialProps: { running: false, answer: 1 } },
    );
    act(() => jest.advanceTimersByTime(POLL_IDLE_MS - 1));
    expect(reload).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(1));
    expect(reload).toHaveBeenCalledTimes(1);

    // The answer came, and a Promotion runs now.
    rerender({ running: true, answer: 2 });
    act(() => jest.advanceTimersByTime(POLL_WHILE_RUNNING_MS));
    expect(reload).toHaveBeenCalledTimes(2);
  });

  it('pauses while the browser tab is hidden, and catches up when shown', () => {
    const reload = jest.fn();
    renderHook(
      () =>
        usePipelineLiveUpdates({
          project: 'demo',
          running: true,
          reload,
          lastAnswer: 1,
        }),
      { wrapper },
    );
    act(() => setVisibility('hidden'));
    act(() => jest.advanceTimersByTime(10 * POLL_IDLE_MS));
    expect(reload).not.toHaveBeenCalled();
    act(() => setVisibility('visible'));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('reloads at once on each signal the backend publishes for the project', () => {
    const reload = jest.fn();
    const listeners = new Map<string, (message: any) => void>();
    const signalApi: SignalApi = {
      subscribe: (channel, onMessage) => {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    };
    const { unmount } = renderHook(
      () =>
        usePipelineLiveUpdates({
          project: 'demo',
          running: false,
          reload,
          lastAnswer: 1,
        }),
      {
        wrapper: ({ children }: { children: ReactNode }) => (
          <TestApiProvider apis={[[signalApiRef, signalApi]]}>
            {children}
          </TestApiProvider>
        ),
      },
    );
    expect([...listeners.keys()]).toEqual(['kargo:project:demo']);
    act(() =>
      listeners.get('kargo:project:demo')!({
        project: 'demo',
        kinds: ['Stage'],
      }),
    );
    expect(reload).toHaveBeenCalledTimes(1);
    act(() =>
      listeners.get('kargo:project:demo')!({
        project: 'demo',
        kinds: ['Promotion'],
      }),
    );
    expect(reload).toHaveBeenCalledTimes(2);
    unmount();
    expect(listeners.size).toBe(0);
  });
});
