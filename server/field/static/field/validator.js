// The inspection validator, on the device: the same judgement as the server's Python validator
// (inspection_forms/validator.py, answers.py, problems.py, model.py), problem for problem: the
// same codes, paths, order and zh/en messages. Dependency-free ES module (browsers, Node 20).
//
// `form` is the pinned form version as it arrives on the tablet (the `form` field of a
// `form:<id>:<version>` document, i.e. Form.to_dict()); `context` is the plant's registry codes,
// {lines, gates, cems_points}: lists of codes, or the assignment document itself (its lines'
// `code`, gates' `code` and CEMS points' `mn`; see plantContext).
//
// tests/field/test_validator_parity.py runs this file and the Python validator over the same
// filled documents (tests/data/form_documents/) and fails on any difference.
//
// Known limits of parity, none of which a document made by JavaScript can reach: JSON keeps
// 1.0 and 1 apart for Python but not for JavaScript (a form_version of 1.0 is a mismatch on the
// server; a repr of 2.0 reads "2.0" there, "2" here), and JavaScript orders integer-like keys
// ("7", "12") first in an object. A document serialised by JavaScript has neither.

export const MESSAGES = {
  "document.wrong_type": ["核查记录应为 JSON 对象", "the inspection document must be a JSON object"],
  "document.invalid": ["{field} 缺失或格式不正确", "{field} is missing or malformed"],
  "form.unknown": ["未知的核查表 {form_id}", "unknown form '{form_id}'"],
  "form.unknown_version": [
    "核查表 {form_id} 没有版本 {version}（已有版本：{known}）",
    "form '{form_id}' has no version {version} (known versions: {known})",
  ],
  "form.mismatch": [
    "记录所用核查表为 {got}，而校验所用为 {expected}",
    "the document is for form {got}, but was validated against {expected}",
  ],
  "answer.unknown_item": ["核查表 {form} 中没有此项：{item}", "form {form} has no item '{item}' here"],
  "answer.required": ["必填项未填写", "required item is not answered"],
  "answer.hidden": [
    "显示条件（{condition}）不满足，此项不应填写",
    "answered although its condition ({condition}) is not met",
  ],
  "answer.wrong_type": ["应为{expected_zh}", "expected {expected_en}"],
  "answer.out_of_range": ["{got} 超出允许范围（{range}）", "{got} is outside the allowed range ({range})"],
  "answer.unit": ["单位应为 {expected}，实际为 {got}", "unit must be {expected}, got {got}"],
  "answer.unknown_option": ["无此选项：{got}", "not an option of this item: {got}"],
  "answer.duplicate": ["重复填写：{got}", "given more than once: {got}"],
  "answer.too_long": ["文字过长（最多 {max} 字）", "text too long (at most {max} characters)"],
  "answer.bad_format": ["格式不正确，应为{expected_zh}", "malformed, expected {expected_en}"],
  "answer.missing_field": ["缺少字段 {field}", "missing field '{field}'"],
  "answer.unknown_field": ["不允许的字段 {field}", "field '{field}' is not allowed here"],
  "answer.not_attested": ["核查人员未确认", "the inspector did not attest"],
  "photo.too_few": ["至少需要 {min} 张照片，实际 {got} 张", "at least {min} photos required, got {got}"],
  "photo.too_many": ["最多 {max} 张照片，实际 {got} 张", "at most {max} photos allowed, got {got}"],
  "photo.bad_reference": [
    "照片引用格式不正确：{got}（应为 photo:<编号>）",
    "malformed photo reference {got} (expected photo:<id>)",
  ],
  "photo.duplicate": ["同一照片重复引用：{got}", "photo referenced more than once: {got}"],
  "repeat.unknown_key": ["企业登记信息中没有{registry_zh} {key}", "the plant has no {registry_en} '{key}'"],
  "repeat.missing_key": ["{registry_zh} {key} 未填写", "{registry_en} '{key}' is not answered"],
};

export const REGISTRY_NAMES = {
  lines: ["生产线", "production line"],
  gates: ["车辆出入口", "vehicle gate"],
  cems_points: ["在线监测点位", "CEMS point"],
};

