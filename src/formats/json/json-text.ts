/**
 * JSON text exactly as Spark's Jackson-based code writes it: string escaping, Java's
 * `Double.toString` / `Float.toString`, `BigDecimal.toString`, base64 for binary, and the
 * default JSON timestamp / date formats. Shared by `to_json`, the JSON sink and `from_json`
 * (which re-serialises non-string values read into STRING fields, as Spark 3.5 does).
 */
import { zoneOffsetSeconds } from "./json-datetime.js";
import { civilFromDays } from "../../columnar/civil-date.js";

const civil = new Int32Array(3);

/** How non-ASCII characters are written. */
export type EscapeStyle =
  /** Jackson's `WriterBasedJsonGenerator` (to_json, the JSON sink): non-ASCII written as is. */
  | "writer"
  /** Jackson 2.15 `UTF8JsonGenerator` (used by from_json's re-serialisation): characters outside
   * the BMP are written as two `\uXXXX` surrogate escapes. */
  | "utf8";

const HEX = "0123456789ABCDEF";

/** `s` as a quoted JSON string: `"` `\` and control characters escaped as Jackson does. */
export function quoteJsonString(s: string, style: EscapeStyle = "writer"): string {
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      switch (c) {
        case 0x08:
          esc = "\\b";
          break;
        case 0x09:
          esc = "\\t";
          break;
        case 0x0a:
          esc = "\\n";
          break;
        case 0x0c:
          esc = "\\f";
          break;
        case 0x0d:
          esc = "\\r";
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = "\\\\";
    } else if (style === "utf8" && c >= 0xd800 && c <= 0xdfff) {
      esc = `\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    }
    if (esc !== null) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return `${out}${s.slice(from)}"`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 with padding (Jackson's default `MIME_NO_LINEFEEDS` variant). */
export function base64Encode(data: Uint8Array, start: number, end: number): string {
  let out = "";
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  if (end - i === 1) {
    const n = data[i] << 16;
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}==`;
  } else if (end - i === 2) {
    const n = (data[i] << 16) | (data[i + 1] << 8);
    out += `${B64[n >> 18]}${B64[(n >> 12) & 63]}${B64[(n >> 6) & 63]}=`;
  }
  return out;
}

/**
 * Formats microseconds since the epoch with Spark 3.x's default JSON timestamp format
 * `yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]` in `zone`: `2024-01-02T03:04:05.000Z`, `…+05:30`.
 */
export function formatJsonTimestamp(micros: bigint, zone: string): string {
  const millis = Number(micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n));
  const epochSeconds = Math.floor(millis / 1000);
  const offset = zoneOffsetSeconds(zone, epochSeconds);
  const localMillis = millis + offset * 1000;
  const days = Math.floor(localMillis / 86_400_000);
  const msOfDay = localMillis - days * 86_400_000;
  const h = Math.floor(msOfDay / 3_600_000);
  const mi = Math.floor((msOfDay % 3_600_000) / 60_000);
  const s = Math.floor((msOfDay % 60_000) / 1000);
  const ms = msOfDay % 1000;
  return `${formatDate(days)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}${formatOffset(offset)}`;
}

/**
 * Formats a TIMESTAMP_NTZ (wall-clock µs) as Spark's default timestampNTZFormat,
 * `yyyy-MM-dd'T'HH:mm:ss[.SSS]` (the optional millis always print).
 */
export function formatJsonTimestampNtz(micros: bigint): string {
  return formatJsonTimestamp(micros, "UTC").slice(0, -1);
}

/** Formats days since the epoch as `yyyy-MM-dd` (Spark's default dateFormat). */
export function formatDate(days: number): string {
  civilFromDays(days, civil);
  const [y, m, d] = civil;
  const year = y > 9999 ? `+${y}` : y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${year}-${pad(m, 2)}-${pad(d, 2)}`;
}

function formatOffset(offset: number): string {
  if (offset === 0) return "Z";
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${offset < 0 ? "-" : "+"}${pad(h, 2)}:${pad(m, 2)}${s === 0 ? "" : `:${pad(s, 2)}`}`;
}


function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
