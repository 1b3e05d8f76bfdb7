// ANSI escape sequences in log messages: training code colours its output (loguru, rich, colorama, tqdm, most
// CLIs) and the server stores the text as written. This module turns such a message into styled segments and
// into plain text. It is pure and makes one pass over the message (no regular expressions over the message
// except a single-character-class test), so a 16 KB message costs a 16 KB scan.
//
// What it understands:
//   - SGR, `ESC [ params m`: reset (0 or empty), bold 1, dim 2, italic 3, underline 4 (and 4:n, 21), inverse 7,
//     strikethrough 9, their offs (22, 23, 24, 27, 29), the standard colours 30-37 / 40-47, bright 90-97 /
//     100-107, defaults 39 / 49, 256 colours 38;5;n / 48;5;n and truecolor 38;2;r;g;b / 48;2;r;g;b (also in the
//     colon forms 38:5:n, 38:2:r:g:b and 38:2:cs:r:g:b). Underline colour 58 is read (so its arguments are not
//     taken for other codes) and ignored; so are blink, conceal, fonts and the rest.
//   - Everything else is removed from what is shown: CSI sequences with any other final byte or with a private
//     marker / intermediate bytes (cursor moves, erase line, `ESC [ ? 25 l`, ...), OSC / DCS / SOS / PM / APC
//     strings (`ESC ] ... BEL` or `ESC ] ... ESC \`, e.g. window titles and hyperlinks, whose text stays and
//     whose target is dropped), two-character escapes (`ESC 7`, `ESC ( B`, ...; `ESC c` also resets the style),
//     a lone ESC, and every C0 control character except tab and newline (so `\r` and backspace are dropped,
//     not interpreted), DEL, and the C1 controls U+0080-U+009F.
// An unfinished sequence at the end of a message is dropped. A CSI sequence interrupted by a byte that cannot
// belong to it is dropped up to that byte, which is then read normally. A string sequence (OSC, ...) ends at
// BEL, at ESC (`ESC \` is consumed whole; any other ESC starts a new sequence), at CAN / SUB, or, unlike a
// terminal, at a newline (kept), so that a stray `ESC ]` cannot hide more than the rest of its line.

/** A colour: an index into the 256-colour palette (0-15 the standard and bright colours), or `#rrggbb`. */
export type AnsiColor = number | string;

/**
 * The style of a run of text. Only attributes that are on are present, so `{}` is the plain style and two styles
 * are equal exactly when they have the same keys and values (see `sameStyle`).
 */
export interface AnsiStyle {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
  inverse?: true;
  strike?: true;
}

/** A run of text (never empty, never containing an escape or a control character other than tab/newline). */
export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const TAB = 0x09;
const NL = 0x0a;

const PLAIN: AnsiStyle = Object.freeze({}) as AnsiStyle;

/** Whether a character is shown as text: printable, tab or newline (not C0, DEL or C1). */
function isText(code: number): boolean {
  return (code >= 0x20 && code < 0x7f) || code >= 0xa0 || code === TAB || code === NL;
}

// Any C0 control other than tab and newline, DEL, or a C1 control: the only characters this module removes or
// interprets. A single character class, so no backtracking.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Whether `message` holds anything this module would remove or interpret; when false it is shown as it is. */
export function hasAnsi(message: string): boolean {
  return CONTROL.test(message);
}

/**
 * Splits `message` into styled segments: `[]` for an empty message, `[{ text: message, style: {} }]` for one with
 * no escapes and no control characters. Adjacent runs of the same style are merged, so a segment boundary always
 * marks a change of style. Joining the segments' text gives `plainText(message)`.
 */
