// The field app: sign in once online, then work offline. Views: sign-in, assignments, one
// assignment (site map, registry, claims, checklists), one checklist. docs/field-app.md.
import { chinaTime, lang, pick, problemText, setLang, t } from './i18n.js';
import { boundaryToWgs84, signedDistance, siteMap } from './geo.js';
import { claimedGrade, h, isoWithOffset, placeName, placeProblems, prune, renderChecklist, setAt, getAt } from './checklist.js';
import { Sync, deviceId, localDb, markDirty, session, signIn, signOut } from './store.js';
import { validateInspection } from './validator.js';
import { fitToLimits } from './photos.js';

// The server's photo limits as the assignment document states them (`photo_limits`,
// docs/sync.md); these defaults (the same values) serve an assignment pushed before that.
const DEFAULT_LIMITS = { max_photo_bytes: 15 * 1024 * 1024, max_photo_pixels: 64000000 };
const PHOTO_TYPES = ['image/jpeg', 'image/heic', 'image/heif'];

const app = {
  session: null,
  db: null,
  sync: null,
  position: null,
  watch: null,
  signOutArmed: false,
  view: null,
};
window.fieldApp = app; // for the browser test and the benchmark: state, never secrets

const main = () => document.getElementById('main');

function translateFrame() {
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  document.title = `${t('app.title')} · ${t('app.subtitle')}`;
}

function renderNav() {
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  if (app.session) {
    nav.append(h('a', { href: '#/' }, t('nav.assignments')));
    nav.append(h('span', { class: 'who', 'data-testid': 'viewer' }, app.session.user.display_name));
    nav.append(h('button', { type: 'button', class: 'link', 'data-testid': 'sign-out', onclick: onSignOut }, t('nav.sign_out')));
  }
  nav.append(h('button', {
    type: 'button', class: 'link lang', 'data-testid': 'lang',
    onclick: () => { setLang(lang() === 'zh' ? 'en' : 'zh'); translateFrame(); renderNav(); renderStatus(); route(); },
  }, t('lang.switch')));
}

function renderStatus(status = app.sync ? app.sync.status() : null) {
  const bar = document.getElementById('status');
  bar.replaceChildren();
  if (!status) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  bar.dataset.state = status.state;
  const parts = [];
  if (status.state === 'offline') parts.push(t('status.offline'));
  else if (status.state === 'syncing') parts.push(t('status.syncing'));
  else parts.push(t('status.online'));
  parts.push(status.pending ? t('status.pending', { n: status.pending }) : t('status.none_pending'));
  parts.push(status.syncedAt ? t('status.last', { time: chinaTime(status.syncedAt) }) : t('status.never'));
  bar.append(h('span', { 'data-testid': 'sync-summary' }, parts.join(' · ')));
  if (status.error && status.state !== 'offline') {
    bar.append(h('span', { class: 'sync-error', 'data-testid': 'sync-error' }, t('status.error', { reason: status.error })));
    if (status.expired) {
      // The same inspector signs in again; the tablet's data stays.
      bar.append(h('button', { type: 'button', class: 'link-dark', 'data-testid': 'sign-in-again', onclick: () => showSignIn() }, t('signin.again')));
    }
  }
}

// ---- sign-in and out

function showSignIn(message) {
  app.view = { kind: 'sign-in' }; // kept on screen whatever the sync brings meanwhile
  const form = h('form', { class: 'card signin', 'data-testid': 'sign-in' },
    h('h1', {}, t('signin.title')),
    h('p', { class: 'muted' }, t('signin.who')),
    message ? h('p', { class: 'alert', 'data-testid': 'sign-in-error' }, message) : null,
    h('label', {}, t('signin.username'), h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, t('signin.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      app.session = await signIn(data.get('username'), data.get('password'));
    } catch (err) {
      showSignIn(err.message);
      return;
    }
    await startSession();
    location.hash = '#/';
    route();
  });
  main().replaceChildren(h('div', { class: 'narrow-box' }, form));
}

async function startSession() {
  if (app.sync) await app.sync.stop();
  app.db = localDb(app.session.user);
  app.sync = new Sync(app.session, app.db, (status) => renderStatus(status), () => scheduleRender());
  renderNav();
  app.sync.start();
}

