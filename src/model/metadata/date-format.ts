/**
 * {{date 'FORMAT' tz='Zone'}} as metadata-action renders it with moment-timezone (English names, UTC by
 * default). Moment's format tokens are read the way moment reads them ([text] and \X are literal, a letter that
 * is no token is itself); the tokens about dates and times are printed, and the few that need moment's locale
 * week rules, eras or zone abbreviations (w, W, g, G, N, y, z, L, l) are refused rather than guessed.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
]
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** The date's fields as a wall clock in one time zone. */
interface Wall {
  year: number
  /** 0-11 */
  month: number
  day: number
  /** 0 (Sunday) - 6 */
  weekday: number
  dayOfYear: number
  hour: number
  minute: number
  second: number
  millisecond: number
  /** Minutes east of UTC. */
  offset: number
  epochMs: number
}

/** Thrown for a time zone or token this renderer will not print; the caller names the input. */
export class DateFormatError extends Error {}

const zoneFormats = new Map<string, Intl.DateTimeFormat>()

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(zone)
  if (format === undefined) {
    if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(zone)) throw new DateFormatError(`unknown time zone ${zone}`)
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric'
      })
    } catch {
      throw new DateFormatError(`unknown time zone ${zone}`)
    }
    zoneFormats.set(zone, format)
  }
  return format
}

/** Throws DateFormatError for a zone Intl does not know. */
export function checkTimeZone(zone: string): void {
  zoneFormat(zone)
}

function wallClock(date: Date, zone: string): Wall {
  const epochMs = date.getTime()
  const millisecond = ((epochMs % 1000) + 1000) % 1000
  let offset = 0
  if (zone.toUpperCase() !== 'UTC') {
    const parts: Record<string, string> = {}
    for (const part of zoneFormat(zone).formatToParts(date)) parts[part.type] = part.value
    const asUtc = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second)
    )
    offset = Math.round((asUtc - (epochMs - millisecond)) / 60000)
  }
  const wall = new Date(epochMs + offset * 60000)
  const year = wall.getUTCFullYear()
  const dayOfYear =
    Math.round((Date.UTC(year, wall.getUTCMonth(), wall.getUTCDate()) - Date.UTC(year, 0, 1)) / 864e5) + 1
  return {
    year,
    month: wall.getUTCMonth(),
    day: wall.getUTCDate(),
    weekday: wall.getUTCDay(),
    dayOfYear,
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond,
    offset,
    epochMs
  }
}

const pad = (value: number, width: number): string => {
  const digits = String(Math.abs(value)).padStart(width, '0')
  return value < 0 ? `-${digits}` : digits
}

/** English ordinals, as moment's default locale: 1st 2nd 3rd 4th 11th 12th 13th 21st. */
const ordinal = (n: number): string => {
  const teen = Math.floor((n % 100) / 10) === 1
  const last = n % 10
  return `${n}${teen ? 'th' : last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th'}`
}

const hour12 = (w: Wall): number => w.hour % 12 || 12
const offsetText = (w: Wall, separator: string): string => {
  const sign = w.offset < 0 ? '-' : '+'
  const minutes = Math.abs(w.offset)
  return `${sign}${pad(Math.floor(minutes / 60), 2)}${separator}${pad(minutes % 60, 2)}`
}
const quarter = (w: Wall): number => Math.ceil((w.month + 1) / 3)
const fraction = (w: Wall, digits: number): string =>
  digits <= 3
    ? pad(Math.floor(w.millisecond / 10 ** (3 - digits)), digits)
    : pad(w.millisecond * 10 ** (digits - 3), digits)