export function parseAnsi(message: string): AnsiSegment[] {
  if (message === '') return [];
  if (!hasAnsi(message)) return [{ text: message, style: PLAIN }];

  const segments: AnsiSegment[] = [];
  let style = PLAIN;
  let parts: string[] = []; // text of the current style not yet put in a segment
  const flush = () => {
    if (parts.length === 0) return;
    const text = parts.length === 1 ? parts[0] : parts.join('');
    parts = [];
    const last = segments[segments.length - 1];
    if (last && sameStyle(last.style, style)) last.text += text;
    else segments.push({ text, style });
  };

  const n = message.length;
  let i = 0;
  while (i < n) {
    const code = message.charCodeAt(i);
    if (isText(code)) {
      let j = i + 1;
      while (j < n && isText(message.charCodeAt(j))) j++;
      parts.push(message.slice(i, j));
      i = j;
      continue;
    }
    if (code !== ESC) {
      i++; // another control character: dropped
      continue;
    }
    if (i + 1 >= n) break; // lone ESC at the end
    const next = message.charCodeAt(i + 1);
    if (next === 0x5b /* [ */) {
      // CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
      let j = i + 2;
      let intermediates = false;
      while (j < n) {
        const c = message.charCodeAt(j);
        if (c >= 0x30 && c <= 0x3f) j++;
        else if (c >= 0x20 && c <= 0x2f) {
          intermediates = true;
          j++;
        } else break;
      }
      const final = j < n ? message.charCodeAt(j) : -1;
      if (final >= 0x40 && final <= 0x7e) {
        if (final === 0x6d /* m */ && !intermediates) {
          const updated = applySgr(style, message, i + 2, j);
          if (updated !== style) {
            flush();
            style = updated;
          }
        }
        i = j + 1;
      } else {
        i = j; // unfinished or interrupted: dropped up to here; the interrupting character is read normally
      }
      continue;
    }
    if (next === 0x5d /* ] OSC */ || next === 0x50 /* P DCS */ || next === 0x58 /* X SOS */ || next === 0x5e /* ^ PM */ || next === 0x5f /* _ APC */) {
      i = skipString(message, i + 2);
      continue;
    }
    if (next >= 0x20 && next <= 0x2f) {
      // ESC, intermediate bytes, one final byte 0x30-0x7E (e.g. ESC ( B): dropped, or up to the interruption.
      let j = i + 2;
      while (j < n && message.charCodeAt(j) >= 0x20 && message.charCodeAt(j) <= 0x2f) j++;
      const final = j < n ? message.charCodeAt(j) : -1;
      i = final >= 0x30 && final <= 0x7e ? j + 1 : j;
      continue;
    }
    if (next >= 0x30 && next <= 0x7e) {
      // Two-character escape (ESC 7, ESC M, a stray ESC \ ...). ESC c resets the terminal, and with it the style.
      if (next === 0x63 /* c */ && style !== PLAIN) {
        flush();
        style = PLAIN;
      }
      i += 2;
      continue;
    }
    i++; // ESC before anything else (a control character, non-ASCII): the ESC alone is dropped
  }
  flush();
  return segments;
}

/** Where the string sequence whose body starts at `from` ends (the index after it); see the header. */
function skipString(message: string, from: number): number {
  const n = message.length;
  for (let j = from; j < n; j++) {
    const c = message.charCodeAt(j);
    if (c === BEL || c === CAN || c === SUB) return j + 1;
    if (c === ESC) return j + 1 < n && message.charCodeAt(j + 1) === 0x5c /* \ */ ? j + 2 : j;
    if (c === NL) return j;
  }
  return n;
}

/**
 * `message` with every escape sequence and control character (other than tab and newline) removed: what
 * `parseAnsi` shows, as one string, for searching and copying. Returns `message` itself when there is nothing to
 * remove.
 */
export function plainText(message: string): string {
  if (!hasAnsi(message)) return message;
  let text = '';
  for (const segment of parseAnsi(message)) text += segment.text;
  return text;
}

/** Whether two styles are the same. */
export function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a === b ||
    (a.fg === b.fg &&
      a.bg === b.bg &&
      a.bold === b.bold &&
      a.dim === b.dim &&
      a.italic === b.italic &&
      a.underline === b.underline &&
      a.inverse === b.inverse &&
      a.strike === b.strike)
  );
}

const MAX_PARAM = 1_000_000; // larger values mean nothing in SGR; capping keeps the arithmetic in small integers

