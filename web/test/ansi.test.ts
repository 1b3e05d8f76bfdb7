import { describe, expect, it } from 'vitest';
import { ansiCss, BG_PALETTE, FG_PALETTE, hasAnsi, PANEL_BG, PANEL_FG, parseAnsi, plainText, type AnsiSegment } from '../src/lib/ansi';
import { filterLogs } from '../src/lib/logs';

const E = '\u001b';

/** What a reader sees: [text, style] pairs. */
const shown = (message: string) => parseAnsi(message).map((s: AnsiSegment) => [s.text, s.style]);

/** Every character of the shown text is printable, a tab or a newline. */
function clean(message: string): void {
  for (const segment of parseAnsi(message)) {
    expect(segment.text).not.toBe('');
    expect(segment.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  }
}

describe('parseAnsi: colours', () => {
  it('colours level words as loguru and colorama print them', () => {
    expect(shown(`${E}[31mERROR${E}[0m CUDA out of memory`)).toEqual([
      ['ERROR', { fg: 1 }],
      [' CUDA out of memory', {}],
    ]);
    expect(shown(`${E}[1;33mWARNING${E}[0m loss is NaN`)).toEqual([
      ['WARNING', { fg: 3, bold: true }],
      [' loss is NaN', {}],
    ]);
  });

  it('reads 256-colour and truecolor, foreground and background, in both ; and : forms', () => {
    expect(shown(`${E}[38;5;208mepoch${E}[m`)).toEqual([['epoch', { fg: 208 }]]);
    expect(shown(`${E}[38;2;255;0;0mred${E}[39m`)).toEqual([['red', { fg: '#ff0000' }]]);
    expect(shown(`${E}[48;5;22;38;2;1;2;3mx`)).toEqual([['x', { bg: 22, fg: '#010203' }]]);
    expect(shown(`${E}[48;2;0;128;255;1mx`)).toEqual([['x', { bg: '#0080ff', bold: true }]]);
    expect(shown(`${E}[38:5:196mx`)).toEqual([['x', { fg: 196 }]]);
    expect(shown(`${E}[38:2::16:32:48mx`)).toEqual([['x', { fg: '#102030' }]]);
    expect(shown(`${E}[38:2:16:32:48mx`)).toEqual([['x', { fg: '#102030' }]]);
  });

  it('reads the standard, bright and default colours', () => {
    expect(shown(`${E}[30ma${E}[37mb${E}[90mc${E}[97md${E}[39me`)).toEqual([
      ['a', { fg: 0 }],
      ['b', { fg: 7 }],
      ['c', { fg: 8 }],
      ['d', { fg: 15 }],
      ['e', {}],
    ]);
    expect(shown(`${E}[40ma${E}[47mb${E}[100mc${E}[107md${E}[49me`)).toEqual([
      ['a', { bg: 0 }],
      ['b', { bg: 7 }],
      ['c', { bg: 8 }],
      ['d', { bg: 15 }],
      ['e', {}],
    ]);
  });

  it('nests attributes and resets them one at a time or all at once', () => {
    expect(shown(`${E}[1mA${E}[3mB${E}[4;32mC${E}[22mD${E}[23;24mE${E}[mF${E}[2;7;9mG${E}[27;29mH${E}[;35mI${E}[0;0mJ`)).toEqual([
      ['A', { bold: true }],
      ['B', { bold: true, italic: true }],
      ['C', { bold: true, italic: true, underline: true, fg: 2 }],
      ['D', { italic: true, underline: true, fg: 2 }],
      ['E', { fg: 2 }],
      ['F', {}],
      ['G', { dim: true, inverse: true, strike: true }],
      ['H', { dim: true }],
      ['I', { fg: 5 }],
      ['J', {}],
    ]);
    expect(shown(`${E}[4:3mcurly${E}[4:0mnone`)).toEqual([
      ['curly', { underline: true }],
      ['none', {}],
    ]);
  });

  it('merges runs whose style did not change and drops empty ones', () => {
    expect(shown(`${E}[31m${E}[32m${E}[31ma${E}[31mb${E}[2Kc${E}[1m${E}[22md`)).toEqual([['abcd', { fg: 1 }]]);
    expect(shown(`${E}[31m${E}[0m`)).toEqual([]);
  });

  it('takes the arguments of 38/48/58 as arguments, not as codes', () => {
    // 58 (underline colour) is ignored, but its 2;255;0;0 must not turn into dim + reset.
    expect(shown(`${E}[1;58;2;255;0;0mx`)).toEqual([['x', { bold: true }]]);
    expect(shown(`${E}[58;5;1;3mx`)).toEqual([['x', { italic: true }]]);
    // Out of range or missing arguments: no colour, and nothing else read from them.
    expect(shown(`${E}[38;5;300mx`)).toEqual([['x', {}]]);
    expect(shown(`${E}[38;2;1;2mx`)).toEqual([['x', {}]]);
    expect(shown(`${E}[38;5mx`)).toEqual([['x', {}]]);
    expect(shown(`${E}[38mx`)).toEqual([['x', {}]]);
    expect(shown(`${E}[38;2;999;0;0;1mx`)).toEqual([['x', { bold: true }]]);
    // A sequence with nothing left once 58 is left out changes nothing (it is not an empty SGR, a reset).
    expect(shown(`${E}[31m${E}[58;5;1mx`)).toEqual([['x', { fg: 1 }]]);
  });

  it('ignores sequences that end in m but are not SGR, and codes it does not know', () => {
    expect(shown(`${E}[>4;2ma${E}[?1mb${E}[1 mc`)).toEqual([['abc', {}]]);
    expect(shown(`${E}[5;8;11;53;99999999999999999999mx`)).toEqual([['x', {}]]);
  });
});

describe('parseAnsi: everything else is removed', () => {
  it('drops cursor moves, erase and other CSI sequences', () => {
    const message = `${E}[2K${E}[1A${E}[K${E}[?25l 45%|####      | 45/100 ${E}[?25h${E}[10;20H${E}[s${E}[u`;
    expect(shown(message)).toEqual([[' 45%|####      | 45/100 ', {}]]);
  });

  it('drops OSC titles and hyperlinks, keeping the link text', () => {
    expect(shown(`${E}]0;training run 7\u0007epoch 1`)).toEqual([['epoch 1', {}]]);
    expect(shown(`see ${E}]8;;https://example.com/run/7${E}\\the run${E}]8;;${E}\\ for more`)).toEqual([['see the run for more', {}]]);
    expect(shown(`${E}]8;id=1;file:///tmp/x\u0007${E}[34mx.py${E}]8;;\u0007${E}[0m:12`)).toEqual([
      ['x.py', { fg: 4 }],
      [':12', {}],
    ]);
    expect(shown(`${E}P+q544e${E}\\a${E}_apc\u0007b${E}^pm${E}\\c${E}Xsos${E}\\d`)).toEqual([['abcd', {}]]);
  });

  it('drops two-character escapes, lone ESCs and control characters, keeping tab and newline', () => {
    expect(shown(`${E}7${E}(Ba${E}8${E}=b${E}\\c\r\n\td\u0000e\u0008f\u007fg\u009bh${E}${E}[0mi${E}\u00e9`)).toEqual([['abc\n\tdefghi\u00e9', {}]]);
    expect(shown(`${E}[31mred${E}cplain`)).toEqual([
      ['red', { fg: 1 }],
      ['plain', {}],
    ]);
  });

  it('drops an unfinished sequence at the end of a message', () => {
    expect(shown(`${E}[31mloss 0.5${E}[3`)).toEqual([['loss 0.5', { fg: 1 }]]);
    expect(shown(`loss 0.5${E}[`)).toEqual([['loss 0.5', {}]]);
    expect(shown(`loss 0.5${E}`)).toEqual([['loss 0.5', {}]]);
    expect(shown(`loss 0.5${E}]0;title without end`)).toEqual([['loss 0.5', {}]]);
    expect(shown(`loss 0.5${E}]8;;http://x${E}`)).toEqual([['loss 0.5', {}]]);
    expect(shown(`loss 0.5${E}(`)).toEqual([['loss 0.5', {}]]);
  });

  it('ends an interrupted sequence at the character that interrupts it', () => {
    // A CSI cut short by another ESC: the second sequence still counts.
    expect(shown(`${E}[31${E}[32mgreen`)).toEqual([['green', { fg: 2 }]]);
    // An OSC without a terminator ends at the newline, which stays, and the next line shows.
    expect(shown(`a${E}]0;title\nTraceback (most recent call last):`)).toEqual([['a\nTraceback (most recent call last):', {}]]);
    // An OSC ended by an ESC that starts another sequence.
    expect(shown(`${E}]0;title${E}[1mbold`)).toEqual([['bold', { bold: true }]]);
    // A CSI cut short by a printable character outside its range.
    expect(shown(`${E}[12\u00e9x`)).toEqual([['\u00e9x', {}]]);
    // A CSI cut short by a newline: the newline and the next line stay.
    expect(shown(`${E}[12\nstep 5`)).toEqual([['\nstep 5', {}]]);
  });

  it('leaves a message without escapes as one plain segment, and an empty one as none', () => {
    const message = 'Epoch 3/10 - loss: 0.2345 - accuracy: 91.2% <b>&amp;</b> \t naïve 🚀';
    expect(hasAnsi(message)).toBe(false);
    expect(shown(message)).toEqual([[message, {}]]);
    expect(plainText(message)).toBe(message);
    expect(parseAnsi('')).toEqual([]);
    expect(plainText('')).toBe('');
  });

  it('never shows a control character, whatever the input', () => {
    const pieces = [E, '[', ']', '\\', '\u0007', '\r', '\n', ';', '5', '2', '38', 'm', 'K', 'P', '?', ':', 'x', ' ', '\u009b', 'é'];
    let seed = 7;
    for (let round = 0; round < 2000; round++) {
      let message = '';
      const length = 1 + (round % 40);
      for (let k = 0; k < length; k++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        message += pieces[seed % pieces.length];
      }
      clean(message);
      expect(plainText(message)).toBe(parseAnsi(message).map((s) => s.text).join(''));
    }
  });
});

describe('plainText', () => {
  it('gives the text as shown', () => {
    expect(plainText(`${E}[31mERROR${E}[0m CUDA out of memory`)).toBe('ERROR CUDA out of memory');
    expect(plainText(`${E}[1;33mWARNING${E}[0m ${E}[38;5;208mslow${E}[0m ${E}[38;2;255;0;0mstep${E}[0m`)).toBe('WARNING slow step');
    expect(plainText(`${E}[2K${E}[1A${E}]0;title\u0007done`)).toBe('done');
  });

  it('is linear on long messages, including pathological ones', () => {
    const long = [
      `${E}[31mx${E}[0m `.repeat(2000), // 16 KB of colour changes
      `${E}[` + '1;'.repeat(8000), // one unfinished CSI of 16 KB
      `${E}]` + 'x'.repeat(16000), // one unterminated OSC
      `${E}[` + ';'.repeat(16000) + 'm', // 16,000 empty parameters
      `${E}`.repeat(16000),
      `${E}[38;5;`.repeat(2000),
    ];
    const started = performance.now();
    for (let round = 0; round < 20; round++) for (const message of long) plainText(message);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(plainText(long[0])).toBe('x '.repeat(2000));
    expect(parseAnsi(long[0]).length).toBe(4000);
    expect(plainText(long[1])).toBe('');
    expect(plainText(long[2])).toBe('');
    expect(plainText(long[4])).toBe('');
  });
});

describe('ansiCss', () => {
  it('maps styles to inline CSS that reads on the panel', () => {
    expect(ansiCss({})).toBeUndefined();
    expect(ansiCss({ fg: 1 })).toEqual({ color: FG_PALETTE[1] });
    expect(ansiCss({ fg: 9, bold: true })).toEqual({ color: FG_PALETTE[9], fontWeight: 700 });
    expect(ansiCss({ fg: 196 })).toEqual({ color: '#ff0000' });
    expect(ansiCss({ fg: 16 })).toEqual({ color: '#000000' });
    expect(ansiCss({ fg: 231 })).toEqual({ color: '#ffffff' });
    expect(ansiCss({ fg: 244 })).toEqual({ color: '#808080' });
    expect(ansiCss({ fg: 208 })).toEqual({ color: '#ff8700' });
    expect(ansiCss({ fg: '#123456' })).toEqual({ color: '#123456' });
    expect(ansiCss({ bg: 1 })).toEqual({ backgroundColor: BG_PALETTE[1] });
    expect(ansiCss({ bg: 11 })).toEqual({ backgroundColor: BG_PALETTE[11], color: PANEL_BG }); // light: dark text
    expect(ansiCss({ fg: 0, bg: 7 })).toEqual({ backgroundColor: BG_PALETTE[7], color: PANEL_BG });
    expect(ansiCss({ fg: 2, bg: 4 })).toEqual({ backgroundColor: BG_PALETTE[4], color: FG_PALETTE[2] });
    expect(ansiCss({ inverse: true })).toEqual({ color: PANEL_BG, backgroundColor: PANEL_FG });
    expect(ansiCss({ inverse: true, fg: 1 })).toEqual({ color: PANEL_BG, backgroundColor: FG_PALETTE[1] });
    expect(ansiCss({ dim: true, italic: true, underline: true, strike: true })).toEqual({
      opacity: 0.7,
      fontStyle: 'italic',
      textDecoration: 'underline line-through',
    });
  });

  it('has 16 colours in each palette, none of the text ones the panel background', () => {
    expect(FG_PALETTE).toHaveLength(16);
    expect(BG_PALETTE).toHaveLength(16);
    expect(FG_PALETTE).not.toContain(PANEL_BG);
  });
});

describe('filterLogs', () => {
  it('searches the text as shown, not the escapes', () => {
    const entries = [
      { seq: 1, message: `${E}[31mERROR${E}[0m CUDA out of memory`, level: 'ERROR', timestamp: '' },
      { seq: 2, message: `${E}[1;33mWARNING${E}[0m slow`, level: 'WARNING', timestamp: '' },
    ];
    expect(filterLogs(entries, 'DEBUG', 'error cuda').map((e) => e.seq)).toEqual([1]);
    expect(filterLogs(entries, 'DEBUG', '[0m').map((e) => e.seq)).toEqual([]);
    expect(filterLogs(entries, 'DEBUG', '33m').map((e) => e.seq)).toEqual([]);
    expect(filterLogs(entries, 'DEBUG', 'warning slow').map((e) => e.seq)).toEqual([2]);
  });
});