const PHOTO_REF_RE = /^photo:[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

// ---- Python's text forms of values (str.format, repr) ----------------------------------------

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function hex(code, width) {
  return code.toString(16).padStart(width, "0");
}

function reprString(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + hex(c, 2);
    else if (c < 0x7f) out += ch;
    else if (!NOT_PRINTABLE.test(ch)) out += ch;
    else if (c <= 0xff) out += "\\x" + hex(c, 2);
    else if (c <= 0xffff) out += "\\u" + hex(c, 4);
    else out += "\\U" + hex(c, 8);
  }
  return out + quote;
}

function reprFloat(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e");
    const sign = exponent[0] === "-" ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(x);
}

function reprNumber(x) {
  if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
  return reprFloat(x);
}

/** Python's repr() of a parsed JSON value (`tuple` renders a list as a tuple). */
export function pyRepr(value, tuple = false) {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return reprNumber(value);
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) {
    const inner = value.map((v) => pyRepr(v)).join(", ");
    if (!tuple) return `[${inner}]`;
    return value.length === 1 ? `(${inner},)` : `(${inner})`;
  }
  const pairs = Object.keys(value).map((k) => `${reprString(k)}: ${pyRepr(value[k])}`);
  return `{${pairs.join(", ")}}`;
}

/** Python's str() of a parsed JSON value, as str.format() writes it. */
export function pyStr(value) {
  return typeof value === "string" ? value : pyRepr(value);
}

/** Python's `_fmt`: whole numbers without a decimal point, others as Python writes them. */
function fmt(number) {
  if (number === null || number === undefined) return "";
  return reprNumber(number);
}

function format(template, params) {
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    if (!(name in params)) throw new Error(`no value for {${name}}`);
    return pyStr(params[name]);
  });
}

/** One problem from the catalogue: {path, code, message_zh, message_en}. */
export function problem(path, code, params = {}) {
  const [zh, en] = MESSAGES[code];
  return { path, code, message_zh: format(zh, params), message_en: format(en, params) };
}

function wrongType(path, expectedZh, expectedEn) {
  return problem(path, "answer.wrong_type", { expected_zh: expectedZh, expected_en: expectedEn });
}

// ---- Python's equality and types --------------------------------------------------------------

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function has(object, key) {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** `object.get(key)`: null and a missing key are alike (both are Python's None). */
function get(object, key) {
  const value = has(object, key) ? object[key] : null;
  return value === undefined ? null : value;
}

function pyEquals(a, b) {
  const numeric = (v) => typeof v === "number" || typeof v === "boolean";
  if (numeric(a) && numeric(b)) return Number(a) === Number(b); // True == 1 in Python
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]))
    );
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => has(b, k) && pyEquals(a[k], b[k]));
  }
  return a === b;
}

function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function length(text) {
  let n = 0;
  for (const _ of text) n += 1; // code points, as Python's len()
  return n;
}

const PY_WHITESPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

// ---- ISO 8601 as CPython 3.11's date/datetime.fromisoformat (C implementation) ---------------

const encoder = new TextEncoder();
const DASH = 0x2d;
const WEEK = 0x57;

function isDigit(byte) {
  return byte >= 0x30 && byte <= 0x39;
}

function digits(bytes, pos, count) {
  let value = 0;
  for (let i = 0; i < count; i += 1) {
    const byte = bytes[pos + i];
    if (byte === undefined || !isDigit(byte)) return null;
    value = value * 10 + (byte - 0x30);
  }
  return value;
}