/**
 * The SGR parameters in `message[from, to)`: one array per `;`-separated parameter, holding its `:`-separated
 * sub-parameters; an empty (sub-)parameter is -1. `null` when the parameters start with a private marker
 * (`<`, `=`, `>`, `?`), which makes the sequence something other than SGR.
 */
function sgrParams(message: string, from: number, to: number): number[][] | null {
  if (from < to) {
    const first = message.charCodeAt(from);
    if (first >= 0x3c && first <= 0x3f) return null;
  }
  const params: number[][] = [];
  let current: number[] = [];
  let value = -1;
  for (let j = from; j < to; j++) {
    const c = message.charCodeAt(j);
    if (c >= 0x30 && c <= 0x39) value = Math.min((value < 0 ? 0 : value) * 10 + (c - 0x30), MAX_PARAM);
    else if (c === 0x3a /* : */) {
      current.push(value);
      value = -1;
    } else if (c === 0x3b /* ; */) {
      current.push(value);
      params.push(current);
      current = [];
      value = -1;
    }
    // Any other parameter byte (< = > ? in the middle) has no meaning in SGR and is skipped.
  }
  current.push(value);
  params.push(current);
  return params;
}

/**
 * `style` after the SGR sequence whose parameters are `message[from, to)`. Returns `style` itself when nothing
 * changed, else a new object (styles are never mutated: segments share them).
 */
function applySgr(style: AnsiStyle, message: string, from: number, to: number): AnsiStyle {
  const params = sgrParams(message, from, to);
  if (params === null) return style;
  const next: AnsiStyle = { ...style };
  for (let k = 0; k < params.length; k++) {
    const param = params[k];
    const code = param[0] < 0 ? 0 : param[0];
    if (code === 38 || code === 48 || code === 58) {
      let color: AnsiColor | undefined;
      if (param.length > 1) {
        color = extendedColor(param.slice(1), true); // colon form: everything is in this parameter
      } else {
        // Semicolon form: the following parameters are this one's arguments.
        const kind = params[k + 1]?.[0];
        const count = kind === 5 ? 1 : kind === 2 ? 3 : 0;
        const args = [kind ?? -1];
        for (let a = 1; a <= count; a++) args.push(params[k + 1 + a]?.[0] ?? -2);
        color = extendedColor(args, false);
        k += 1 + count;
      }
      if (color === undefined || code === 58) continue;
      if (code === 38) next.fg = color;
      else next.bg = color;
      continue;
    }
    if (code === 0) {
      for (const key of Object.keys(next) as (keyof AnsiStyle)[]) delete next[key];
    } else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) {
      if (param.length > 1 && param[1] === 0) delete next.underline;
      else next.underline = true;
    } else if (code === 7) next.inverse = true;
    else if (code === 9) next.strike = true;
    else if (code === 21) next.underline = true; // double underline, shown as underline
    else if (code === 22) {
      delete next.bold;
      delete next.dim;
    } else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code === 27) delete next.inverse;
    else if (code === 29) delete next.strike;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code === 39) delete next.fg;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code === 49) delete next.bg;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    // Anything else (blink, conceal, fonts, overline, ...) is ignored.
  }
  if (sameStyle(next, style)) return style;
  return Object.keys(next).length === 0 ? PLAIN : next;
}

/**
 * The colour given by the arguments after 38/48/58: `[5, n]` or `[2, r, g, b]`, and in the colon form also
 * `[2, colourSpace, r, g, b]`. A missing argument (-2) or one out of range gives `undefined`; an empty one (-1) is 0.
 */
function extendedColor(args: number[], colonForm: boolean): AnsiColor | undefined {
  const kind = args[0];
  if (kind === 5) {
    const index = args[1] === -1 ? 0 : args[1];
    return index !== undefined && index >= 0 && index <= 255 ? index : undefined;
  }
  if (kind === 2) {
    const rgb = colonForm && args.length >= 5 ? args.slice(2, 5) : args.slice(1, 4);
    if (rgb.length < 3) return undefined;
    let hex = '#';
    for (const raw of rgb) {
      const value = raw === -1 ? 0 : raw;
      if (value < 0 || value > 255) return undefined;
      hex += value.toString(16).padStart(2, '0');
    }
    return hex;
  }
  return undefined;
}

