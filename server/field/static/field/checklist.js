// The checklist, rendered from the pinned form version (the `form:` document that came with
// the assignment): every item kind, conditions, repeat groups over the plant's lines, gates
// and CEMS points, units and ranges, photo items with their counts.
import { pick, problemText, t } from './i18n.js';

export function holds(condition, answer) {
  if (answer === null || answer === undefined) return false;
  if ('equals' in condition) {
    if (typeof answer === 'boolean' || typeof condition.equals === 'boolean') return answer === condition.equals;
    return answer === condition.equals;
  }
  if ('one_of' in condition) return typeof answer === 'string' && condition.one_of.includes(answer);
  if ('includes' in condition) return Array.isArray(answer) && answer.includes(condition.includes);
  return true; // answered
}

// Top-level items with the section condition they inherit.
export function topItems(form) {
  const out = [];
  for (const section of form.sections) {
    for (const item of section.items) out.push({ section, item, conditions: [section.show_if, item.show_if].filter(Boolean) });
  }
  return out;
}

export function registries(assignment) {
  return {
    lines: (assignment.lines || []).map((l) => ({ code: l.code, name: l.name })),
    gates: (assignment.gates || []).map((g) => ({ code: g.code, name: g.name })),
    cems_points: (assignment.cems_points || []).map((c) => ({ code: c.mn, name: c.name })),
  };
}

function shownAt(conditions, shown, outer) {
  return conditions.every((c) => holds(c, c.item in shown ? shown[c.item] : outer[c.item]));
}

// The answers without those of hidden items (an answer to a hidden item is refused).
export function prune(form, answers, regs) {
  const walk = (entries, values, outer) => {
    const shown = {};
    const out = {};
    for (const { item, conditions } of entries) {
      const value = values[item.id];
      if (value === undefined || value === null) continue;
      if (!shownAt(conditions, shown, outer)) continue;
      shown[item.id] = value;
      if (item.kind === 'repeat' && value && typeof value === 'object') {
        const inner = item.items.map((i) => ({ item: i, conditions: i.show_if ? [i.show_if] : [] }));
        const group = {};
        for (const [key, entry] of Object.entries(value)) group[key] = walk(inner, entry || {}, shown);
        out[item.id] = group;
      } else {
        out[item.id] = value;
      }
    }
    return out;
  };
  return walk(topItems(form), answers || {}, {});
}

export function conditionSources(form) {
  const ids = new Set();
  const visit = (item) => {
    if (item.show_if) ids.add(item.show_if.item);
    (item.items || []).forEach(visit);
  };
  for (const section of form.sections) {
    if (section.show_if) ids.add(section.show_if.item);
    section.items.forEach(visit);
  }
  return ids;
}