function isLeap(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year, month) {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** The date of ISO year/week/day (CPython's iso_to_ymd), valid only in years 1 to 9999. */
function validWeek(year, week, day) {
  const first = (y, m, d) => {
    const date = new Date(Date.UTC(2000, m - 1, d));
    date.setUTCFullYear(y);
    return date;
  };
  if (week < 1 || week > 53) return false;
  if (week === 53) {
    const weekday = (first(year, 1, 1).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
    if (!(weekday === 3 || (weekday === 2 && isLeap(year)))) return false;
  }
  if (day < 1 || day > 7) return false;
  const jan4 = first(year, 1, 4);
  const monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000;
  const date = new Date(monday + ((week - 1) * 7 + (day - 1)) * 86400000);
  const y = date.getUTCFullYear();
  return y >= 1 && y <= 9999;
}

function byteAt(bytes, i) {
  return i < bytes.length ? bytes[i] : 0; // C strings end in NUL
}

function separatorAt(bytes) {
  const len = bytes.length;
  if (len === 7) return 7;
  if (bytes[4] === DASH) {
    if (bytes[5] === WEEK) {
      if (len > 8 && bytes[8] === DASH) {
        if (len === 9) return -1;
        if (len > 10 && isDigit(bytes[10])) return 8;
        return 10;
      }
      return 8;
    }
    return 10;
  }
  if (bytes[4] === WEEK) {
    let idx = 7;
    while (idx < len && isDigit(bytes[idx])) idx += 1;
    if (idx < 9) return idx;
    return idx % 2 === 0 ? 7 : 8;
  }
  return 8;
}

/** Whether the date starting at bytes[0] (its part before `len`) is one CPython's
 * parse_isoformat_date accepts and the date exists. */
function parseDate(bytes, len) {
  const year = digits(bytes, 0, 4);
  if (year === null) return false;
  let pos = 4;
  const hasSep = byteAt(bytes, pos) === DASH;
  if (hasSep) pos += 1;
  if (byteAt(bytes, pos) === WEEK) {
    pos += 1;
    const week = digits(bytes, pos, 2);
    if (week === null) return false;
    pos += 2;
    let day = 1;
    if (pos < len) {
      if (hasSep) {
        if (byteAt(bytes, pos) !== DASH) return false;
        pos += 1;
      }
      day = digits(bytes, pos, 1);
      if (day === null) return false;
    }
    return validWeek(year, week, day);
  }
  const month = digits(bytes, pos, 2);
  if (month === null) return false;
  pos += 2;
  if (hasSep) {
    if (byteAt(bytes, pos) !== DASH) return false;
    pos += 1;
  }
  const day = digits(bytes, pos, 2);
  if (day === null) return false;
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** CPython's parse_hh_mm_ss_ff over bytes[start:end]: {rv, comps}; rv < 0 is an error, 1
 * means something follows (allowed before an offset), 0 the end of the string. */
function parseClock(bytes, start, end) {
  const comps = [0, 0, 0, 0];
  let p = start;
  let hasSep = true;
  for (let i = 0; i < 3; i += 1) {
    const value = digits(bytes, p, 2);
    if (value === null) return { rv: -3, comps };
    comps[i] = value;
    p += 2;
    const c = byteAt(bytes, p);
    p += 1;
    if (i === 0) hasSep = c === 0x3a;
    if (p >= end) return { rv: c !== 0 ? 1 : 0, comps };
    if (hasSep && c === 0x3a) continue;
    if (c === 0x2e || c === 0x2c) break;
    if (!hasSep) p -= 1;
    else return { rv: -4, comps };
  }
  const take = Math.min(end - p, 6);
  const fraction = digits(bytes, p, take);
  if (fraction === null) return { rv: -3, comps };
  comps[3] = fraction * 10 ** (6 - take);
  p += take;
  while (isDigit(byteAt(bytes, p))) p += 1;
  return { rv: byteAt(bytes, p) !== 0 ? 1 : 0, comps };
}

/** The time after the separator (CPython's parse_isoformat_time): true when it is valid and
 * carries a UTC offset, false otherwise. */
function parseTime(bytes, start) {
  const end = bytes.length;
  let tz = start;
  do {
    const b = byteAt(bytes, tz);
    if (b === 0x5a || b === 0x2b || b === DASH) break;
  } while (++tz < end);
  const clock = parseClock(bytes, start, tz);
  if (clock.rv < 0) return false;
  const [hour, minute, second] = clock.comps;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (tz >= end) return false; // no offset: a naive time
  if (bytes[tz] === 0x5a) return byteAt(bytes, tz + 1) === 0;
  const offset = parseClock(bytes, tz + 1, end);
  if (offset.rv !== 0) return false;
  const [h, m, s, us] = offset.comps;
  return ((h * 60 + m) * 60 + s) * 1e6 + us < 24 * 3600 * 1e6;
}

const LONE_SURROGATE = /(?:[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;

/** `date.fromisoformat(value)` succeeds (and the answer is 10 characters long). */
export function isIsoDate(value) {
  if (typeof value !== "string" || length(value) !== 10 || LONE_SURROGATE.test(value)) return false;
  const bytes = encoder.encode(value);
  if (![7, 8, 10].includes(bytes.length)) return false;
  return parseDate(bytes, bytes.length);
}

/** `datetime.fromisoformat(value)` succeeds with a UTC offset, at least 16 characters. */
export function isIsoDateTime(value) {
  if (typeof value !== "string" || length(value) < 16) return false;
  const chars = [...value];
  for (const pos of [7, 8, 10]) {
    if (pos > chars.length) break;
    if (pos < chars.length && chars[pos].codePointAt(0) > 0x7f) {
      chars[pos] = "T"; // CPython takes any one non-ASCII separator for 'T'
      break;
    }
  }
  const text = chars.join("");
  if (LONE_SURROGATE.test(text)) return false;
  const bytes = encoder.encode(text);
  const separator = separatorAt(bytes);
  if (separator < 0 || !parseDate(bytes, separator)) return false;
  if (bytes.length <= separator) return false; // a date alone has no offset
  return parseTime(bytes, separator + 1);
}

// ---- one check per item kind (answers.py) -----------------------------------------------------

function inRange(item, number, path, out) {
  const low = item.min ?? null;
  const high = item.max ?? null;
  if ((low !== null && number < low) || (high !== null && number > high)) {
    const span = `${fmt(low)}–${fmt(high)} ${item.unit || ""}`.trim();
    out.push(problem(path, "answer.out_of_range", { got: fmt(number), range: span }));
  }
}

function optionCodes(item) {
  return new Set((item.options || []).map((o) => o.code));
}

function checkYesNo(item, value, path, out) {
  if (typeof value !== "boolean") out.push(wrongType(path, "是/否（true 或 false）", "true or false"));
}

function checkSingle(item, value, path, out) {
  if (typeof value !== "string") out.push(wrongType(path, "选项代码（文字）", "an option code (string)"));
  else if (!optionCodes(item).has(value)) out.push(problem(path, "answer.unknown_option", { got: value }));
}

function checkMultiple(item, value, path, out) {
  if (!Array.isArray(value)) {
    out.push(wrongType(path, "选项代码列表", "a list of option codes"));
    return;
  }
  const codes = optionCodes(item);
  const seen = new Set();
  value.forEach((code, n) => {
    if (typeof code !== "string") {
      out.push(wrongType(`${path}[${n}]`, "选项代码（文字）", "an option code (string)"));
    } else if (!codes.has(code)) {
      out.push(problem(`${path}[${n}]`, "answer.unknown_option", { got: code }));
    } else if (seen.has(code)) {
      out.push(problem(`${path}[${n}]`, "answer.duplicate", { got: code }));
    } else {
      seen.add(code);
    }
  });
  const low = item.min_selected ?? 0;
  const high = item.max_selected ?? null;
  if (value.length < low || (high !== null && value.length > high)) {
    out.push(problem(path, "answer.out_of_range", { got: value.length, range: `${low}–${fmt(high)}` }));
  }
}

function checkNumber(item, value, path, out) {
  if (!isNumber(value)) {
    out.push(wrongType(path, `数值（单位 ${pyStr(item.unit ?? null)}）`, `a number (in ${pyStr(item.unit ?? null)})`));
  } else if (item.integer && !Number.isInteger(value)) {
    out.push(wrongType(path, "整数", "a whole number"));
  } else {
    inRange(item, value, path, out);
  }
}

function checkText(item, value, path, out) {
  const max = item.max_length ?? 2000;
  if (typeof value !== "string") out.push(wrongType(path, "文字", "text"));
  else if (item.required !== false && PY_WHITESPACE.test(value)) out.push(problem(path, "answer.required"));
  else if (length(value) > max) out.push(problem(path, "answer.too_long", { max }));
}

function checkDate(item, value, path, out) {
  if (!isIsoDate(value)) {
    out.push(
      problem(path, "answer.bad_format", { expected_zh: "日期 YYYY-MM-DD", expected_en: "a date YYYY-MM-DD" }),
    );
  }
}

function badDatetime(path) {
  return problem(path, "answer.bad_format", {
    expected_zh: "带时区的日期时间（ISO 8601）",
    expected_en: "an ISO 8601 date-time with UTC offset",
  });
}

function checkDatetime(item, value, path, out) {
  if (!isIsoDateTime(value)) out.push(badDatetime(path));
}

function checkPhoto(item, value, path, out) {
  if (!Array.isArray(value)) {
    out.push(wrongType(path, "照片引用列表", "a list of photo references"));
    return;
  }
  const seen = new Set();
  value.forEach((ref, n) => {
    if (typeof ref !== "string" || !PHOTO_REF_RE.test(ref)) {
      out.push(problem(`${path}[${n}]`, "photo.bad_reference", { got: pyRepr(ref) }));
    } else if (seen.has(ref)) {
      out.push(problem(`${path}[${n}]`, "photo.duplicate", { got: ref }));
    } else {
      seen.add(ref);
    }
  });
  const min = item.min_count ?? 0;
  const max = item.max_count ?? 0;
  if (value.length < min) out.push(problem(path, "photo.too_few", { min, got: value.length }));
  else if (value.length > max) out.push(problem(path, "photo.too_many", { max, got: value.length }));
}

function checkFields(value, allowed, path, out) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) out.push(problem(`${path}.${key}`, "answer.unknown_field", { field: key }));
  }
}

function checkMeter(item, value, path, out) {
  if (!isMapping(value)) {
    out.push(wrongType(path, "读数对象 {value, unit}", "a reading object {value, unit}"));
    return;
  }
  checkFields(value, ["value", "unit", "meter_id", "photo"], path, out);
  const number = get(value, "value");
  const unit = get(value, "unit");
  if (number === null) out.push(problem(`${path}.value`, "answer.missing_field", { field: "value" }));
  else if (!isNumber(number)) out.push(wrongType(`${path}.value`, "数值", "a number"));
  else inRange(item, number, `${path}.value`, out);
  const expected = item.unit ?? null;
  if (unit === null) out.push(problem(`${path}.unit`, "answer.missing_field", { field: "unit" }));
  else if (!pyEquals(unit, expected)) out.push(problem(`${path}.unit`, "answer.unit", { expected, got: unit }));
  const meterId = get(value, "meter_id");
  if (meterId !== null && typeof meterId !== "string") out.push(wrongType(`${path}.meter_id`, "文字", "text"));
  const photo = get(value, "photo");
  if (photo === null) {
    if (item.photo_required) out.push(problem(`${path}.photo`, "answer.missing_field", { field: "photo" }));
  } else if (typeof photo !== "string" || !PHOTO_REF_RE.test(photo)) {
    out.push(problem(`${path}.photo`, "photo.bad_reference", { got: pyRepr(photo) }));
  }
}

function checkAttestation(item, value, path, out) {
  if (!isMapping(value)) {
    out.push(wrongType(path, "确认对象 {attested, by, at}", "an attestation {attested, by, at}"));
    return;
  }
  checkFields(value, ["attested", "by", "at"], path, out);
  const attested = get(value, "attested");
  if (attested === null) out.push(problem(`${path}.attested`, "answer.missing_field", { field: "attested" }));
  else if (typeof attested !== "boolean") out.push(wrongType(`${path}.attested`, "true", "true"));
  else if (!attested) out.push(problem(`${path}.attested`, "answer.not_attested"));
  const by = get(value, "by");
  if (by === null) out.push(problem(`${path}.by`, "answer.missing_field", { field: "by" }));
  else if (typeof by !== "string" || PY_WHITESPACE.test(by)) {
    out.push(wrongType(`${path}.by`, "核查人员编号（文字）", "the inspector's id (text)"));
  }
  const at = get(value, "at");
  if (at === null) out.push(problem(`${path}.at`, "answer.missing_field", { field: "at" }));
  else if (!isIsoDateTime(at)) out.push(badDatetime(`${path}.at`));
}

export const CHECKS = {
  yes_no: checkYesNo,
  single_choice: checkSingle,
  multiple_choice: checkMultiple,
  number: checkNumber,
  text: checkText,
  date: checkDate,
  datetime: checkDatetime,
  photo: checkPhoto,
  meter: checkMeter,
  attestation: checkAttestation,
};

// ---- conditions (model.py) --------------------------------------------------------------------

const OPS = ["equals", "one_of", "includes", "answered"];

function condition(data) {
  if (!data) return null;
  const op = OPS.find((name) => has(data, name));
  return { item: data.item, op, value: op === "answered" ? null : data[op] };
}

function holds(cond, answer) {
  if (answer === null || answer === undefined) return false;
  if (cond.op === "equals") {
    if (typeof answer === "boolean" || typeof cond.value === "boolean") return answer === cond.value;
    return pyEquals(answer, cond.value);
  }
  if (cond.op === "one_of") return typeof answer === "string" && cond.value.some((v) => pyEquals(answer, v));
  if (cond.op === "includes") return Array.isArray(answer) && answer.some((v) => pyEquals(cond.value, v));
  return true;
}

/** `Condition.describe()`, the words in `answer.hidden`. */
export function describe(cond) {
  if (cond.op === "answered") return `${cond.item} answered`;
  let value;
  if (typeof cond.value === "boolean") value = String(cond.value);
  else if (cond.op === "one_of") value = pyRepr(cond.value, true);
  else value = pyStr(cond.value);
  return `${cond.item} ${cond.op} ${value}`;
}

// ---- the form as the validator indexes it -----------------------------------------------------

const prepared = new WeakMap();

function prepareItem(data, sectionCondition) {
  const own = condition(data.show_if);
  const conditions = [sectionCondition, own].filter((c) => c !== null);
  const items = new Map((data.items || []).map((inner) => [inner.id, prepareItem(inner, null)]));
  return { ...data, required: data.required !== false, conditions, itemIndex: items };
}

function prepare(form) {
  let index = prepared.get(form);
  if (!index) {
    index = new Map();
    for (const section of form.sections || []) {
      const sectionCondition = condition(section.show_if);
      for (const item of section.items || []) index.set(item.id, prepareItem(item, sectionCondition));
    }
    prepared.set(form, index);
  }
  return index;
}

/** The registry codes of an assignment document (or a {lines, gates, cems_points} of codes). */
export function plantContext(source) {
  const codes = (list, key) => (list || []).map((entry) => (typeof entry === "string" ? entry : entry[key]));
  return {
    lines: codes(source && source.lines, "code"),
    gates: codes(source && source.gates, "code"),
    cems_points: codes(source && source.cems_points, "mn"),
  };
}

// ---- the validator (validator.py) -------------------------------------------------------------

class Run {
  constructor(form, context) {
    this.form = form;
    this.ref = `${form.id} v${form.version}`;
    this.out = [];
    this.registries = plantContext(context);
  }

  level(items, answers, path, outer) {
    const out = this.out;
    const shown = new Map();
    for (const [itemId, item] of items) {
      const value = get(answers, itemId);
      if (item.conditions.length && !this.shown(item, value, path, shown, outer)) continue;
      if (value === null) {
        const over = item.over ?? null;
        if (item.required && (over === null || this.registries[over].length)) {
          out.push(problem(`${path}.${itemId}`, "answer.required"));
        }
        continue;
      }
      shown.set(itemId, value);
      if ((item.over ?? null) !== null) this.repeat(item, value, `${path}.${itemId}`, shown);
      else CHECKS[item.kind](item, value, `${path}.${itemId}`, out);
    }
    const keys = Object.keys(answers);
    if (keys.length > shown.size) {
      for (const key of keys) {
        if (!items.has(key)) {
          out.push(problem(`${path}.${key}`, "answer.unknown_item", { form: this.ref, item: key }));
        }
      }
    }
  }

  shown(item, value, path, shown, outer) {
    for (const cond of item.conditions) {
      const ref = cond.item;
      const answer = shown.has(ref) ? shown.get(ref) : outer.has(ref) ? outer.get(ref) : null;
      if (!holds(cond, answer)) {
        if (value !== null) {
          this.out.push(problem(`${path}.${item.id}`, "answer.hidden", { condition: describe(cond) }));
        }
        return false;
      }
    }
    return true;
  }

  repeat(group, value, path, outer) {
    if (!isMapping(value)) {
      this.out.push(wrongType(path, "以登记编号为键的对象", "an object keyed by registry code"));
      return;
    }
    const keys = this.registries[group.over];
    const [zh, en] = REGISTRY_NAMES[group.over];
    for (const key of Object.keys(value)) {
      const entry = value[key];
      const entryPath = `${path}.${key}`;
      if (!keys.includes(key)) {
        this.out.push(problem(entryPath, "repeat.unknown_key", { key, registry_zh: zh, registry_en: en }));
      } else if (!isMapping(entry)) {
        this.out.push(wrongType(entryPath, "以题目编号为键的对象", "an object keyed by item id"));
      } else {
        this.level(group.itemIndex, entry, entryPath, outer);
      }
    }
    if (group.required) {
      for (const key of keys) {
        if (!has(value, key)) {
          this.out.push(
            problem(`${path}.${key}`, "repeat.missing_key", { key, registry_zh: zh, registry_en: en }),
          );
        }
      }
    }
  }
}

/**
 * Every problem of `doc` against the pinned `form` (Form.to_dict()); [] means valid.
 * `context`: the assignment document, or {lines, gates, cems_points} lists of codes.
 */
export function validateInspection(form, doc, context) {
  if (!isMapping(doc)) return [problem("", "document.wrong_type")];
  const gotId = get(doc, "form_id");
  const gotVersion = get(doc, "form_version");
  if (gotId !== form.id || !Number.isInteger(gotVersion) || gotVersion !== form.version) {
    const path = gotId !== form.id ? "form_id" : "form_version";
    const got = `${pyStr(gotId)} v${pyStr(gotVersion)}`;
    return [problem(path, "form.mismatch", { got, expected: `${form.id} v${form.version}` })];
  }
  const answers = get(doc, "answers");
  if (!isMapping(answers)) return [wrongType("answers", "以题目编号为键的对象", "an object keyed by item id")];
  const run = new Run(form, context);
  run.level(prepare(form), answers, "answers", new Map());
  return run.out;
}

/**
 * As the server's FormCatalogue.validate: find the version the document pins among `forms`
 * (the form versions the tablet holds) and validate against it; an unknown form or version is
 * a problem. The server knows every version; the tablet only those it was sent.
 */
export function validateWithForms(forms, doc, context) {
  if (!isMapping(doc)) return [problem("", "document.wrong_type")];
  const formId = get(doc, "form_id");
  const version = get(doc, "form_version");
  if (typeof formId !== "string") return [problem("form_id", "document.invalid", { field: "form_id" })];
  if (!Number.isInteger(version)) return [problem("form_version", "document.invalid", { field: "form_version" })];
  const versions = forms.filter((f) => f.id === formId);
  if (!versions.length) return [problem("form_id", "form.unknown", { form_id: formId })];
  const form = versions.find((f) => f.version === version);
  if (!form) {
    const known = versions
      .map((f) => f.version)
      .sort((a, b) => a - b)
      .join(", ");
    return [problem("form_version", "form.unknown_version", { form_id: formId, version, known })];
  }
  return validateInspection(form, doc, context);
}
