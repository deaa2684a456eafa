'use client';
import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from 'react';

/** Height of one waterfall row in px (Waterfall.module.css `--row`, border-box). */
export const ROW_PX = 24;
/** Rows rendered above and below the viewport, so fast scrolling shows no blank band. */
const OVERSCAN = 20;
/** What stays covered at the top of the viewport: the app bar (40 px) and the sticky axis (22 px). */
const STICKY_TOP_PX = 62;

export interface RowWindow {
  /** First rendered row index and one past the last. */
  start: number;
  end: number;
  /** Scrolls the page (not the rows) so row `index` is visible, the least distance needed. */
  reveal: (index: number) => void;
}

/**
 * Windowing for a list of fixed-height rows that scrolls with the page (the waterfall has no
 * scroll box of its own: the page scrolls, the axis sticks). Only the rows in the viewport plus
 * OVERSCAN are rendered, so a 20,000-span trace costs ~100 rows of DOM; the caller pads above
 * and below with `start * ROW_PX` and `(count - end) * ROW_PX`. Recomputed on scroll and resize
 * (once per frame) and when `count` changes.
 */
export function useVirtualRows(body: RefObject<HTMLElement | null>, count: number): RowWindow {
  const [range, setRange] = useState({ start: 0, end: Math.min(count, 60) });

  const measure = useCallback(() => {
    const el = body.current;
    if (!el) return;
    const top = el.getBoundingClientRect().top; // viewport y of row 0
    const first = Math.floor((0 - top) / ROW_PX);
    const last = Math.ceil((window.innerHeight - top) / ROW_PX);
    const start = Math.max(0, Math.min(count, first - OVERSCAN));
    const end = Math.max(start, Math.min(count, last + OVERSCAN));
    setRange((r) => (r.start === start && r.end === end ? r : { start, end }));
  }, [body, count]);

  useLayoutEffect(measure, [measure]);
  useEffect(() => {
    let frame = 0;
    const onScroll = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        measure();
      });
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
    };
  }, [measure]);

  const reveal = useCallback(
    (index: number) => {
      const el = body.current;
      if (!el || index < 0 || index >= count) return;
      const rowTop = el.getBoundingClientRect().top + index * ROW_PX; // viewport y
      const rowBottom = rowTop + ROW_PX;
      if (rowTop < STICKY_TOP_PX) window.scrollBy({ top: rowTop - STICKY_TOP_PX - ROW_PX });
      else if (rowBottom > window.innerHeight) window.scrollBy({ top: rowBottom - window.innerHeight + ROW_PX });
      else return;
      measure();
    },
    [body, count, measure],
  );

  return { start: Math.min(range.start, count), end: Math.min(range.end, count), reveal };
}