async function onSignOut() {
  const pending = app.sync ? app.sync.status().pending : 0;
  if (pending && !app.signOutArmed) {
    app.signOutArmed = true;
    main().prepend(h('p', { class: 'caution', 'data-testid': 'sign-out-warning' }, t('signout.pending', { n: pending })));
    return;
  }
  app.signOutArmed = false;
  await signOut(app.session, app.sync);
  app.session = null;
  app.sync = null;
  app.db = null;
  renderNav();
  renderStatus(null);
  location.hash = '#/';
  showSignIn();
}

// ---- data

async function docsOfType(type, binary = false) {
  const result = await app.db.allDocs({
    include_docs: true, attachments: binary, binary, startkey: `${type}:`, endkey: `${type}:\ufff0`,
  });
  return result.rows.map((row) => row.doc).filter((doc) => doc && doc.type === type);
}

async function getDoc(id) {
  try {
    return await app.db.get(id);
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

function owner() {
  return `user:${app.session.user.id}`;
}

async function inspectionFor(assignmentId, formId) {
  const all = await docsOfType('inspection');
  return all.find((d) => d.assignment_id === assignmentId && d.form_id === formId && d.owner === owner()) || null;
}

// The server's answer for this revision of a device document, or null while it has none.
function feedbackFor(feedback, doc) {
  if (!feedback || !doc) return null;
  if (feedback.about && feedback.about.rev === doc._rev) return feedback;
  for (const entry of feedback.revisions || []) if (entry.rev === doc._rev) return { ...feedback, ...entry };
  return null;
}

function inspectionState(doc, feedback) {
  if (!doc) return 'new';
  const answer = feedbackFor(feedback, doc);
  if (answer && answer.status !== 'received') return answer.status;
  return doc.status === 'submitted' ? 'submitted' : 'draft';
}

// ---- views

let renderTimer = null;
function scheduleRender() {
  if (!app.view || app.view.kind === 'sign-in') return;
  if (app.view && app.view.kind === 'checklist') {
    clearTimeout(renderTimer);
    renderTimer = setTimeout(() => refreshChecklistFeedback(), 150);
    return;
  }
  clearTimeout(renderTimer);
  renderTimer = setTimeout(() => route(), 150);
}

function windowText(a) {
  return `${chinaTime(a.assignment.window_start)} – ${chinaTime(a.assignment.window_end)}`;
}

function teamText(a) {
  return (a.team || []).map((m) => (m.is_lead ? `${m.display_name}（${t('list.lead')}）` : m.display_name)).join('、');
}

async function showList() {
  const view = { kind: 'list' };
  app.view = view;
  const assignments = (await docsOfType('assignment')).filter((a) => !a._deleted)
    .sort((x, y) => x.assignment.window_start.localeCompare(y.assignment.window_start));
  if (app.view !== view) return; // another view was opened meanwhile
  const list = h('div', { 'data-testid': 'assignments' });
  if (!assignments.length) list.append(h('p', { class: 'hint', 'data-testid': 'no-assignments' }, t('list.empty')));
  for (const a of assignments) {
    list.append(h('a', { class: 'card assignment', href: `#/a/${a.assignment.id}`, 'data-assignment': a.assignment.id },
      h('h2', {}, a.enterprise.name, h('small', { class: 'muted' }, ` · ${a.site.name}`)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('list.address')), h('dd', {}, a.site.address || ''),
        h('dt', {}, t('list.window')), h('dd', { 'data-testid': 'window' }, windowText(a)),
        h('dt', {}, t('list.team')), h('dd', { 'data-testid': 'team' }, teamText(a)))));
  }
  main().replaceChildren(h('div', { class: 'page-head' }, h('h1', {}, t('list.title'))), list);
}

function registryTable(title, rows) {
  return h('div', { class: 'card' }, h('h2', {}, title),
    rows.length ? h('ul', { class: 'plain' }, rows.map((r) => h('li', {}, r))) : h('p', { class: 'muted' }, t('a.none')));
}

function startWatchingPosition(onUpdate) {
  if (app.watch !== null || !navigator.geolocation) return;
  app.watch = navigator.geolocation.watchPosition((p) => {
    app.position = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy, at: isoWithOffset(new Date(p.timestamp)) };
    onUpdate();
  }, () => {}, { enableHighAccuracy: true, maximumAge: 10000 });
}

