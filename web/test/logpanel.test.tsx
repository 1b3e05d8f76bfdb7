// @vitest-environment jsdom
// The log panel in a DOM: ANSI colours become styled spans, other escapes vanish, search matches the shown text.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { LogPanel, type LogFocus } from '../src/components/LogPanel';
import { BG_PALETTE, FG_PALETTE } from '../src/lib/ansi';
import type { LogEntry } from '../src/lib/types';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

const E = '\u001b';
const roots: Root[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) root.unmount();
  document.body.innerHTML = '';
});

function render(entries: LogEntry[], focus?: LogFocus): HTMLElement {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  roots.push(root);
  flushSync(() => root.render(<LogPanel entries={entries} version={entries.length} focus={focus} />));
  return container;
}

/** `#rrggbb` as the DOM gives back an inline colour. */
const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;

const entry = (seq: number, message: string, level = 'INFO'): LogEntry => ({ seq, message, level, timestamp: '2024-05-01T12:34:56.789Z' });

const messages = (container: HTMLElement) => [...container.querySelectorAll<HTMLElement>('.log-message')];

describe('LogPanel', () => {
  it('renders colours as styled spans and never shows an escape', () => {
    const container = render([
      entry(1, `${E}[31mERROR${E}[0m CUDA out of memory`, 'ERROR'),
      entry(2, `${E}[1;33mWARNING${E}[0m grad norm ${E}[38;5;208m12.5${E}[0m ${E}[48;2;255;0;0mhot${E}[0m`, 'WARNING'),
      entry(3, `${E}[2K${E}[1A${E}[K${E}]0;title\u0007 40%|████      | 4/10${E}]8;;https://example.com${E}\\link${E}]8;;${E}\\`),
      entry(4, 'plain <b>not bold</b> & done'),
      entry(5, `unfinished ${E}[38;2;1`),
    ]);
    const [error, warning, progress, plain, unfinished] = messages(container);
    expect(container.textContent).not.toContain(E);
    expect(container.textContent).not.toContain('\u0007');

    expect(error.textContent).toBe('ERROR CUDA out of memory');
    const red = error.querySelector<HTMLElement>('span[style]')!;
    expect(red.textContent).toBe('ERROR');
    expect(red.style.color).toBe(rgb(FG_PALETTE[1]));

    expect(warning.textContent).toBe('WARNING grad norm 12.5 hot');
    const styled = [...warning.querySelectorAll<HTMLElement>('span[style]')];
    expect(styled.map((s) => s.textContent)).toEqual(['WARNING', '12.5', 'hot']);
    expect(styled[0].style.color).toBe(rgb(FG_PALETTE[3]));
    expect(styled[0].style.fontWeight).toBe('700');
    expect(styled[1].style.color).toBe('rgb(255, 135, 0)');
    expect(styled[2].style.backgroundColor).toBe('rgb(255, 0, 0)');

    expect(progress.textContent).toBe(' 40%|████      | 4/10link');
    expect(progress.querySelector('[style]')).toBeNull();
    expect(progress.querySelector('a')).toBeNull();

    // No HTML from a message: it is text.
    expect(plain.textContent).toBe('plain <b>not bold</b> & done');
    expect(plain.querySelector('b')).toBeNull();
    expect(plain.children).toHaveLength(0);

    expect(unfinished.textContent).toBe('unfinished ');
  });

  it('keeps the level classes, the time and the level column', () => {
    const container = render([entry(1, `${E}[31mboom${E}[0m`, 'ERROR'), entry(2, `${E}[42m ok ${E}[0m`, 'DEBUG')]);
    const lines = [...container.querySelectorAll<HTMLElement>('.log-line')];
    expect(lines.map((l) => l.className)).toEqual(['log-line level-error', 'log-line level-debug']);
    expect(lines[0].querySelector('.log-time')!.textContent).toBe('12:34:56.789');
    expect(lines[0].querySelector('.log-level')!.textContent).toBe('ERROR');
    expect(lines[1].querySelector<HTMLElement>('.log-message span[style]')!.style.backgroundColor).toBe(rgb(BG_PALETTE[2]));
    expect(container.querySelector('[data-testid=log-lines]')!.getAttribute('data-count')).toBe('2');
  });

  it('searches the text as shown', async () => {
    const container = render([entry(1, `${E}[31mERROR${E}[0m CUDA out of memory`, 'ERROR'), entry(2, `${E}[32mstep 5${E}[0m`)]);
    const search = container.querySelector<HTMLInputElement>('input[type=search]')!;
    const type = async (text: string) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(search, text);
      search.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 0));
    };
    await type('error cuda');
    expect(messages(container).map((m) => m.textContent)).toEqual(['ERROR CUDA out of memory']);
    await type('[0m');
    expect(messages(container)).toHaveLength(0);
    await type('32m');
    expect(messages(container)).toHaveLength(0);
    await type('step 5');
    expect(messages(container).map((m) => m.textContent)).toEqual(['step 5']);
    expect(container.textContent).toContain('1 of 2 lines');
  });

  it('shows a range from its first line, names the lines it leaves out, and highlights a moment', () => {
    const lines = Array.from({ length: 2500 }, (_, i) => entry(i + 1, `line ${i + 1}`));
    const range = render([], { title: 'of the selected range', entries: lines, highlighted: (e) => e.seq === 7, scrollTo: () => true, onClear: () => {} });
    const shown = messages(range).map((m) => m.textContent);
    expect(shown[0]).toBe('line 1');
    expect(shown).toHaveLength(2000);
    expect(range.querySelector('[data-testid=log-focus-more]')?.textContent).toContain('500 later matching lines not shown');
    expect([...range.querySelectorAll<HTMLElement>('[data-highlighted]')].map((l) => l.dataset.seq)).toEqual(['7']);
  });
});
