import { type RefObject, useEffect, useState } from 'react';
import type { Box } from './graphLayout';

/**
 * The part of a scrolling element's content that is on screen (scroll
 * offset and client size), updated at most once per animation frame while
 * it scrolls or resizes. Undefined until the element has a size (and in
 * environments without layout, such as jsdom), and while not `enabled`:
 * then nothing listens, and scrolling renders nothing.
 */
export function useScrollViewport(
  ref: RefObject<HTMLElement | null>,
  enabled = true,
): Box | undefined {
  const [viewport, setViewport] = useState<Box>();
  useEffect(() => {
    const element = ref.current;
    if (!enabled || !element) return undefined;
    let frame: number | undefined;
    const read = () => {
      frame = undefined;
      const { scrollLeft, scrollTop, clientWidth, clientHeight } = element;
      setViewport(previous => {
        if (!clientWidth || !clientHeight) return undefined;
        const next = {
          x: scrollLeft,
          y: scrollTop,
          width: clientWidth,
          height: clientHeight,
        };
        return previous &&
          previous.x === next.x &&
          previous.y === next.y &&
          previous.width === next.width &&
          previous.height === next.height
          ? previous
          : next;
      });
    };
    const schedule = () => {
      if (frame === undefined) frame = requestAnimationFrame(read);
    };
    read();
    element.addEventListener('scroll', schedule, { passive: true });
    const resize =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(schedule);
    resize?.observe(element);
    return () => {
      element.removeEventListener('scroll', schedule);
      resize?.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [ref, enabled]);
  return viewport;
}