async function showAssignment(id) {
  const a = await getDoc(`assignment:${id}`);
  if (!a) return showList();
  const view = { kind: 'assignment', id };
  app.view = view;
  const boundary = boundaryToWgs84(a.site.boundary, a.site.datum);
  const mapBox = h('div', { class: 'card', 'data-testid': 'site-map' }, h('h2', {}, t('a.map')));
  const drawMap = () => {
    mapBox.replaceChildren(h('h2', {}, t('a.map')));
    if (!boundary.flat().length) {
      mapBox.append(h('p', { class: 'muted' }, t('a.map.none')));
      return;
    }
    mapBox.append(siteMap(boundary, app.position));
    if (app.position) {
      const d = signedDistance(app.position.lon, app.position.lat, boundary);
      mapBox.append(h('p', { class: 'small', 'data-testid': 'position' },
        t('a.map.here', { m: Math.round(app.position.accuracy_m) }), ' · ',
        d !== null && d <= 0 ? t('a.map.inside') : t('a.map.outside', { m: Math.round(d) })));
    } else {
      mapBox.append(h('p', { class: 'muted small' }, t('a.map.nowhere')));
    }
  };
  drawMap();
  startWatchingPosition(() => { if (app.view && app.view.kind === 'assignment') drawMap(); });
  const forms = h('div', { class: 'card', 'data-testid': 'forms' }, h('h2', {}, t('a.forms')));
  const pinnedForms = [];
  for (const pin of a.forms || []) {
    const form = await getDoc(`form:${pin.form_id}:${pin.version}`);
    if (form) pinnedForms.push(form.form);
    const doc = await inspectionFor(a.assignment.id, pin.form_id);
    const feedback = doc ? await getDoc(`feedback:${doc._id}`) : null;
    const state = inspectionState(doc, feedback);
    forms.append(h('div', { class: 'form-row', 'data-form': pin.form_id },
      h('a', { href: `#/a/${id}/f/${pin.form_id}/${pin.version}`, class: 'button' }, form ? pick(form.form.title) : pin.form_id),
      h('span', { class: `state state-${state}`, 'data-testid': 'form-state' }, t(`state.${state}`))));
  }
  const claims = [];
  const names = indicatorNames(pinnedForms);
  for (const c of a.cases || []) {
    for (const claim of c.claims || []) {
      const name = names.get(claim.indicator_code);
      claims.push(h('li', { 'data-indicator': claim.indicator_code },
        h('strong', {}, name ? pick(name) : claim.statement || claim.indicator_code),
        claim.claimed_value ? ` — ${claimedValue(claim.claimed_value)}` : '',
        claim.statement && name ? h('span', { class: 'muted' }, `（${claim.statement}）`) : ''));
    }
  }
  const grades = (a.cases || []).map((c) => t('a.claimed_grade', { grade: c.claimed_grade })).join('；');
  if (app.view !== view) return undefined; // another view was opened meanwhile
  main().replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { 'data-testid': 'plant' }, a.enterprise.name), h('span', { class: 'muted' }, `${a.site.name} · ${a.site.address || ''}`)),
    h('p', {}, `${t('list.window')}：${windowText(a)} · ${t('list.team')}：${teamText(a)}`),
    forms,
    h('div', { class: 'grid-2' },
      mapBox,
      h('div', {},
        registryTable(t('a.lines'), (a.lines || []).map((l) => `${l.code} · ${l.name}${l.stops_in_alert ? `（${t('a.stops_in_alert')}）` : ''}`)),
        registryTable(t('a.gates'), (a.gates || []).map((g) => `${g.code} · ${g.name}`)),
        registryTable(t('a.cems'), (a.cems_points || []).map((c) => `${c.mn} · ${c.name}${c.pollutants && c.pollutants.length ? `（${c.pollutants.join('、')}）` : ''}`)))),
    h('div', { class: 'card', 'data-testid': 'claims' }, h('h2', {}, t('a.claims')), h('p', { class: 'muted' }, grades),
      claims.length ? h('ul', {}, claims) : h('p', { class: 'muted' }, t('a.none'))),
  );
  return undefined;
}

// An indicator's name: the label of the first item of the pinned forms that verifies it.
function indicatorNames(forms) {
  const names = new Map();
  for (const form of forms) {
    for (const section of form.sections) {
      for (const item of section.items) {
        for (const each of [item, ...(item.items || [])]) {
          if (each.indicator && !names.has(each.indicator)) names.set(each.indicator, each.label);
        }
      }
    }
  }
  return names;
}

