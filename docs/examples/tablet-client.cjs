// A minimal tablet client: sign in, replicate the inspector's database through the gateway,
// list assignments and forms, save a draft inspection for the first assignment, push it, and
// read the server's feedback once the sync worker has answered.
//
//   node docs/examples/tablet-client.cjs http://127.0.0.1:5000 inspector01 demo-password-2026
//
// Uses the pinned `pouchdb` package from the project's node_modules (`make install`).
'use strict';
const path = require('path');
const PouchDB = require('pouchdb');
const crypto = require('crypto');

async function main() {
  const [base, username, password] = process.argv.slice(2);
  if (!password) throw new Error('usage: tablet-client.cjs <server> <username> <password>');
  // 1. A token, and who we are: the database name is inspector-<user id>.
  const answer = await fetch(`${base}/api/auth/token`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!answer.ok) throw new Error(`sign-in failed: ${answer.status} ${await answer.text()}`);
  const { access_token: token, user } = await answer.json();
  const remote = new PouchDB(`${base}/sync/inspector-${user.id}`, {
    skip_setup: true,  // the server creates the database; never ask PouchDB to
    fetch: (url, opts) => {
      opts.headers.set('Authorization', `Bearer ${token}`);
      return PouchDB.fetch(url, opts);
    },
  });
  const local = new PouchDB(path.join(require('os').tmpdir(), `tablet-${user.id}`));

  // 2. Pull: assignments, forms and feedback arrive.
  await local.replicate.from(remote);
  const all = await local.allDocs({ include_docs: true });
  const assignments = all.rows.map((r) => r.doc).filter((d) => d.type === 'assignment');
  const forms = all.rows.map((r) => r.doc).filter((d) => d.type === 'form');
  console.log(`${assignments.length} assignment(s), ${forms.length} form version(s)`);
  if (!assignments.length) return;

  // 3. Offline work: a draft inspection with an id made here.
  const job = assignments[0];
  const pin = job.forms[0];
  const draft = {
    _id: `inspection:${crypto.randomUUID()}`, type: 'inspection', schema_version: 1,
    owner: `user:${user.id}`, device_id: 'example-client', assignment_id: job.assignment.id,
    form_id: pin.form_id, form_version: pin.version, status: 'draft',
    started_at: new Date().toISOString(), answers: {},
  };
  await local.put(draft);

  // 4. Push when the network is back; every refusal comes back per document ("denied").
  const pushed = local.replicate.to(remote);
  pushed.on('denied', (err) => console.log('refused:', err.id, err.reason));
  console.log('pushed:', (await pushed).docs_written, 'document(s)');

  // 5. Later: the worker's feedback for the document.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  await local.replicate.from(remote);
  try {
    const feedback = await local.get(`feedback:${draft._id}`);
    console.log('feedback:', feedback.status, JSON.stringify(feedback.problems));
  } catch (err) {
    console.log('no feedback yet (is the sync worker running?)');
  }
}

main().catch((err) => { console.error(err); process.exit(1); });
