// Benchmark helper for the field app: one submitted inspection and N photo documents (the same
// JPEG each time) in a fresh local PouchDB, pushed to a target URL (the gateway, or PouchDB
// Server directly) with the field app's batch size (`batch_size`, default 10). Prints {"seconds": ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const PouchDB = require('pouchdb');

(async () => {
  const spec = JSON.parse(fs.readFileSync(0, 'utf8'));
  const jpeg = fs.readFileSync(spec.photo).toString('base64');
  const local = new PouchDB(path.join(spec.dir, `field-${spec.label}`));
  const visit = `inspection:field-${spec.label}-000001`;
  const docs = [{
    _id: visit, type: 'inspection', schema_version: 1, owner: spec.owner, device_id: 'bench',
    assignment_id: spec.assignment_id, form_id: 'common', form_version: 1, status: 'submitted',
    started_at: '2026-07-16T09:05:00+08:00', submitted_at: '2026-07-16T11:40:00+08:00',
    answers: { fugitive_photos: [] },
  }];
  for (let i = 0; i < spec.count; i++) {
    const id = `photo:field-${spec.label}-${String(i).padStart(4, '0')}`;
    docs[0].answers.fugitive_photos.push(id);
    docs.push({
      _id: id, type: 'photo', schema_version: 1, owner: spec.owner, device_id: 'bench',
      assignment_id: spec.assignment_id, inspection_id: visit, item: 'fugitive_photos',
      taken_at: '2026-07-16T10:12:00+08:00',
      device_position: { lat: 33.002, lon: 114.002, accuracy_m: 8, at: '2026-07-16T02:12:00Z' },
      _attachments: { 'photo.jpg': { content_type: 'image/jpeg', data: jpeg } },
    });
  }
  await local.bulkDocs(docs);
  const opts = spec.username ? { auth: { username: spec.username, password: spec.password } } : {};
  const remote = new PouchDB(spec.url, { ...opts, skip_setup: true });
  const started = process.hrtime.bigint();
  const result = await local.replicate.to(remote, { batch_size: spec.batch_size || 10 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await local.close();
  process.stdout.write(JSON.stringify({ seconds, written: result.docs_written,
    failures: result.doc_write_failures }));
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