function claimedValue(value) {
  if (value === 'yes' || value === true) return t('form.yes');
  if (value === 'no' || value === false) return t('form.no');
  return String(value);
}

// ---- the checklist

async function showChecklist(id, formId, version) {
  const started = performance.now();
  const opening = { kind: 'opening' };
  app.view = opening;
  const a = await getDoc(`assignment:${id}`);
  const formDoc = await getDoc(`form:${formId}:${version}`);
  if (!a || !formDoc) return showAssignment(id);
  const form = formDoc.form;
  let doc = await inspectionFor(a.assignment.id, formId);
  if (!doc) {
    doc = {
      _id: `inspection:${crypto.randomUUID()}`, type: 'inspection', schema_version: 1, owner: owner(),
      device_id: deviceId(), assignment_id: a.assignment.id, form_id: form.id, form_version: form.version,
      status: 'draft', started_at: isoWithOffset(), answers: {},
    };
  }
  if (app.view !== opening) return undefined; // another view was opened meanwhile
  const view = { kind: 'checklist', id, formId, a, form, doc, problems: [], photoDocs: new Map(), urls: new Map(), saving: Promise.resolve() };
  app.view = view;
  for (const photo of await docsOfType('photo', true)) if (photo.inspection_id === doc._id) view.photoDocs.set(photo._id, photo);
  const head = h('div', { class: 'page-head' },
    h('h1', {}, pick(form.title)),
    h('a', { href: `#/a/${id}` }, t('form.back')));
  const banner = h('div', { 'data-testid': 'form-banner' });
  const summary = h('div', { 'data-testid': 'problem-summary' });
  const body = h('div', { class: 'checklist', 'data-testid': 'checklist' });
  const saved = h('p', { class: 'muted small', 'data-testid': 'saved' });
  const submit = h('button', { type: 'button', class: 'primary', 'data-testid': 'submit', onclick: () => onSubmit(view) }, t('form.submit'));
  view.nodes = { banner, summary, body, saved, submit };
  main().replaceChildren(head, h('p', { class: 'muted' }, `${a.enterprise.name} · ${a.site.name}`), banner, summary, body, h('div', { class: 'actions' }, submit, saved));
  await refreshChecklistFeedback(true);
  view.interactiveMs = performance.now() - started;
  document.body.dataset.checklistReady = String(view.interactiveMs);
  return undefined;
}

function locked(view) {
  const state = inspectionState(view.doc._rev ? view.doc : null, view.feedback);
  return ['submitted', 'accepted', 'kept', 'quarantined', 'withdrawn'].includes(state);
}

function photoUrl(view, id) {
  if (view.urls.has(id)) return view.urls.get(id);
  const photo = view.photoDocs.get(id);
  const attachment = photo && photo._attachments ? Object.values(photo._attachments)[0] : null;
  if (!attachment || !(attachment.data instanceof Blob)) return null;
  const url = URL.createObjectURL(attachment.data);
  view.urls.set(id, url);
  return url;
}

function photoState(view, id) {
  const photo = view.photoDocs.get(id);
  const answer = feedbackFor(view.photoFeedback.get(id), photo);
  if (answer && answer.status === 'rejected') return { status: 'rejected', label: t('state.rejected'), problems: answer.problems || [] };
  if (answer && answer.status === 'accepted') return { status: 'accepted', label: t('form.photo_accepted') };
  return { status: 'waiting', label: t('form.photo_waiting') };
}

function draw(view) {
  const y = window.scrollY;
  renderChecklist(view.nodes.body, {
    form: view.form,
    assignment: view.a,
    grade: claimedGrade(view.form, view.a),
    answers: view.doc.answers,
    owner: owner(),
    locked: locked(view),
    photoUrl: (id) => photoUrl(view, id),
    photoState: (id) => photoState(view, id),
    onChange: (parts, value, rerender) => onChange(view, parts, value, rerender),
    onPhotos: (parts, files) => onPhotos(view, parts, files),
    onRemovePhoto: (parts, id) => onRemovePhoto(view, parts, id),
  });
  view.nodes.submit.hidden = locked(view);
  showProblems(view);
  window.scrollTo(0, y);
}

