// Benchmark helper: make N photo documents in a fresh local PouchDB, then time replicating
// them to a target URL (the gateway, or PouchDB Server directly). Prints {"seconds": ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const PouchDB = require('pouchdb');

(async () => {
  const spec = JSON.parse(fs.readFileSync(0, 'utf8'));
  const jpeg = fs.readFileSync(spec.photo).toString('base64');
  const local = new PouchDB(path.join(spec.dir, 'bench-' + spec.label));
  const docs = [];
  for (let i = 0; i < spec.count; i++) {
    docs.push({
      _id: `photo:${spec.label}-${String(i).padStart(6, '0')}-bench`,
      type: 'photo', schema_version: 1, owner: spec.owner, device_id: 'bench',
      inspection_id: 'inspection:bench-0000001', item: 'fugitive_photos',
      taken_at: '2026-07-16T10:12:00+08:00',
      _attachments: { 'original.jpg': { content_type: 'image/jpeg', data: jpeg } },
    });
  }
  await local.bulkDocs(docs);
  const opts = spec.username ? { auth: { username: spec.username, password: spec.password } } : {};
  const remote = new PouchDB(spec.url, { ...opts, skip_setup: true });
  const started = process.hrtime.bigint();
  // PouchDB's own defaults (batch_size 100), as a tablet would replicate.
  const result = await local.replicate.to(remote, spec.batch_size ? { batch_size: spec.batch_size } : {});
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await local.close();
  process.stdout.write(JSON.stringify({ seconds, written: result.docs_written,
    failures: result.doc_write_failures }));
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
