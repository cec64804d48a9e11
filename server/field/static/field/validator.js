// PLACEHOLDER until the on-device validator (validateInspection, same codes and messages as
// inspection_forms/validator.py) arrives from the fieldcontract branch; the merger takes theirs.
// It checks only what the field app's own test needs: required items, number ranges, photo counts.
function holds(c, answer) {
  if (answer === null || answer === undefined) return false;
  if ('equals' in c) return answer === c.equals;
  if ('one_of' in c) return c.one_of.includes(answer);
  if ('includes' in c) return Array.isArray(answer) && answer.includes(c.includes);
  return true;
}

function problem(path, code, zh, en) {
  return { path, code, message_zh: zh, message_en: en };
}

export function validateInspection(form, doc, context) {
  const out = [];
  const regs = { lines: context.lines || [], gates: context.gates || [], cems_points: context.cems_points || [] };
  const level = (entries, answers, path, outer) => {
    const shown = {};
    for (const { item, conditions } of entries) {
      const value = answers[item.id];
      if (!conditions.every((c) => holds(c, c.item in shown ? shown[c.item] : outer[c.item]))) continue;
      const where = `${path}.${item.id}`;
      if (value === undefined || value === null) {
        if (item.required && (!item.over || regs[item.over].length)) out.push(problem(where, 'answer.required', '必填项未填写', 'required item is not answered'));
        continue;
      }
      shown[item.id] = value;
      if (item.kind === 'repeat') {
        const inner = item.items.map((i) => ({ item: i, conditions: i.show_if ? [i.show_if] : [] }));
        for (const key of regs[item.over]) {
          if (!(key in value)) out.push(problem(`${where}.${key}`, 'repeat.missing_key', `${key} 未填写`, `'${key}' is not answered`));
          else level(inner, value[key], `${where}.${key}`, shown);
        }
      } else if (item.kind === 'number') {
        if ((item.min != null && value < item.min) || (item.max != null && value > item.max)) {
          out.push(problem(where, 'answer.out_of_range', `超出范围 ${item.min ?? ''}–${item.max ?? ''}`, `out of range ${item.min ?? ''}–${item.max ?? ''}`));
        }
      } else if (item.kind === 'photo' && value.length < (item.min_count ?? 1)) {
        out.push(problem(where, 'photo.too_few', `照片不足 ${item.min_count} 张`, `fewer than ${item.min_count} photos`));
      } else if (item.kind === 'meter' && item.photo_required !== false && !value.photo) {
        out.push(problem(`${where}.photo`, 'answer.missing_field', '缺少字段 photo', "missing field 'photo'"));
      }
    }
  };
  const top = form.sections.flatMap((s) => s.items.map((item) => ({ item, conditions: [s.show_if, item.show_if].filter(Boolean) })));
  level(top, doc.answers || {}, 'answers', {});
  return out;
}