async function refreshChecklistFeedback(first = false) {
  const view = app.view;
  if (!view || view.kind !== 'checklist') return;
  const current = view.doc._rev ? await getDoc(view.doc._id) : null;
  if (current && !first && current._rev !== view.doc._rev && !view.dirty) view.doc = current;
  view.feedback = view.doc._rev ? await getDoc(`feedback:${view.doc._id}`) : null;
  view.photoFeedback = new Map();
  for (const photoId of view.photoDocs.keys()) view.photoFeedback.set(photoId, await getDoc(`feedback:${photoId}`));
  const state = inspectionState(view.doc._rev ? view.doc : null, view.feedback);
  const answer = feedbackFor(view.feedback, view.doc);
  view.serverProblems = state === 'rejected' || state === 'kept' ? (answer.problems || []) : [];
  const banner = view.nodes.banner;
  banner.replaceChildren(h('p', { class: `state-banner state-${state}`, 'data-testid': 'form-state' }, t(`state.${state}`)));
  if (view.serverProblems.length) banner.append(h('p', { class: 'alert' }, t('form.server_problems')));
  if (first || !view.drawn || view.lockedDrawn !== locked(view) || state === 'accepted' || state === 'rejected') {
    draw(view);
    view.drawn = true;
    view.lockedDrawn = locked(view);
  } else {
    showProblems(view);
  }
}

function showProblems(view) {
  const problems = [...(view.problems || []), ...(view.serverProblems || [])];
  const photoProblems = [];
  for (const [id, photo] of view.photoDocs) {
    const state = photoState(view, id);
    if (state.status === 'rejected') for (const p of state.problems) photoProblems.push({ ...p, path: `answers.${photo.item}` });
  }
  const all = [...problems, ...photoProblems];
  const unplaced = placeProblems(view.nodes.body, all);
  const summary = view.nodes.summary;
  summary.replaceChildren();
  if (view.problems && view.problems.length) {
    summary.append(h('div', { class: 'alert', 'data-testid': 'validation-problems' },
      h('p', {}, t('form.problems', { n: view.problems.length })),
      h('ul', {}, view.problems.map((p) => h('li', {}, `${placeName(view.nodes.body, p)}：${problemText(p)}`)))));
  }
  for (const message of unplaced) summary.append(h('p', { class: 'alert' }, message));
}

function save(view) {
  view.dirty = true;
  view.saving = view.saving.then(async () => {
    const doc = view.doc;
    doc.answers = prune(view.form, doc.answers, registriesOf(view));
    const answer = await app.db.put(doc);
    doc._rev = answer.rev;
    markDirty(doc._id);
    view.dirty = false;
    view.nodes.saved.textContent = t('form.saved', { time: chinaTime(new Date().toISOString(), false) });
  });
  return view.saving;
}

function registriesOf(view) {
  return {
    lines: (view.a.lines || []).map((l) => l.code),
    gates: (view.a.gates || []).map((g) => g.code),
    cems_points: (view.a.cems_points || []).map((c) => c.mn),
  };
}

function onChange(view, parts, value, rerender) {
  if (view.doc.status === 'submitted') view.doc.status = 'draft'; // editing after a rejection
  delete view.doc.submitted_at;
  setAt(view.doc.answers, parts, value);
  if (view.problems.length) {
    view.problems = validate(view).filter((p) => view.problems.some((q) => q.path === p.path));
  }
  if (rerender) {
    view.doc.answers = prune(view.form, view.doc.answers, registriesOf(view));
    draw(view);
  } else {
    showProblems(view);
  }
  save(view);
}

function validate(view) {
  const doc = { ...view.doc, answers: prune(view.form, view.doc.answers, registriesOf(view)) };
  const context = {
    lines: (view.a.lines || []).map((l) => l.code),
    gates: (view.a.gates || []).map((g) => g.code),
    cems_points: (view.a.cems_points || []).map((c) => c.mn),
  };
  return validateInspection(view.form, doc, context);
}

async function onSubmit(view) {
  await view.saving;
  view.problems = validate(view);
  if (view.problems.length) {
    showProblems(view);
    view.nodes.summary.scrollIntoView();
    return;
  }
  view.doc.status = 'submitted';
  view.doc.submitted_at = isoWithOffset();
  await save(view);
  view.serverProblems = [];
  view.nodes.banner.replaceChildren(h('p', { class: 'notice', 'data-testid': 'submitted' }, t('form.submitted_offline')));
  await refreshChecklistFeedback(true);
  view.nodes.banner.prepend(h('p', { class: 'notice', 'data-testid': 'submitted' }, t('form.submitted_offline')));
}

