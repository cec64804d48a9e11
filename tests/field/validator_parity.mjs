// The device's validator over the shared filled documents (tests/data/form_documents/*.json).
// Run by tests/field/test_validator_parity.py:
//   node validator_parity.mjs <forms.json> <fixture.json>...
// forms.json holds every form version the server knows, as tablets receive them (Form.to_dict()).
// Prints {fixture name: problems} as JSON; exits 1 when any fixture's problems differ from its
// expected ones, naming the first difference.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { isDeepStrictEqual } from "node:util";

import { validateInspection, validateWithForms } from "../../server/field/static/field/validator.js";

const [formsPath, ...fixtures] = process.argv.slice(2);
const forms = JSON.parse(readFileSync(formsPath, "utf8"));
const results = {};
const failures = [];
for (const path of fixtures) {
  const fixture = JSON.parse(readFileSync(path, "utf8"));
  let problems;
  if (fixture.form === "catalogue") {
    problems = validateWithForms(forms, fixture.document, fixture.context);
  } else {
    const form = forms.find((f) => f.id === fixture.form.id && f.version === fixture.form.version);
    if (!form) throw new Error(`${path}: no form ${fixture.form.id} v${fixture.form.version}`);
    problems = validateInspection(form, fixture.document, fixture.context);
  }
  const name = basename(path, ".json");
  results[name] = problems;
  if (!isDeepStrictEqual(problems, fixture.problems)) {
    const n = problems.findIndex((p, i) => !isDeepStrictEqual(p, fixture.problems[i]));
    const at = n < 0 ? fixture.problems.length : n;
    failures.push(
      `${name}: problem ${at}: got ${JSON.stringify(problems[at])}, expected ${JSON.stringify(fixture.problems[at])}`,
    );
  }
}
process.stdout.write(JSON.stringify(results));
if (failures.length) {
  process.stderr.write(`${failures.length} fixture(s) judged differently:\n${failures.join("\n")}\n`);
  process.exit(1);
}
