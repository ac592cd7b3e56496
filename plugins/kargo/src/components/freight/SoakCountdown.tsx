import { formatDuration } from '@kargo-backstage/plugin-kargo-common';
import { useEffect, useState } from 'react';

/** Ticks every second while mounted: only soaking cards mount it. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** `available in 12m30s`, counting down to the end of soaking. */
export function SoakCountdown(props: { availableAt: number }) {
  const now = useNow();
  const left = props.availableAt - now;
  if (left <= 0) {
    return <>soak time is over: refresh to promote</>;
  }
  return <>available in {formatDuration(Math.ceil(left / 1000) * 1000)}</>;
}