function limitsOf(view) {
  const stated = view.a.photo_limits || {};
  return {
    max_photo_bytes: stated.max_bytes || DEFAULT_LIMITS.max_photo_bytes,
    max_photo_pixels: stated.max_pixels || DEFAULT_LIMITS.max_photo_pixels,
    types: stated.types || PHOTO_TYPES,
  };
}

function currentPosition() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy, at: isoWithOffset(new Date(p.timestamp)) }),
      () => resolve(app.position),
      { enableHighAccuracy: true, timeout: 5000, maximumAge: 30000 },
    );
    return undefined;
  });
}

async function onPhotos(view, parts, files) {
  const item = parts.join('.');
  const isMeter = getItemKind(view, parts) === 'meter';
  const limits = limitsOf(view);
  for (const file of files) {
    const type = file.type || (file.name.toLowerCase().endsWith('.heic') ? 'image/heic' : '');
    if (!limits.types.includes(type)) {
      view.nodes.summary.replaceChildren(h('p', { class: 'alert' }, t('form.not_an_image')));
      continue;
    }
    const takenAt = isoWithOffset();
    const position = await currentPosition();
    const { blob, downscaled } = await fitToLimits(file, limits);
    const photo = {
      _id: `photo:${crypto.randomUUID()}`, type: 'photo', schema_version: 1, owner: owner(), device_id: deviceId(),
      assignment_id: view.a.assignment.id, inspection_id: view.doc._id, item, taken_at: takenAt,
      _attachments: { [`photo.${type === 'image/jpeg' ? 'jpg' : 'heic'}`]: { content_type: type, data: blob } },
    };
    if (position) photo.device_position = position;
    if (downscaled) view.nodes.summary.replaceChildren(h('p', { class: 'hint' }, t('form.downscaled')));
    photo._rev = (await app.db.put(photo)).rev;
    markDirty(photo._id);
    view.photoDocs.set(photo._id, photo);
    if (isMeter) {
      const reading = { ...(getAt(view.doc.answers, parts) || {}), unit: undefined };
      const next = { ...reading, photo: photo._id };
      const unit = findItem(view, parts).unit;
      next.unit = unit;
      setAt(view.doc.answers, parts, next);
    } else {
      const list = Array.isArray(getAt(view.doc.answers, parts)) ? [...getAt(view.doc.answers, parts)] : [];
      list.push(photo._id);
      setAt(view.doc.answers, parts, list);
    }
  }
  if (view.doc.status === 'submitted') view.doc.status = 'draft';
  await save(view);
  draw(view);
}

function findItem(view, parts) {
  let items = view.form.sections.flatMap((s) => s.items);
  let found = items.find((i) => i.id === parts[0]);
  if (parts.length > 1 && found && found.kind === 'repeat') {
    items = found.items;
    found = items.find((i) => i.id === parts[2]);
  }
  return found;
}

function getItemKind(view, parts) {
  const item = findItem(view, parts);
  return item ? item.kind : null;
}

async function onRemovePhoto(view, parts, id) {
  const value = getAt(view.doc.answers, parts);
  if (Array.isArray(value)) setAt(view.doc.answers, parts, value.filter((x) => x !== id));
  else if (value && value.photo === id) {
    const next = { ...value };
    delete next.photo;
    setAt(view.doc.answers, parts, next);
  }
  const photo = view.photoDocs.get(id);
  view.photoDocs.delete(id);
  if (photo) {
    try {
      await app.db.remove(photo._id, (await app.db.get(photo._id))._rev);
      markDirty(photo._id);
    } catch (err) {
      // already gone
    }
  }
  await save(view);
  draw(view);
}

// ---- routing

async function route() {
  app.signOutArmed = false; // the warning holds for the page it was shown on
  if (!app.session) return showSignIn();
  const hash = location.hash.replace(/^#/, '') || '/';
  const m = hash.match(/^\/a\/(\d+)(?:\/f\/([a-z0-9_]+)\/(\d+))?$/);
  if (m && m[2]) return showChecklist(Number(m[1]), m[2], Number(m[3]));
  if (m) return showAssignment(Number(m[1]));
  return showList();
}

async function boot() {
  setLang(lang());
  translateFrame();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).catch(() => {});
  }
  app.session = session();
  renderNav();
  if (app.session) await startSession();
  window.addEventListener('hashchange', () => route());
  window.addEventListener('field:dirty', () => renderStatus());
  await route();
  document.body.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
