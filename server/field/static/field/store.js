// The inspector's session, the local PouchDB database and its live sync through the gateway.
//
// The token (never the password) is kept in this origin's localStorage: the page's Content
// Security Policy allows scripts from this server only, the token expires (12 h by default)
// and signing out removes it with the whole local database.
import { t } from './i18n.js';

const SESSION_KEY = 'field.session';
const DIRTY_KEY = 'field.dirty';
const SYNCED_KEY = 'field.synced_at';

export function session() {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
  } catch (err) {
    return null;
  }
}

export function deviceId() {
  let id = localStorage.getItem('field.device_id');
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem('field.device_id', id);
  }
  return id;
}

export async function signIn(username, password) {
  let answer;
  try {
    answer = await fetch('/api/auth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch (err) {
    throw new Error(t('signin.offline'));
  }
  if (answer.status === 429) throw new Error(t('signin.throttled'));
  if (!answer.ok) throw new Error(t('signin.failed'));
  const body = await answer.json();
  if (body.user.role !== 'inspector') throw new Error(t('signin.not_inspector'));
  const previous = session();
  if (previous && previous.user.id !== body.user.id) {
    if (dirty().size) throw new Error(t('signin.other_pending', { name: previous.user.display_name }));
    await clearLocal(previous);
  }
  const value = {
    token: body.access_token,
    expires_at: Date.now() + body.expires_in * 1000,
    user: { id: body.user.id, username: body.user.username, display_name: body.user.display_name },
  };
  localStorage.setItem(SESSION_KEY, JSON.stringify(value));
  return value;
}

export function localDb(user) {
  return new PouchDB(`field-inspector-${user.id}`, { auto_compaction: true });
}

async function clearLocal(value) {
  await localDb(value.user).destroy();
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(DIRTY_KEY);
  localStorage.removeItem(SYNCED_KEY);
}

// Device documents changed here and not yet written to the server.
export function dirty() {
  try {
    return new Set(JSON.parse(localStorage.getItem(DIRTY_KEY) || '[]'));
  } catch (err) {
    return new Set();
  }
}

function saveDirty(ids) {
  localStorage.setItem(DIRTY_KEY, JSON.stringify([...ids]));
}

export function markDirty(id) {
  const ids = dirty();
  ids.add(id);
  saveDirty(ids);
  window.dispatchEvent(new Event('field:dirty')); // the status bar counts it at once
}

function reason(err) {
  if (!err) return '';
  const status = err.status || 0;
  if (status === 401) return t('signin.expired');
  if (status === 403) return t('error.forbidden');
  if (status === 429) return t('error.busy');
  if (!status || err.name === 'TypeError' || err.message === 'Failed to fetch') return t('error.network');
  return t('error.unknown', { detail: err.reason || err.message || status });
}

// Live sync with retry; `onStatus` gets {state, pending, syncedAt, error} on every change.
export class Sync {
  constructor(value, db, onStatus, onChange) {
    this.session = value;
    this.db = db;
    this.onStatus = onStatus;
    this.onChange = onChange;
    this.state = navigator.onLine ? 'syncing' : 'offline';
    this.error = null;
    this.handle = null;
    this.remote = new PouchDB(`${location.origin}/sync/inspector-${value.user.id}`, {
      skip_setup: true, // the server creates the database
      fetch: (url, opts) => {
        opts.headers.set('Authorization', `Bearer ${this.session.token}`);
        return PouchDB.fetch(url, opts);
      },
    });
    this.changes = db.changes({ since: 'now', live: true }).on('change', (change) => this.onChange(change));
    this.restart = () => this.start();
    this.offline = () => this.report('offline');
    window.addEventListener('online', this.restart);
    window.addEventListener('offline', this.offline);
  }

  status() {
    return {
      state: navigator.onLine ? this.state : 'offline',
      pending: dirty().size,
      syncedAt: localStorage.getItem(SYNCED_KEY),
      error: this.error,
      expired: this.error === t('signin.expired'),
    };
  }

  report(state, error = null) {
    this.state = state;
    this.error = error;
    this.onStatus(this.status());
  }

  start() {
    if (this.handle) this.handle.cancel();
    if (!navigator.onLine) {
      this.report('offline');
      return;
    }
    if (this.session.expires_at && this.session.expires_at < Date.now()) {
      this.report('error', t('signin.expired'));
      return;
    }
    this.report('syncing');
    const handle = this.db.sync(this.remote, { live: true, retry: true, batch_size: 10 });
    this.handle = handle;
    handle.on('change', (info) => {
      if (info.direction === 'push') {
        const ids = dirty();
        for (const doc of info.change.docs) ids.delete(doc._id);
        saveDirty(ids);
      }
      this.report('syncing');
    });
    handle.on('paused', (err) => {
      if (handle !== this.handle) return;
      if (err) {
        this.report('error', reason(err));
        return;
      }
      if (navigator.onLine) {
        localStorage.setItem(SYNCED_KEY, new Date().toISOString());
        this.report('idle');
      }
    });
    handle.on('active', () => this.report('syncing'));
    handle.on('denied', (err) => {
      const ids = dirty();
      ids.delete(err.id);
      saveDirty(ids);
      this.report('error', t('status.denied', { reason: err.reason || err.message || '' }));
    });
    handle.on('error', (err) => {
      if (handle === this.handle) this.report('error', reason(err));
    });
  }

  async stop() {
    window.removeEventListener('online', this.restart);
    window.removeEventListener('offline', this.offline);
    this.changes.cancel();
    if (this.handle) {
      const handle = this.handle;
      this.handle = null;
      handle.cancel();
    }
  }
}

export async function signOut(value, sync) {
  if (sync) await sync.stop();
  await clearLocal(value);
}