// ---- Colours for the log panel (dark background: see .log-lines in styles.css) ----

/** The log panel's own text and background colours (styles.css, `.log-lines`). */
export const PANEL_FG = '#e2e8f0';
export const PANEL_BG = '#0f172a';

/**
 * The 16 standard and bright colours as text on the panel's dark background: lighter shades than a terminal's,
 * and "black" as a mid grey so that it stays readable.
 */
export const FG_PALETTE: readonly string[] = [
  '#64748b', '#f87171', '#4ade80', '#facc15', '#60a5fa', '#e879f9', '#22d3ee', '#cbd5e1',
  '#94a3b8', '#fca5a5', '#86efac', '#fde047', '#93c5fd', '#f0abfc', '#67e8f9', '#f8fafc',
];

/** The 16 standard and bright colours as backgrounds: darker shades, under which the panel's light text reads. */
export const BG_PALETTE: readonly string[] = [
  '#020617', '#b91c1c', '#15803d', '#a16207', '#1d4ed8', '#a21caf', '#0e7490', '#cbd5e1',
  '#475569', '#ef4444', '#22c55e', '#eab308', '#3b82f6', '#d946ef', '#06b6d4', '#f1f5f9',
];

const CUBE = [0, 95, 135, 175, 215, 255];

/** xterm's colour for a 256-palette index of 16 or more: the 6x6x6 cube, then 24 greys. */
function xterm256(index: number): string {
  let r: number, g: number, b: number;
  if (index >= 232) {
    r = g = b = 8 + (index - 232) * 10;
  } else {
    const c = index - 16;
    r = CUBE[Math.floor(c / 36)];
    g = CUBE[Math.floor(c / 6) % 6];
    b = CUBE[c % 6];
  }
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** The CSS colour of `color` as text (`asText`) or as a background. */
export function cssColor(color: AnsiColor, asText: boolean): string {
  if (typeof color === 'string') return color;
  if (color < 16) return (asText ? FG_PALETTE : BG_PALETTE)[color];
  return xterm256(color);
}

/** Whether a `#rrggbb` colour is light (dark text reads better on it). */
function isLight(hex: string): boolean {
  const r = parseInt(hex.slice(1, 3), 16);
  const g = parseInt(hex.slice(3, 5), 16);
  const b = parseInt(hex.slice(5, 7), 16);
  return 0.299 * r + 0.587 * g + 0.114 * b > 150;
}

/** Inline CSS for a segment; a subset of React's CSSProperties. */
export interface AnsiCss {
  color?: string;
  backgroundColor?: string;
  fontWeight?: number;
  opacity?: number;
  fontStyle?: 'italic';
  textDecoration?: string;
}

/**
 * Inline CSS for `style` on the log panel, or `undefined` for the plain style (the text keeps the colour of its
 * line, e.g. the error level's). Inverse swaps text and background colours, the defaults being the panel's. On a
 * background without a text colour, the text turns dark where the background is light; black text on a
 * background is dark, not the grey used for it on the panel itself.
 */
export function ansiCss(style: AnsiStyle): AnsiCss | undefined {
  const css: AnsiCss = {};
  if (style.inverse) {
    css.color = style.bg === undefined ? PANEL_BG : cssColor(style.bg, false);
    css.backgroundColor = style.fg === undefined ? PANEL_FG : cssColor(style.fg, true);
  } else if (style.bg !== undefined) {
    css.backgroundColor = cssColor(style.bg, false);
    if (style.fg === 0 || (style.fg === undefined && isLight(css.backgroundColor))) css.color = PANEL_BG;
    else if (style.fg !== undefined) css.color = cssColor(style.fg, true);
  } else if (style.fg !== undefined) {
    css.color = cssColor(style.fg, true);
  }
  if (style.bold) css.fontWeight = 700;
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = 'italic';
  if (style.underline || style.strike) css.textDecoration = [style.underline && 'underline', style.strike && 'line-through'].filter(Boolean).join(' ');
  return Object.keys(css).length === 0 ? undefined : css;
}
