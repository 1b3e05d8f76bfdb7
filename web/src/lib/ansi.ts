// ANSI escape sequences in log messages: training code colours its output (loguru, rich, colorama, tqdm, most
// CLIs) and the server stores the text as written. This module turns such a message into styled segments and
// into plain text. The SGR (colour and style) codes are read by the `anser` library; what anser does not handle
// is done by a small pre-pass here (see `forAnser`), which hands it only well-formed SGR sequences and text.
//
// Shown: the SGR attributes bold, dim, italic, underline, inverse, strikethrough and their offs, the standard and
// bright colours, the defaults, 256 colours (38;5;n / 48;5;n) and truecolor (38;2;r;g;b / 48;2;r;g;b, also in the
// colon forms 38:5:n, 38:2:r:g:b and 38:2:cs:r:g:b). Blink, conceal, underline colour (58) and the rest are
// ignored. Everything else is removed, never shown raw: other CSI sequences (cursor moves, erase line,
// `ESC [ ? 25 l`, ...), OSC / DCS / SOS / PM / APC strings (window titles; hyperlinks keep their text and lose
// their target), two-character escapes (`ESC 7`, `ESC ( B`, ...; `ESC c` also resets the style), a lone ESC, and
// every control character but tab and newline (so `\r` and backspace are dropped, not interpreted).
// An unfinished sequence at the end of a message is dropped. A CSI sequence interrupted by a character that cannot
// belong to it is dropped up to that character, which is then read normally. A string sequence (OSC, ...) ends at
// BEL, at ESC (`ESC \` is consumed whole; any other ESC starts a new sequence), at CAN / SUB, or, unlike a
// terminal, at a newline (kept), so that a stray `ESC ]` cannot hide more than the rest of its line.
// Linear time: the pre-pass is one regular expression whose alternatives cannot backtrack, anser one split and
// one anchored match per SGR sequence, so a 16 KB message costs a few 16 KB scans. (anser's loop over one
// sequence's parameters slows down past some 32,000 of them, a 64 KB sequence; the server stores a line in
// entries of at most 16,384 characters.)
import Anser from 'anser';

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

const PLAIN: AnsiStyle = Object.freeze({}) as AnsiStyle;

// Any C0 control other than tab and newline, DEL, or a C1 control: the only characters this module removes or
// interprets. A single character class, so no backtracking.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Whether `message` holds anything this module would remove or interpret; when false it is shown as it is. */
export function hasAnsi(message: string): boolean {
  return CONTROL.test(message);
}

// ---- Pre-pass: what anser does not cover ----
// anser only splits the text at `ESC [` and reads the CSI sequence at the start of each piece: it leaves OSC and
// the other string sequences, two-character escapes, lone ESCs and control characters in the text; it shows the
// body of an unfinished or interrupted CSI (`ESC [ 3` at the end shows "3"; one cut by a newline eats text); it
// does not know the colon forms (shown raw) nor 58 (its arguments are read as codes, `58;2;255;0;0` as dim and
// reset), and reads the arguments of an incomplete 38;2 as codes too. So the pre-pass removes all of those and
// gives anser each SGR sequence in the plain `ESC [ n;n;... m` form.

// Alternatives: a CSI sequence (parameter and intermediate bytes, then a final byte if there is one); a string
// sequence (up to its terminator, an ESC, or a newline); any other escape (ESC, intermediates, a final byte if
// there is one: at least the ESC); a control character. Each is a run of one class plus optional ends, so it
// never backtracks and every character is read once.
const ESCAPES =
  /\u001b\[([\u0020-\u003f]*)([\u0040-\u007e]?)|\u001b[\]PX^_][^\u0007\u0018\u001a\u001b\n]*(?:[\u0007\u0018\u001a]|\u001b\\)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const SGR_PARAMS = /^[0-9;:]*$/; // no private marker (< = > ?), no intermediate byte
const CSI = '\u001b[';

/** `message` with every escape and control character removed, except SGR sequences, rewritten by `sgrForAnser`. */
function forAnser(message: string): string {
  return message.replace(ESCAPES, (match: string, params?: string, final?: string) => {
    if (final === 'm' && SGR_PARAMS.test(params!)) return sgrForAnser(params!);
    return match === '\u001bc' ? CSI + 'm' : ''; // ESC c resets the terminal, and with it the style
  });
}

