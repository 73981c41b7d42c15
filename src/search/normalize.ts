/**
 * A searchable form of a name: full-width folded to half-width (NFKC), accents and tone marks
 * removed, lower case, only letters and digits kept ("Jiāng Shān-Dǐng" -> "jiangshanding").
 * `origin[i]` is the index in the original string of normalised character i, and
 * `wordStart[i]` is 1 where a word of the original begins (after a space or punctuation, at
 * a lower-to-upper case change, and at every Han character, since Chinese has no spaces).
 */
export interface NormalizedText {
  text: string;
  origin: Uint16Array;
  wordStart: Uint8Array;
}

const KEEP = /[\p{L}\p{N}]/u;
const MARKS = /\p{M}/gu;
const HAN = /\p{Script=Han}/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

type CharClass = 0 | 1 | 2 | 3; // separator, lower or digit, upper, Han

/** Folds one character: [normalised text, class]. ASCII and common Han take a fast path. */
function fold(ch: string): [string, CharClass] {
  const code = ch.charCodeAt(0);
  if (code < 0x80) {
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) return [ch, 1];
    if (code >= 0x41 && code <= 0x5a) return [String.fromCharCode(code + 32), 2];
    return ['', 0];
  }
  if (code >= 0x4e00 && code <= 0x9fff) return [ch, 3];
  let folded = '';
  for (const c of ch.normalize('NFKC').normalize('NFD').replace(MARKS, '').toLowerCase()) if (KEEP.test(c)) folded += c;
  if (!folded) return ['', 0];
  return [folded, HAN.test(ch) ? 3 : UPPER.test(ch) ? 2 : LOWER.test(ch) ? 1 : 1];
}

/** Normalises a search query or a name; see `NormalizedText`. */
export function normalizeText(input: string): NormalizedText {
  let text = '';
  const origin: number[] = [];
  const wordStart: number[] = [];
  let previous: CharClass = 0;
  let i = 0;
  for (const ch of input) {
    const [folded, cls] = fold(ch);
    if (folded) {
      const starts = previous === 0 || previous === 3 || cls === 3 || (cls === 2 && previous === 1);
      for (let u = 0; u < folded.length; u++) {
        text += folded[u];
        origin.push(i);
        wordStart.push(starts && u === 0 ? 1 : 0);
      }
    }
    previous = cls;
    i += ch.length;
  }
  return { text, origin: Uint16Array.from(origin), wordStart: Uint8Array.from(wordStart) };
}