export function getAt(answers, parts) {
  let node = answers;
  for (const part of parts) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

export function setAt(answers, parts, value) {
  let node = answers;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {};
    node = node[part];
  }
  const last = parts[parts.length - 1];
  if (value === undefined || value === null || value === '') delete node[last];
  else node[last] = value;
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
export { h };

// Local ISO 8601 with the tablet's UTC offset, as the forms want it.
export function isoWithOffset(date = new Date()) {
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

function fromLocalInput(value) {
  if (!value) return undefined;
  return isoWithOffset(new Date(value));
}

function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function numberOrText(raw) {
  if (raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

function rangeHint(item) {
  const has = (v) => v !== undefined && v !== null;
  if (has(item.min) && has(item.max)) return t('form.range', { min: item.min, max: item.max });
  if (has(item.min)) return t('form.min', { min: item.min });
  if (has(item.max)) return t('form.max', { max: item.max });
  return '';
}

// Renders the checklist into `root`. ctx: {form, assignment, answers, photos (id -> doc),
// photoState(id) -> {status, problems}, locked, owner, onChange(parts, value, rerender),
// onPhotos(parts, files), onRemovePhoto(parts, id)}.
export function renderChecklist(root, ctx) {
  const regs = registries(ctx.assignment);
  const sources = conditionSources(ctx.form);
  const answers = ctx.answers;
  root.replaceChildren();
  const shownTop = {};
  let currentSection = null;
  let sectionNode = null;
  for (const { section, item, conditions } of topItems(ctx.form)) {
    if (section !== currentSection) {
      currentSection = section;
      sectionNode = h('section', { class: 'card form-section', 'data-section': section.id }, h('h2', {}, pick(section.title)));
      root.append(sectionNode);
    }
    const visible = shownAt(conditions, shownTop, {});
    const value = answers[item.id];
    if (visible && value !== undefined && value !== null) shownTop[item.id] = value;
    if (!visible) continue;
    sectionNode.append(renderItem(item, [item.id], ctx, regs, sources, shownTop));
  }
  for (const node of root.querySelectorAll('section.form-section')) {
    if (!node.querySelector('.item')) node.hidden = true;
  }
}

function renderItem(item, parts, ctx, regs, sources, outer) {
  const path = `answers.${parts.join('.')}`;
  const value = getAt(ctx.answers, parts);
  const change = (v) => ctx.onChange(parts, v, sources.has(item.id));
  const wrap = h('div', { class: `item kind-${item.kind}`, 'data-path': path, 'data-item': item.id });
  const head = h('div', { class: 'item-head' },
    h('span', { class: 'item-label' }, pick(item.label)),
    h('span', { class: item.required ? 'req' : 'opt' }, item.required ? t('form.required') : t('form.optional')));
  wrap.append(head);
  if (item.help) wrap.append(h('p', { class: 'muted small' }, pick(item.help)));
  const criterion = ctx.grade ? criterionFor(item, ctx.grade) : null;
  if (criterion) {
    wrap.append(h('p', { class: 'criterion small', 'data-testid': 'criterion' },
      t('form.criterion', { grade: ctx.grade, rule: pick(criterion.label) })));
  }
  const disabled = ctx.locked;
  const name = `f-${parts.join('-')}`;
  switch (item.kind) {
    case 'yes_no':
      wrap.append(h('div', { class: 'choices' },
        [[true, t('form.yes')], [false, t('form.no')]].map(([v, label]) => h('label', { class: 'choice' },
          h('input', { type: 'radio', name, value: String(v), checked: value === v, disabled, onchange: () => change(v) }), label))));
      break;
    case 'single_choice':
      wrap.append(h('div', { class: 'choices' }, item.options.map((o) => h('label', { class: 'choice' },
        h('input', { type: 'radio', name, value: o.code, checked: value === o.code, disabled, onchange: () => change(o.code) }), pick(o.label)))));
      break;
    case 'multiple_choice': {
      const chosen = new Set(Array.isArray(value) ? value : []);
      wrap.append(h('div', { class: 'choices' }, item.options.map((o) => h('label', { class: 'choice' },
        h('input', {
          type: 'checkbox', name, value: o.code, checked: chosen.has(o.code), disabled,
          onchange: (e) => {
            if (e.target.checked) chosen.add(o.code); else chosen.delete(o.code);
            change(item.options.map((x) => x.code).filter((c) => chosen.has(c)));
          },
        }), pick(o.label)))));
      break;
    }
    case 'number':
      wrap.append(h('div', { class: 'row' },
        h('input', { type: 'number', step: 'any', inputmode: 'decimal', name, value: value ?? '', disabled, oninput: (e) => change(numberOrText(e.target.value)) }),
        h('span', { class: 'unit' }, item.unit || ''), h('span', { class: 'muted small' }, rangeHint(item))));
      break;
    case 'text':
      wrap.append(h('textarea', { name, rows: 2, disabled, oninput: (e) => change(e.target.value === '' ? undefined : e.target.value) }, value ?? ''));
      break;
    case 'date':
      wrap.append(h('input', { type: 'date', name, value: value ?? '', disabled, onchange: (e) => change(e.target.value || undefined) }));
      break;
    case 'datetime': {
      const input = h('input', { type: 'datetime-local', name, value: toLocalInput(value), disabled, onchange: (e) => change(fromLocalInput(e.target.value)) });
      wrap.append(h('div', { class: 'row' }, input, disabled ? null : h('button', {
        type: 'button', class: 'now', disabled,
        onclick: () => { const now = isoWithOffset(); input.value = toLocalInput(now); change(now); },
      }, t('form.now'))));
      break;
    }
    case 'attestation':
      wrap.append(h('p', { class: 'statement' }, pick(item.statement)));
      wrap.append(h('label', { class: 'choice' }, h('input', {
        type: 'checkbox', name, checked: Boolean(value && value.attested), disabled,
        onchange: (e) => change(e.target.checked ? { attested: true, by: ctx.owner, at: isoWithOffset() } : undefined),
      }), t('form.attest')));
      break;
    case 'photo':
      wrap.append(h('p', { class: 'muted small' }, t('form.photo_count', { min: item.min_count ?? 1, max: item.max_count })));
      wrap.append(photoList(Array.isArray(value) ? value : [], parts, ctx));
      if (!disabled) wrap.append(photoInput(parts, ctx, true));
      break;
    case 'meter': {
      const reading = value && typeof value === 'object' ? value : {};
      const update = (key, v) => {
        const next = { ...reading };
        if (v === undefined || v === '') delete next[key]; else next[key] = v;
        if (next.value === undefined && !next.meter_id && !next.photo) return change(undefined);
        next.unit = item.unit;
        Object.assign(reading, next);
        for (const key2 of Object.keys(reading)) if (!(key2 in next)) delete reading[key2];
        return change({ ...next });
      };
      wrap.append(h('div', { class: 'row' },
        h('label', {}, t('form.reading'), h('span', { class: 'row' },
          h('input', { type: 'number', step: 'any', inputmode: 'decimal', name: `${name}-value`, value: reading.value ?? '', disabled, oninput: (e) => update('value', numberOrText(e.target.value)) }),
          h('span', { class: 'unit' }, item.unit))),
        h('label', {}, t('form.meter_id'), h('input', { type: 'text', name: `${name}-meter`, value: reading.meter_id ?? '', disabled, oninput: (e) => update('meter_id', e.target.value || undefined) }))));
      wrap.append(h('span', { class: 'muted small' }, rangeHint(item)));
      if (item.photo_required !== false || reading.photo) {
        wrap.append(h('p', { class: 'muted small' }, t('form.meter_photo')));
        wrap.append(photoList(reading.photo ? [reading.photo] : [], parts, ctx));
        if (!reading.photo && !disabled) wrap.append(photoInput(parts, ctx, false));
      }
      break;
    }
    case 'repeat': {
      const entries = regs[item.over] || [];
      if (!entries.length) wrap.append(h('p', { class: 'muted small' }, t('a.none')));
      const group = value && typeof value === 'object' ? value : {};
      for (const entry of entries) {
        const box = h('fieldset', { class: 'repeat-entry', 'data-path': `${path}.${entry.code}` },
          h('legend', {}, `${t(`registry.${item.over}`)} ${entry.code}${entry.name && entry.name !== entry.code ? ` · ${entry.name}` : ''}`));
        const values = group[entry.code] || {};
        const shown = {};
        for (const inner of item.items) {
          const conds = inner.show_if ? [inner.show_if] : [];
          if (!shownAt(conds, shown, outer)) continue;
          const v = values[inner.id];
          if (v !== undefined && v !== null) shown[inner.id] = v;
          box.append(renderItem(inner, [...parts, entry.code, inner.id], ctx, regs, sources, outer));
        }
        wrap.append(box);
      }
      break;
    }
    default:
      wrap.append(h('p', { class: 'alert' }, item.kind));
  }
  wrap.append(h('div', { class: 'problems', 'data-testid': 'item-problems' }));
  return wrap;
}

// The rule for the claimed grade: one naming the grade wins over the one for every grade.
export function criterionFor(item, grade) {
  let fallback = null;
  for (const criterion of item.criteria || []) {
    if (criterion.grades.includes(grade)) return criterion;
    if (criterion.grades.includes('*')) fallback = criterion;
  }
  return fallback;
}

// The grade a form's answers are judged at: the claim of the industry it is for (the main
// industry's for a form for every industry).
export function claimedGrade(form, assignment) {
  const cases = assignment.cases || [];
  const industries = form.industries || [];
  const match = industries.includes('*')
    ? cases.find((c) => c.is_main) || cases[0]
    : cases.find((c) => industries.includes(c.industry_code));
  return match ? match.claimed_grade : null;
}

function photoList(ids, parts, ctx) {
  const list = h('ul', { class: 'photos' });
  for (const id of ids) {
    const state = ctx.photoState(id);
    const url = ctx.photoUrl(id);
    const li = h('li', { class: `photo ${state.status || ''}`, 'data-photo': id },
      url ? h('img', { src: url, alt: '' }) : null,
      h('span', { class: 'small' }, state.label || ''),
      ctx.locked ? null : h('button', { type: 'button', class: 'link-dark', onclick: () => ctx.onRemovePhoto(parts, id) }, t('form.remove')));
    for (const problem of state.problems || []) li.append(h('p', { class: 'alert small' }, t('form.photo_rejected', { reason: problemText(problem) })));
    list.append(li);
  }
  return list;
}

// The camera (`capture`) or the files; the label is the button, the browser's own control hidden.
function photoInput(parts, ctx, multiple) {
  return h('label', { class: 'photo-input button' }, t('form.add_photo'), h('input', {
    type: 'file', accept: 'image/jpeg,image/heic,image/heif', capture: 'environment', multiple, class: 'visually-hidden',
    'data-testid': 'photo-input',
    onchange: (e) => { const files = [...e.target.files]; e.target.value = ''; ctx.onPhotos(parts, files); },
  }));
}

// Where a problem's path belongs: the deepest element whose data-path is a prefix of it.
export function placeProblems(root, problems) {
  for (const node of root.querySelectorAll('.problems')) node.replaceChildren();
  const nodes = [...root.querySelectorAll('[data-path]')];
  const unplaced = [];
  for (const problem of problems) {
    let best = null;
    for (const node of nodes) {
      const p = node.dataset.path;
      if (problem.path === p || problem.path.startsWith(`${p}.`) || problem.path.startsWith(`${p}[`)) {
        if (!best || p.length > best.dataset.path.length) best = node;
      }
    }
    const item = best ? (best.classList.contains('item') ? best : best.closest('.item')) : null;
    const target = item ? item.querySelector(':scope > .problems') : null;
    const message = problemText(problem);
    if (target) {
      let text = message;
      if (best && best.tagName === 'FIELDSET') text = `${best.querySelector('legend').textContent}：${message}`;
      target.append(h('p', { class: 'alert small', 'data-code': problem.code }, text));
      item.classList.add('has-problem');
    } else {
      unplaced.push(message);
    }
  }
  return unplaced;
}

// A person's name for a problem's place: the item's label (and the registry entry's).
export function placeName(root, problem) {
  let best = null;
  for (const node of root.querySelectorAll('[data-path]')) {
    const p = node.dataset.path;
    if ((problem.path === p || problem.path.startsWith(`${p}.`) || problem.path.startsWith(`${p}[`)) && (!best || p.length > best.dataset.path.length)) best = node;
  }
  if (!best) return '';
  const item = best.classList.contains('item') ? best : best.closest('.item');
  const label = item ? item.querySelector('.item-label').textContent : '';
  const entry = best.closest('fieldset.repeat-entry');
  return entry ? `${entry.querySelector('legend').textContent} · ${label}` : label;
}
