// apprentice web page: submits a job, follows its server-sent events (read with fetch so the bearer
// token can go in a header, which EventSource cannot send), and keeps this session's history.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { job: null, abort: null, defaults: {}, controlled: false };

function token() {
  return $('token').value.trim();
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (token()) {
    h['Authorization'] = 'Bearer ' + token();
  }
  return h;
}

function setStatus(text, isError) {
  $('status').textContent = text;
  $('status').className = isError ? 'status error' : 'status';
}

async function errorText(response) {
  try {
    const body = await response.json();
    const e = body.error || {};
    return (e.field ? e.field + ': ' : '') + (e.message || response.statusText);
  } catch (ignored) {
    return response.status + ' ' + response.statusText;
  }
}

async function loadModels() {
  const r = await fetch('/api/models', { headers: headers() });
  if (r.status === 401) {
    $('models').textContent = 'This server needs a token: enter it below, then generate.';
    return;
  }
  if (!r.ok) {
    $('models').textContent = await errorText(r);
    return;
  }
  const m = await r.json();
  state.defaults = m.defaults || {};
  $('models').textContent = 'student ' + m.student + (m.teacher ? ', teacher ' + m.teacher : '')
      + (m.oracle ? ', oracle ' + m.oracle : '') + (m.notes && m.notes.length ? ' — ' + m.notes.join('; ') : '');
  // a ControlNet server refuses requests without a control image, so the field appears and is required
  state.controlled = Boolean(m.controlnet);
  $('control-field').hidden = !state.controlled;
  $('control-scale-field').hidden = !state.controlled;
  $('control_image').required = state.controlled;
  const mode = $('mode');
  mode.textContent = '';
  for (const name of m.modes) {
    const o = document.createElement('option');
    o.value = name;
    o.textContent = name;
    o.selected = name === m.default_mode;
    mode.appendChild(o);
  }
  $('k').placeholder = state.defaults.k;
  $('steps').placeholder = state.defaults.steps;
  $('teacher_steps').placeholder = state.defaults.teacher_steps;
}

// The chosen file as a data URL, which the API reads like plain base64.
function readControlImage() {
  const file = $('control_image').files[0];
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function requestBody() {
  const body = { prompt: $('prompt').value, mode: $('mode').value || undefined };
  if (state.controlled) {
    body.control_image = await readControlImage();
    if ($('control_scale').value !== '') {
      body.control_scale = Number($('control_scale').value);
    }
  }
  if ($('negative_prompt').value) {
    body.negative_prompt = $('negative_prompt').value;
  }
  for (const id of ['k', 'seed', 'steps', 'teacher_steps']) {
    if ($(id).value !== '') {
      body[id] = Number($(id).value);
    }
  }
  if (body.mode === 'adaptive') {
    body.teacher_mode = $('teacher_mode').value;
  } else {
    delete body.k;
  }
  if (body.mode === 'student') {
    delete body.teacher_steps;
  }
  return body;
}

function resetRun() {
  $('run').hidden = false;
  $('draft').hidden = true;
  $('final').hidden = true;
  $('student-progress').value = 0;
  $('teacher-progress').value = 0;
  $('score').textContent = '';
  $('route').textContent = $('mode').value === 'adaptive' ? 'waiting for the oracle…' : '';
  $('route').className = 'route';
  $('meta').textContent = '';
}

async function submit(event) {
  event.preventDefault();
  resetRun();
  setStatus('submitting…');
  $('go').disabled = true;
  try {
    const r = await fetch('/api/jobs', { method: 'POST', headers: headers({ 'Content-Type': 'application/json' }),
                                         body: JSON.stringify(await requestBody()) });
    if (!r.ok) {
      const retry = r.headers.get('Retry-After');
      setStatus(await errorText(r) + (retry ? ' (retry in ' + retry + ' s)' : ''), true);
      return;
    }
    const job = await r.json();
    state.job = job.id;
    $('cancel').disabled = false;
    await follow(job.id);
  } catch (e) {
    setStatus('connection failed: ' + e, true);
  } finally {
    $('go').disabled = false;
    $('cancel').disabled = true;
    state.job = null;
  }
}

// Reads "id: / event: / data:" frames from the event stream until the terminal event.
async function follow(id) {
  state.abort = new AbortController();
  const r = await fetch('/api/jobs/' + id + '/events', { headers: headers(), signal: state.abort.signal });
  if (!r.ok) {
    setStatus(await errorText(r), true);
    return;
  }
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) {
          type = line.slice(7);
        } else if (line.startsWith('data: ')) {
          data += line.slice(6);
        }
      }
      if (data && onEvent(type, JSON.parse(data))) {
        reader.cancel();
        return;
      }
    }
  }
}