/**
 * The SGR sequence with parameters `params` (digits, `;`, `:`) in the form anser reads: `;`-separated, the colon
 * forms of 38/48 and 4 (`4:0` is no underline, `4:n` underline) rewritten, 58 and an incomplete or unknown
 * colour left out with their arguments. `''` when nothing is left (`ESC [ m` would be a reset).
 */
function sgrForAnser(params: string): string {
  const list = params.split(';').map((param) => param.split(':'));
  const out: string[] = [];
  for (let k = 0; k < list.length; k++) {
    const [code, ...subs] = list[k];
    if (code === '38' || code === '48' || code === '58') {
      let args = subs; // colon form: 5:n, 2:r:g:b or 2:colourSpace:r:g:b
      if (subs.length === 0) {
        // Semicolon form: the following parameters are the arguments.
        const kind = list[k + 1]?.[0];
        const count = kind === '5' ? 2 : kind === '2' ? 4 : 1;
        args = list.slice(k + 1, k + 1 + count).map((param) => param[0]);
        k += count;
      } else if (subs[0] === '2' && subs.length >= 5) args = ['2', ...subs.slice(2, 5)];
      const complete = (args[0] === '5' && args.length === 2) || (args[0] === '2' && args.length === 4);
      if (code !== '58' && complete) out.push(code, ...args);
    } else if (code === '4' && subs.length > 0) out.push(subs[0] === '0' ? '24' : '4');
    else out.push(code);
  }
  return out.length === 0 ? '' : CSI + out.join(';') + 'm';
}

// ---- anser's output as styles ----

// With `use_classes` anser names colours instead of giving terminal RGB values: `ansi-red`, `ansi-bright-red`
// (the 16 standard colours, also from 38;5;0-15), `ansi-palette-N` (38;5;16-255) and `ansi-truecolor` with the
// value in `fg_truecolor` / `bg_truecolor` as "r, g, b". That keeps the palette index, which the panel maps to
// its own shades. Only these names are read; anser's classes are never rendered.
const ANSER_OPTIONS = { use_classes: true };
const COLOR_INDEX = new Map<string, number>();
['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'].forEach((name, index) => {
  COLOR_INDEX.set(`ansi-${name}`, index);
  COLOR_INDEX.set(`ansi-bright-${name}`, index + 8);
});

/** The colour anser names `name` (`truecolor` being its "r, g, b"), or `undefined` for the default. */
function anserColor(name: string | null, truecolor: string | null): AnsiColor | undefined {
  if (!name) return undefined;
  if (name === 'ansi-truecolor' && truecolor) {
    return '#' + truecolor.split(',').map((value) => Number(value).toString(16).padStart(2, '0')).join('');
  }
  if (name.startsWith('ansi-palette-')) return Number(name.slice('ansi-palette-'.length));
  return COLOR_INDEX.get(name);
}

/** anser's decoration names for the attributes shown; blink and hidden are ignored. */
const DECORATIONS: Partial<Record<string, Exclude<keyof AnsiStyle, 'fg' | 'bg'>>> = {
  bold: 'bold',
  dim: 'dim',
  italic: 'italic',
  underline: 'underline',
  reverse: 'inverse',
  strikethrough: 'strike',
};

/** The style of one of anser's entries. */
function anserStyle(entry: Anser.AnserJsonEntry): AnsiStyle {
  if (!entry.was_processed) return PLAIN;
  const style: AnsiStyle = {};
  const fg = anserColor(entry.fg, entry.fg_truecolor);
  const bg = anserColor(entry.bg, entry.bg_truecolor);
  if (fg !== undefined) style.fg = fg;
  if (bg !== undefined) style.bg = bg;
  for (const decoration of entry.decorations) {
    const key = DECORATIONS[decoration];
    if (key) style[key] = true;
  }
  return Object.keys(style).length === 0 ? PLAIN : style;
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
  const add = (text: string, style: AnsiStyle) => {
    if (text === '') return;
    const last = segments[segments.length - 1];
    if (last && sameStyle(last.style, style)) last.text += text;
    else segments.push({ text, style });
  };
  // Anser.ansiToJson would do this split itself, but it also applies reverse video by swapping the colours
  // (filling in white on black); reading each piece with processChunkJson keeps "reverse" as an attribute, so
  // the panel can show it in its own colours.
  const anser = new Anser();
  const [first, ...pieces] = forAnser(message).split(CSI);
  add(first, PLAIN);
  for (const piece of pieces) {
    const entry = anser.processChunkJson(piece, ANSER_OPTIONS, true);
    add(entry.content, anserStyle(entry));
  }
  return segments;
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
