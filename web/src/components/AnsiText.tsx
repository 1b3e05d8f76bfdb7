import { memo, useMemo } from 'react';
import { ansiCss, hasAnsi, parseAnsi } from '../lib/ansi';

/**
 * `text` with its ANSI colours and styles (lib/ansi.ts) as spans with inline styles, and every other escape
 * sequence and control character removed. Text goes through React only, never as HTML. A text without escapes
 * renders as it is, in one span.
 */
export const AnsiText = memo(function AnsiText({ text, className }: { text: string; className?: string }) {
  const segments = useMemo(() => (hasAnsi(text) ? parseAnsi(text) : null), [text]);
  if (segments === null) return <span className={className}>{text}</span>;
  return (
    <span className={className}>
      {segments.map((segment, index) => {
        const style = ansiCss(segment.style);
        return style ? (
          <span key={index} style={style}>
            {segment.text}
          </span>
        ) : (
          <span key={index}>{segment.text}</span>
        );
      })}
    </span>
  );
});
