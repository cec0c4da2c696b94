// Indexed by month - 1; February is adjusted for leap years at the call.
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const ZERO = 48;
const NINE = 57;

/** True for an RFC 3339 date-time with a real calendar date, 24-hour time and an explicit offset. */
export function isRfc3339(text: string): boolean {
  // A character scan rather than a capturing regular expression: every event carries one or two
  // timestamps, and the match array plus ten captured strings per call were measurable garbage.
  // Accepted form: YYYY-MM-DD(T|t)hh:mm:ss(.f{1,9})?(Z|z|(+|-)hh:mm).
  const length = text.length;
  if (length < 20) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':') return false;
  if (text[10] !== 'T' && text[10] !== 't') return false;
  let at = 19;
  if (text[at] === '.') {
    let fraction = 0;
    at++;
    while (at < length && isDigit(text.charCodeAt(at))) {
      at++;
      fraction++;
    }
    if (fraction < 1 || fraction > 9) return false;
  }
  const zone = text[at];
  if (zone === 'Z' || zone === 'z') {
    if (at + 1 !== length) return false;
  } else if (zone === '+' || zone === '-') {
    if (at + 6 !== length || text[at + 3] !== ':') return false;
    const offsetHour = digits(text, at + 1, 2);
    const offsetMinute = digits(text, at + 4, 2);
    if (offsetHour < 0 || offsetMinute < 0 || offsetHour > 23 || offsetMinute > 59) return false;
  } else {
    return false;
  }
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > daysInMonth) return false;
  return hour <= 23 && minute <= 59 && second <= 60;
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/** The decimal value of `count` ASCII digits at `from`, or -1 when any of them is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}
