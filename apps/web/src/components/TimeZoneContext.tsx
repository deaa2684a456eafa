'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { isValidZone, UTC, ZONE_COOKIE, zoneCookieValue, zoneLabel, type Zone, type ZoneChoice } from '@/lib/zone';

interface ZoneState {
  choice: ZoneChoice;
  /** The zone every time on the page is shown in (IANA name). */
  zone: Zone;
  /** "UTC", "UTC−5", … for headers and the switch. */
  label: string;
  /** The browser's own zone, once known (null during server render of a first visit). */
  localZone: Zone | null;
  setChoice: (choice: ZoneChoice) => void;
}

interface ProviderState {
  choice: ZoneChoice;
  /** The local zone the server rendered with (from the cookie; null on a first visit). */
  serverLocalZone: Zone | null;
  setChoice: (choice: ZoneChoice) => void;
}

const Ctx = createContext<ProviderState | null>(null);
const ONE_YEAR_S = 365 * 86_400;

function browserZone(): Zone | null {
  const z = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return z && isValidZone(z) ? z : null;
}
const noSubscription = () => () => undefined;

function persist(choice: ZoneChoice, localZone: Zone | null): void {
  document.cookie = `${ZONE_COOKIE}=${encodeURIComponent(zoneCookieValue(choice, localZone))}; path=/; max-age=${ONE_YEAR_S}; samesite=lax`;
}

/**
 * The display zone: UTC or the browser's, chosen in the top bar and kept in a cookie (read by the
 * server layout, so server and client render the same zone). The cookie also records the
 * browser's zone; on a first visit the server does not know it and renders "local" as UTC —
 * labelled so, never unlabelled — and each component switches to the browser's zone right after
 * it hydrates (useSyncExternalStore's server snapshot, so hydration never mismatches).
 */
export function TimeZoneProvider({ initialChoice, initialLocalZone, children }: { initialChoice: ZoneChoice; initialLocalZone: Zone | null; children: ReactNode }) {
  const [choice, setChoiceState] = useState<ZoneChoice>(initialChoice);

  // Record the browser's zone for the next server render (first visit, travel).
  useEffect(() => {
    const z = browserZone();
    if (z && z !== initialLocalZone) persist(choice, z);
  }, [choice, initialLocalZone]);

  const setChoice = useCallback((next: ZoneChoice) => {
    setChoiceState(next);
    persist(next, browserZone());
  }, []);

  const value = useMemo(() => ({ choice, serverLocalZone: initialLocalZone, setChoice }), [choice, initialLocalZone, setChoice]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useZone(): ZoneState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useZone must be used inside <TimeZoneProvider>');
  const localZone = useSyncExternalStore(noSubscription, browserZone, () => v.serverLocalZone);
  const zone = v.choice === 'utc' ? UTC : (localZone ?? UTC);
  return { choice: v.choice, zone, label: zoneLabel(zone), localZone, setChoice: v.setChoice };
}

/** Top-bar switch between UTC and the browser's zone: a button pair, keyboard-operable. */
export function ZoneToggle() {
  const { choice, localZone, setChoice } = useZone();
  const localLabel = localZone ? zoneLabel(localZone) : 'local';
  return (
    <div className="segmented" role="group" aria-label="Time zone" data-testid="zone-toggle" title={localZone ? `Local zone: ${localZone}` : undefined}>
      <button type="button" aria-pressed={choice === 'utc'} onClick={() => setChoice('utc')}>
        UTC
      </button>
      <button type="button" aria-pressed={choice === 'local'} onClick={() => setChoice('local')}>
        Local{localZone && localLabel !== 'UTC+0' ? ` (${localLabel})` : localZone ? ' (UTC+0)' : ''}
      </button>
    </div>
  );
}