function fmt(x) {
  return typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(3)) : String(x);
}

// Returns true on the terminal event.
function onEvent(type, d) {
  switch (type) {
    case 'queued':
      setStatus('queued');
      return false;
    case 'started':
      setStatus(d.stage === 'student' ? 'student drawing (batch of ' + d.batch_size + ')' : 'teacher working (' + d.route + ')');
      return false;
    case 'student_step':
      $('student-progress').max = d.total;
      $('student-progress').value = d.step;
      return false;
    case 'draft':
      $('draft').src = 'data:image/png;base64,' + d.image;
      $('draft').hidden = false;
      $('score').textContent = d.score === undefined ? 'no oracle score in this mode' : 'oracle score ' + fmt(d.score);
      return false;
    case 'route': {
      const kept = d.route === 'kept';
      $('score').textContent = 'score ' + fmt(d.score) + (kept ? ' ≥ ' : ' < ') + 'τ ' + fmt(d.tau)
          + ' (k = ' + fmt(d.k) + '%, ' + d.gate + (d.warm ? '' : ', warming up') + ')';
      $('route').textContent = kept ? 'kept: the draft is the answer' : d.route + ' by the teacher';
      $('route').className = 'route ' + (kept ? 'kept' : 'teacher');
      return false;
    }
    case 'teacher_step':
      $('teacher-progress').max = d.total;
      $('teacher-progress').value = d.step;
      return false;
    case 'done':
      showFinal(d);
      setStatus('done in ' + Math.round(d.timings_ms.total) + ' ms, ' + d.nfe + ' UNet evaluations');
      addHistory(d);
      return true;
    case 'failed':
    case 'cancelled':
      setStatus(type + ': ' + d.message, true);
      return true;
    default:
      return false;
  }
}

const SHOWN = ['route', 'score', 'tau', 'gate', 'k', 'seed', 'teacher_seed', 'steps', 'teacher_steps', 'nfe_student', 'nfe_teacher',
               'student_model', 'teacher_model', 'oracle', 'width', 'height', 'job_id'];

function showFinal(d) {
  $('final').src = 'data:image/png;base64,' + d.image;
  $('final').hidden = false;
  const meta = $('meta');
  meta.textContent = '';
  for (const key of SHOWN) {
    if (d[key] !== undefined && d[key] !== null) {
      const dt = document.createElement('dt');
      dt.textContent = key;
      const dd = document.createElement('dd');
      dd.textContent = fmt(d[key]);
      meta.append(dt, dd);
    }
  }
  const times = document.createElement('dt');
  times.textContent = 'times (ms)';
  const list = document.createElement('dd');
  list.textContent = Object.entries(d.timings_ms).map((e) => e[0] + ' ' + Math.round(e[1])).join(', ');
  meta.append(times, list);
}

function addHistory(d) {
  const li = document.createElement('li');
  const img = document.createElement('img');
  img.src = 'data:image/png;base64,' + d.image;
  img.alt = d.prompt;
  const caption = document.createElement('div');
  caption.textContent = d.prompt + ' — ' + d.route + (d.score !== undefined ? ' (' + fmt(d.score) + ')' : '') + ', seed ' + d.seed;
  const again = document.createElement('button');
  again.type = 'button';
  again.textContent = 'reuse settings';
  again.addEventListener('click', () => {
    $('prompt').value = d.prompt;
    $('negative_prompt').value = d.negative_prompt || '';
    $('seed').value = d.seed;
    $('steps').value = d.steps;
    if (d.k !== undefined) {
      $('k').value = d.k;
    }
  });
  li.append(img, caption, again);
  $('history').prepend(li);
}

async function cancel() {
  if (!state.job) {
    return;
  }
  const r = await fetch('/api/jobs/' + state.job, { method: 'DELETE', headers: headers() });
  if (!r.ok && r.status !== 409) {
    setStatus(await errorText(r), true);
  }
}

$('form').addEventListener('submit', submit);
$('cancel').addEventListener('click', cancel);
$('token').addEventListener('change', () => {
  sessionStorage.setItem('apprentice-token', token());
  loadModels();
});
$('token').value = sessionStorage.getItem('apprentice-token') || '';
loadModels();
