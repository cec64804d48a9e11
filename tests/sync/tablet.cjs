// A tablet, simulated with the real PouchDB client: reads a JSON script on stdin, runs its
// steps against a local PouchDB (LevelDB in spec.dir) and the server's gateway, and prints
// one JSON result per step on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const PouchDB = require('pouchdb');

async function main() {
  const spec = JSON.parse(fs.readFileSync(0, 'utf8'));
  const local = new PouchDB(path.join(spec.dir, spec.name || 'tablet'));
  const remote = new PouchDB(spec.url, {
    auth: { username: spec.username, password: spec.password },
    skip_setup: true,
  });
  const results = [];
  for (const step of spec.steps) {
    results.push(await run(step, local, remote));
  }
  await local.close();
  process.stdout.write(JSON.stringify(results));
}

async function run(step, local, remote) {
  switch (step.op) {
    case 'pull':
    case 'push': {
      const denied = [];
      const replication = step.op === 'pull'
        ? local.replicate.from(remote, { batch_size: step.batch_size || 100 })
        : local.replicate.to(remote, { batch_size: step.batch_size || 100 });
      replication.on('denied', (err) => denied.push({ id: err.id, reason: err.reason }));
      try {
        const r = await replication;
        return { op: step.op, ok: r.ok, docs_written: r.docs_written,
          doc_write_failures: r.doc_write_failures, denied };
      } catch (err) {
        return { op: step.op, error: String(err && (err.reason || err.message || err)),
          status: err && err.status, denied };
      }
    }
    case 'put': {
      const answers = await local.bulkDocs(step.docs);
      return { op: 'put', answers };
    }
    case 'update': {  // change fields of the local copy and save a new revision
      const doc = await local.get(step.id);
      Object.assign(doc, step.fields);
      const answer = await local.put(doc);
      return { op: 'update', rev: answer.rev };
    }
    case 'get': {
      try {
        return { op: 'get', doc: await local.get(step.id, { conflicts: true }) };
      } catch (err) {
        return { op: 'get', error: err.name, status: err.status };
      }
    }
    case 'remove': {  // delete one revision (a leaf of a conflict, or the document)
      const answer = await local.remove(step.id, step.rev);
      return { op: 'remove', rev: answer.rev };
    }
    case 'all': {
      const all = await local.allDocs({ include_docs: true });
      return { op: 'all', ids: all.rows.map((row) => row.id) };
    }
    default:
      throw new Error('unknown step ' + step.op);
  }
}

main().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
