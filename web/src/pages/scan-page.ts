/**
 * The scan station page, for a tablet at the line: the station is chosen once (remembered on this
 * device), the scan field keeps focus for a keyboard-wedge scanner, each scan's answer is shown
 * large in green or red with a sound, the station's next expected scan is always on screen, and
 * the page reconnects by itself when the network drops.
 */
import { api, ApiError } from '../api.js';
import { h, mount } from '../dom.js';
import { navigate } from '../router.js';

const STORAGE_KEY = 'lotline.station';

interface Station {
  readonly id: string;
  readonly site: string;
  readonly line: string | null;
  readonly role: string;
}

interface StationState {
  readonly station: Station;
  readonly expects: string;
  readonly sequence: readonly string[];
  readonly completed: number;
}

interface ScanAnswer {
  readonly status: 'accepted' | 'completed' | 'cancelled' | 'duplicate';
  readonly understood: string;
  readonly next: string;
  readonly sequence: readonly string[];
}

/** The station remembered on this device, if any. */
export function rememberedStation(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** /scan: the station list, big buttons; the choice is remembered. */
export async function chooseStationPage(): Promise<HTMLElement> {
  document.title = 'Scan station — Lotline';
  const main = h('main', { id: 'main', class: 'page scan-choose' }, h('h1', {}, 'Choose this device’s scan station'));
  try {
    const { stations } = await api<{ stations: Station[] }>('/stations');
    if (stations.length === 0) {
      main.append(h('p', {}, 'No scan station is set up yet. An administrator adds one with ', h('code', {}, 'lotline station add ID --site SITE --role production'), ' (docs/integrations/scanners.md).'));
      return main;
    }
    main.append(
      h('p', { class: 'muted' }, 'This tablet remembers the choice; change it later from the station page.'),
      h(
        'ul',
        { class: 'station-list' },
        stations.map((s) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'station-button',
                onClick: () => {
                  try {
                    localStorage.setItem(STORAGE_KEY, s.id);
                  } catch {
                    /* private mode: the choice lasts for this visit only */
                  }
                  navigate(`/scan/${encodeURIComponent(s.id)}`);
                },
              },
              h('strong', {}, s.id),
              h('span', {}, `${s.role}${s.line ? ` · line ${s.line}` : ''} · ${s.site}`),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    main.append(h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
  }
  return main;
}

let audio: AudioContext | undefined;
/** A short high beep for a good scan, a low double buzz for a refused one (no sound files to load). */
function beep(ok: boolean): void {
  try {
    audio ??= new AudioContext();
    const tones = ok ? [[1320, 0, 0.12]] : [[220, 0, 0.18], [220, 0.25, 0.18]];
    for (const [freq, at, len] of tones as [number, number, number][]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = ok ? 'sine' : 'square';
      osc.frequency.value = freq;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + len);
    }
  } catch {
    /* no audio on this device: the colour still says it */
  }
}

/** /scan/ID: the station itself. Returns the page and a function that stops its timers. */
export function stationPage(id: string): { page: HTMLElement; stop: () => void } {
  document.title = `Scan ${id} — Lotline`;
  const title = h('h1', {}, `Station ${id}`);
  const role = h('p', { class: 'station-role' });
  const next = h('p', { class: 'next', id: 'next', 'aria-live': 'polite' }, 'Connecting…');
  const input = h('input', { id: 'scan', class: 'scan-input', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'next', autofocus: true });
  const result = h('div', { class: 'scan-result', role: 'status', 'aria-live': 'assertive', hidden: true });
  const sequence = h('ol', { class: 'sequence', 'aria-label': 'Scanned so far' });
  const offline = h('p', { class: 'offline', role: 'alert', hidden: true }, 'No connection to Lotline — reconnecting…');
  const count = h('p', { class: 'muted' });
  let stopped = false;
  let busy = false;
  /** Answers shown so far: lets a test (or a person) tell one answer from the next, same text or not. */
  let shown = 0;

  const showSequence = (items: readonly string[]) => mount(sequence, items.map((s) => h('li', {}, s)));
  const show = (ok: boolean, headline: string, detail: string) => {
    result.hidden = false;
    result.className = `scan-result ${ok ? 'ok' : 'bad'}`;
    result.dataset['result'] = ok ? 'ok' : 'bad';
    result.dataset['seq'] = String(++shown);
    mount(result, h('strong', {}, ok ? '✔ ' : '✖ ', headline), detail ? h('span', {}, detail) : null);
    beep(ok);
  };

  const refresh = async (): Promise<boolean> => {
    try {
      const st = await api<StationState>(`/stations/${encodeURIComponent(id)}`);
      role.textContent = `${st.station.role}${st.station.line ? ` · line ${st.station.line}` : ''} · ${st.station.site}`;
      next.textContent = st.expects;
      showSequence(st.sequence);
      count.textContent = `${st.completed} completed on this station`;
      offline.hidden = true;
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'STATION_NOT_FOUND') {
        next.textContent = `There is no station ${id} any more: choose another.`;
        return true;
      }
      if (e instanceof ApiError) return true;
      offline.hidden = false;
      return false;
    }
  };

  // Reconnects by itself: every 2 s while offline, every 15 s otherwise (another device may scan here too).
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = async () => {
    if (stopped) return;
    const ok = await refresh();
    if (!stopped) timer = setTimeout(() => void loop(), ok ? 15_000 : 2_000);
  };

  const send = async (body: { station: string; barcode?: string; action?: 'cancel' }) => {
    busy = true;
    try {
      const a = await api<ScanAnswer>('/scan', { method: 'POST', body });
      show(true, a.status === 'completed' ? `Done: ${a.understood}` : a.status === 'cancelled' ? 'Sequence cancelled' : a.understood, '');
      next.textContent = a.next;
      showSequence(a.sequence);
      if (a.status === 'completed') void refresh();
    } catch (e) {
      if (e instanceof ApiError) show(false, e.code === 'SCAN_REFUSED' ? 'Refused' : e.code === 'ID_INVALID' || e.code === 'ID_BAD_CHECK_DIGIT' ? 'Unreadable barcode' : 'Not accepted', e.message);
      else {
        offline.hidden = false;
        show(false, 'Not sent: no connection', 'Scan it again when the connection is back.');
        clearTimeout(timer);
        timer = setTimeout(() => void loop(), 2_000);
      }
    } finally {
      busy = false;
      input.focus();
    }
  };

  input.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    const barcode = input.value;
    input.value = '';
    if (barcode.trim() === '' || busy) return;
    void send({ station: id, barcode });
  });
  // The field keeps focus: a scanner types into whatever has it. Buttons take it back after a click.
  input.addEventListener('blur', () => {
    setTimeout(() => {
      if (!stopped && document.activeElement === document.body) input.focus();
    }, 150);
  });

  const page = h(
    'main',
    { id: 'main', class: 'scan-station' },
    offline,
    h('div', { class: 'station-head' }, h('div', {}, title, role), h('a', { href: '/scan?choose=1', 'data-link': true, class: 'big-link' }, 'Change station')),
    h('p', { class: 'next-label' }, 'Next'),
    next,
    h('label', { for: 'scan', class: 'scan-label' }, 'Scan'),
    input,
    result,
    h('div', { class: 'station-foot' }, h('div', {}, h('h2', {}, 'Scanned so far'), sequence, count), h('button', { type: 'button', class: 'big-button', onClick: () => void send({ station: id, action: 'cancel' }) }, 'Cancel sequence')),
  );
  void loop();
  return {
    page,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