/** The tokens printed, by moment's meaning in its default (English) locale. */
const PRINT: Record<string, (w: Wall) => string> = {
  M: w => String(w.month + 1),
  Mo: w => ordinal(w.month + 1),
  MM: w => pad(w.month + 1, 2),
  MMM: w => MONTHS[w.month].slice(0, 3),
  MMMM: w => MONTHS[w.month],
  D: w => String(w.day),
  Do: w => ordinal(w.day),
  DD: w => pad(w.day, 2),
  DDD: w => String(w.dayOfYear),
  DDDo: w => ordinal(w.dayOfYear),
  DDDD: w => pad(w.dayOfYear, 3),
  d: w => String(w.weekday),
  do: w => ordinal(w.weekday),
  dd: w => WEEKDAYS[w.weekday].slice(0, 2),
  ddd: w => WEEKDAYS[w.weekday].slice(0, 3),
  dddd: w => WEEKDAYS[w.weekday],
  e: w => String(w.weekday),
  E: w => String(w.weekday || 7),
  Q: w => String(quarter(w)),
  Qo: w => ordinal(quarter(w)),
  Y: w => (w.year <= 9999 ? pad(w.year, 4) : `+${w.year}`),
  YY: w => pad(w.year % 100, 2),
  YYYY: w => pad(w.year, 4),
  YYYYY: w => pad(w.year, 5),
  YYYYYY: w => `${w.year < 0 ? '-' : '+'}${pad(Math.abs(w.year), 6)}`,
  H: w => String(w.hour),
  HH: w => pad(w.hour, 2),
  h: w => String(hour12(w)),
  hh: w => pad(hour12(w), 2),
  k: w => String(w.hour || 24),
  kk: w => pad(w.hour || 24, 2),
  Hmm: w => `${w.hour}${pad(w.minute, 2)}`,
  Hmmss: w => `${w.hour}${pad(w.minute, 2)}${pad(w.second, 2)}`,
  hmm: w => `${hour12(w)}${pad(w.minute, 2)}`,
  hmmss: w => `${hour12(w)}${pad(w.minute, 2)}${pad(w.second, 2)}`,
  m: w => String(w.minute),
  mm: w => pad(w.minute, 2),
  s: w => String(w.second),
  ss: w => pad(w.second, 2),
  a: w => (w.hour > 11 ? 'pm' : 'am'),
  A: w => (w.hour > 11 ? 'PM' : 'AM'),
  X: w => String(Math.floor(w.epochMs / 1000)),
  x: w => String(w.epochMs),
  Z: w => offsetText(w, ':'),
  ZZ: w => offsetText(w, '')
}
for (let digits = 1; digits <= 9; digits++) PRINT['S'.repeat(digits)] = w => fraction(w, digits)

/**
 * Moment's tokens in the order its tokenizer tries them at one position (so "MMMM" is one token and "YYY" is
 * "YY" then "Y"); a single letter that is none of these is printed as itself.
 */
const TOKEN =
  /^(?:[Hh]mm(?:ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(?:ggg?)?|GG(?:GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?)/
/** Moment's locale formats (LT, LTS, L…LLLL, l…llll), expanded before the tokens: refused. */
const LOCALE_TOKEN = /^(?:LTS|LT|LL?L?L?|l{1,4})/

const MAX_FORMAT = 256

/** The format rendered for the instant in the zone; throws DateFormatError for what it will not print. */
export function formatDate(date: Date, format: string, zone = 'UTC'): string {
  if (format === '') throw new DateFormatError('an empty format')
  if (format.length > MAX_FORMAT) throw new DateFormatError(`a format longer than ${MAX_FORMAT} characters`)
  const wall = wallClock(date, zone)
  let out = ''
  let at = 0
  while (at < format.length) {
    const char = format[at]
    if (char === '[') {
      const close = format.indexOf(']', at + 1)
      const nextOpen = format.indexOf('[', at + 1)
      if (close >= 0 && (nextOpen < 0 || nextOpen > close)) {
        out += format.slice(at + 1, close)
        at = close + 1
        continue
      }
    }
    const escaped = char === '\\'
    const start = escaped ? at + 1 : at
    if (start >= format.length) break // a lone trailing backslash prints nothing
    const rest = format.slice(start)
    // After a backslash a locale format is not one token: moment escapes its L, then reads T and S on their own.
    const token = (!escaped && LOCALE_TOKEN.exec(rest)?.[0]) || TOKEN.exec(rest)?.[0] || rest[0]
    at = start + token.length
    if (escaped) {
      // Moment drops every backslash of an escaped token, so an escaped backslash prints nothing.
      out += token.replace(/\\/g, '')
    } else if (Object.hasOwn(PRINT, token)) {
      out += PRINT[token](wall)
    } else if (LOCALE_TOKEN.test(token) || TOKEN.test(token)) {
      throw new DateFormatError(`the token ${token}, which is not supported`)
    } else {
      out += token
    }
  }
  return out
}
