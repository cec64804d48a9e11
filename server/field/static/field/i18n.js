// The app's words: Chinese first, English on request (kept on the device).
const MESSAGES = {
  'app.title': ['现场核查', 'Field inspection'],
  'app.subtitle': ['重污染天气重点行业绩效分级现场核查', 'On-site verification of performance grading'],
  'lang.switch': ['English', '中文'],
  'nav.assignments': ['核查任务', 'Assignments'],
  'nav.sign_out': ['退出', 'Sign out'],
  'signin.title': ['核查员登录', 'Inspector sign-in'],
  'signin.username': ['用户名', 'Username'],
  'signin.password': ['密码', 'Password'],
  'signin.submit': ['登录', 'Sign in'],
  'signin.failed': ['用户名或密码错误。', 'Wrong username or password.'],
  'signin.throttled': ['密码错误次数过多，请稍后再试。', 'Too many wrong passwords; wait and try again.'],
  'signin.offline': ['首次登录需要联网。', 'The first sign-in needs a network connection.'],
  'signin.not_inspector': ['本应用仅供核查员使用；审核人员请使用审核页面。', 'This app is for inspectors; reviewers use the review pages.'],
  'signin.who': ['登录一次后，本应用可在无网络时使用；数据保存在本机，联网时自动同步。', 'After one sign-in the app works without a network; data stays on this tablet and syncs when online.'],
  'signout.pending': ['还有 {n} 份记录未发送到服务器。退出会删除本机上的全部数据。确定退出请再点一次“退出”。', '{n} records are not sent to the server yet. Signing out deletes all data on this tablet. Press “Sign out” again to confirm.'],
  'signin.expired': ['登录已过期，联网后请重新登录以继续同步（本机数据保留）。', 'Your sign-in has expired; sign in again when online to keep syncing (data on this tablet is kept).'],
  'signin.other_pending': ['本机上有{name}尚未发送的记录；请{name}联网同步后退出，再换人登录。', 'This tablet holds records of {name} not sent yet; {name} should sync and sign out first.'],
  'signin.again': ['重新登录', 'Sign in again'],
  'status.online': ['在线', 'Online'],
  'status.offline': ['离线：记录保存在本机，联网后自动发送', 'Offline: records are kept on this tablet and sent when online'],
  'status.pending': ['待发送 {n} 份', '{n} waiting to be sent'],
  'status.none_pending': ['全部已发送', 'everything sent'],
  'status.last': ['上次同步 {time}', 'last synced {time}'],
  'status.never': ['尚未同步', 'not synced yet'],
  'status.syncing': ['正在同步…', 'Syncing…'],
  'status.error': ['同步出错：{reason}', 'Sync problem: {reason}'],
  'status.denied': ['服务器拒收一份记录：{reason}', 'The server refused a record: {reason}'],
  'error.network': ['无法连接服务器，稍后自动重试', 'cannot reach the server; retrying'],
  'error.forbidden': ['无权写入该数据库', 'not allowed to write to this database'],
  'error.busy': ['服务器繁忙，稍后自动重试', 'the server is busy; retrying'],
  'error.unknown': ['未知错误（{detail}）', 'unknown error ({detail})'],
  'list.title': ['我的核查任务', 'My assignments'],
  'list.empty': ['暂无核查任务。联网时任务会自动下载到本机。', 'No assignments yet. They download to this tablet when online.'],
  'list.window': ['核查时间', 'Visit window'],
  'list.team': ['核查组', 'Team'],
  'list.lead': ['组长', 'lead'],
  'list.address': ['地址', 'Address'],
  'list.open': ['打开', 'Open'],
  'a.map': ['厂区位置', 'Site map'],
  'a.map.none': ['未登记厂区边界。', 'No site boundary is registered.'],
  'a.map.here': ['本机位置（精度约 {m} 米）', 'This tablet (accuracy about {m} m)'],
  'a.map.nowhere': ['尚未获得本机位置。', 'No position from this tablet yet.'],
  'a.map.inside': ['本机在厂区边界内', 'This tablet is inside the site'],
  'a.map.outside': ['本机在厂区边界外约 {m} 米', 'This tablet is about {m} m outside the site'],
  'a.lines': ['生产线', 'Production lines'],
  'a.gates': ['出入口', 'Gates'],
  'a.cems': ['在线监测点位', 'CEMS points'],
  'a.claims': ['需核实的申报内容', 'Claims to verify'],
  'a.claimed_grade': ['申报级别 {grade}', 'claimed grade {grade}'],
  'a.forms': ['核查表', 'Checklists'],
  'a.fill': ['填写', 'Fill in'],
  'a.none': ['无', 'none'],
  'a.stops_in_alert': ['预警期间停产', 'stops during alerts'],
  'state.new': ['未开始', 'not started'],
  'state.draft': ['草稿（已保存在本机）', 'draft (saved on this tablet)'],
  'state.submitted': ['已提交，等待服务器确认', 'submitted, waiting for the server'],
  'state.accepted': ['服务器已接收', 'accepted by the server'],
  'state.rejected': ['服务器退回：请修改后重新提交', 'returned by the server: fix and submit again'],
  'state.received': ['服务器已收到草稿', 'the server has the draft'],
  'state.kept': ['已存档但不计入核查', 'kept on record but does not count'],
  'state.withdrawn': ['已撤回', 'withdrawn'],
  'state.quarantined': ['服务器处理失败，已交管理员处理', 'the server could not process it; an administrator will look'],
  'form.back': ['返回任务', 'Back to the assignment'],
  'form.submit': ['提交核查表', 'Submit the checklist'],
  'form.saved': ['已保存在本机 {time}', 'saved on this tablet {time}'],
  'form.problems': ['提交前请修改以下 {n} 处问题：', 'Fix these {n} problems before submitting:'],
  'form.server_problems': ['服务器退回了本核查表，问题如下：', 'The server returned this checklist:'],
  'form.submitted_offline': ['已提交。联网后将自动发送到服务器。', 'Submitted. It will be sent to the server when online.'],
  'form.locked': ['已提交，不能再修改。', 'Submitted; it can no longer be changed.'],
  'form.required': ['必填', 'required'],
  'form.optional': ['选填', 'optional'],
  'form.yes': ['是', 'Yes'],
  'form.no': ['否', 'No'],
  'form.range': ['范围 {min} – {max}', 'range {min} – {max}'],
  'form.min': ['不小于 {min}', 'at least {min}'],
  'form.max': ['不大于 {max}', 'at most {max}'],
  'form.criterion': ['{grade} 级要求：{rule}', 'For grade {grade}: {rule}'],
  'form.now': ['现在', 'Now'],
  'form.meter_id': ['表计编号', 'Meter id'],
  'form.reading': ['读数', 'Reading'],
  'form.photo_count': ['照片 {min}–{max} 张', '{min}–{max} photos'],
  'form.add_photo': ['拍照或选择照片', 'Take or choose photos'],
  'form.meter_photo': ['表计照片', 'Photo of the meter'],
  'form.remove': ['删除', 'Remove'],
  'form.attest': ['本人确认以上声明', 'I confirm the statement above'],
  'form.photo_rejected': ['照片被服务器退回：{reason}', 'Photo returned by the server: {reason}'],
  'form.photo_waiting': ['等待发送', 'waiting to be sent'],
  'form.photo_accepted': ['服务器已接收', 'accepted'],
  'form.downscaled': ['照片超过服务器上限，已在本机缩小后保存。', 'The photo exceeded the server limit and was made smaller on this tablet.'],
  'form.no_position': ['未能获得本机位置，照片仅以其自带信息为准。', 'No position from this tablet; the photo counts on its own data.'],
  'form.not_an_image': ['只接受 JPEG 或 HEIC 照片。', 'Only JPEG or HEIC photos are accepted.'],
  'registry.lines': ['生产线', 'Line'],
  'registry.gates': ['出入口', 'Gate'],
  'registry.cems_points': ['监测点位', 'CEMS point'],
};

let current = localStorage.getItem('field.lang') === 'en' ? 'en' : 'zh';

export function lang() {
  return current;
}

export function setLang(value) {
  current = value === 'en' ? 'en' : 'zh';
  localStorage.setItem('field.lang', current);
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

export function t(key, vars = {}) {
  const pair = MESSAGES[key];
  let text = pair ? pair[current === 'zh' ? 0 : 1] : key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

// A {zh, en} text from the data (forms, problems).
export function pick(text) {
  if (text == null) return '';
  if (typeof text === 'string') return text;
  return (current === 'zh' ? text.zh : text.en) || text.zh || text.en || '';
}

// Times in China time, whatever the tablet's zone.
export function chinaTime(iso, withDate = true) {
  if (!iso) return '';
  const date = new Date(iso);
  const options = { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false };
  if (withDate) Object.assign(options, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return new Intl.DateTimeFormat(current === 'zh' ? 'zh-CN' : 'en-GB', options).format(date);
}

// A problem's words, from the server's feedback or the device's validator.
export function problemText(problem) {
  if (problem.message_zh || problem.message_en) return pick({ zh: problem.message_zh, en: problem.message_en });
  if (problem.message) return pick(problem.message);
  return problem.code || '';
}
