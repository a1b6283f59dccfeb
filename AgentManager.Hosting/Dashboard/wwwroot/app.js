// AgentManager dashboard: workflows, a workflow's task graph with live states (Server-Sent Events read with
// fetch, so a bearer token can be sent), a task's transitions and output tail, the inbox of tasks blocked for a
// human with their decisions, and the schedules with pause and resume. No framework, no build step.
'use strict';

const base = location.pathname.replace(/\/dashboard\/?.*$/, '');
const $ = (id) => document.getElementById(id);
const NODE_W = 170, NODE_H = 52, GAP_X = 60, GAP_Y = 22;
let token = sessionStorage.getItem('agentmanager-token') || '';
let streamAbort = null;
let current = { workflowId: null, taskId: null };

function headers(extra) {
  const h = Object.assign({ Accept: 'application/json' }, extra || {});
  if (token) h.Authorization = 'Bearer ' + token;
  return h;
}

function showError(message) {
  const box = $('error');
  box.textContent = message || '';
  box.hidden = !message;
}

function askForToken() {
  $('token-form').hidden = false;
  showError('This AgentManager API needs a bearer token.');
}

async function api(path, method, body) {
  const init = { method: method || 'GET', headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(base + path, init);
  if (response.status === 401) { askForToken(); throw new Error('unauthorized'); }
  const answer = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(answer && answer.detail ? answer.detail : 'HTTP ' + response.status);
  return answer;
}

function el(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

function when(value) {
  return value ? new Date(value).toLocaleString() : '';
}

// Reads a text/event-stream with fetch; reconnects after a drop with the last id it saw.
async function stream(path, lastId, onEvent, signal) {
  while (!signal.aborted) {
    try {
      const extra = { Accept: 'text/event-stream' };
      if (lastId !== null && lastId !== undefined) extra['Last-Event-ID'] = String(lastId);
      const response = await fetch(base + path, { headers: headers(extra), signal });
      if (response.status === 401) { askForToken(); return; }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      $('connection').dataset.state = 'live';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event) {
            if (event.id !== null) lastId = event.id;
            onEvent(event);
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
    }
    $('connection').dataset.state = 'reconnecting';
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function parseEvent(block) {
  let id = null, type = null, data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) type = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  return type ? { id, type, data: JSON.parse(data) } : null;
}

function listen(path, lastId, onEvent) {
  if (streamAbort) streamAbort.abort();
  streamAbort = new AbortController();
  stream(path, lastId, onEvent, streamAbort.signal);
}

const views = ['workflows-view', 'workflow-view', 'inbox-view', 'schedules-view'];
const navOf = { 'workflows-view': 'nav-workflows', 'workflow-view': 'nav-workflows', 'inbox-view': 'nav-inbox', 'schedules-view': 'nav-schedules' };

function showView(name) {
  for (const view of views) $(view).hidden = view !== name;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.id === navOf[name]) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
}

// Runs fn at most once per delay, however many events ask for it.
function debounce(fn, delay) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => { timer = null; fn(); }, delay);
  };
}

// The workflows list, refreshed whenever a workflow event arrives.
async function showWorkflows() {
  showView('workflows-view');
  await loadWorkflows();
  listen('/events?type=workflow_*', null, () => loadWorkflows().catch((e) => showError(e.message)));
}

async function loadWorkflows() {
  const page = await api('/workflows?limit=500');
  const body = $('workflows').querySelector('tbody');
  body.replaceChildren();
  for (const workflow of page.items.slice().reverse()) {
    const row = el('tr', null, { 'data-workflow-id': workflow.workflow_id });
    row.append(el('td', workflow.workflow_id), el('td', workflow.name || ''));
    const status = el('td');
    status.append(el('span', workflow.status, { class: 'status', 'data-state': workflow.status }));
    const counts = Object.entries(workflow.task_counts).map(([state, n]) => n + ' ' + state).join(', ');
    row.append(status, el('td', counts), el('td', when(workflow.created_at)));
    row.addEventListener('click', () => { location.hash = '#/workflows/' + encodeURIComponent(workflow.workflow_id); });
    body.append(row);
  }
  $('workflows-empty').hidden = page.items.length > 0;
}

// A workflow: its task graph laid out by dependency depth, states updated live.
async function showWorkflow(workflowId, taskId) {
  showView('workflow-view');
  const changed = current.workflowId !== workflowId;
  current = { workflowId, taskId };
  const workflow = await api('/workflows/' + encodeURIComponent(workflowId));
  renderHeader(workflow);
  if (changed || !$('dag').querySelector('.node')) {
    renderGraph(workflow.tasks);
    listen('/workflows/' + encodeURIComponent(workflowId) + '/events', workflow.last_event_id, onWorkflowEvent);
  }
  selectTask(taskId);
}

function renderHeader(workflow) {
  $('workflow-title').textContent = workflow.name && workflow.name !== workflow.workflow_id
    ? workflow.workflow_id + ' — ' + workflow.name : workflow.workflow_id;
  const status = $('workflow-status');
  status.textContent = workflow.status;
  status.dataset.state = workflow.status;
  $('workflow-reason').textContent = workflow.reason || '';
  $('start').disabled = workflow.status !== 'created';
  $('cancel').disabled = workflow.status !== 'created' && workflow.status !== 'running';
}

function renderGraph(tasks) {
  const dag = $('dag');
  dag.replaceChildren();
  const depth = new Map();
  const byId = new Map(tasks.map((t) => [t.task_id, t]));
  const depthOf = (id, seen) => {
    if (depth.has(id)) return depth.get(id);
    const task = byId.get(id);
    const d = task && !seen.has(id) ? Math.max(-1, ...task.dependencies.map((dep) => depthOf(dep, new Set(seen).add(id)))) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  const rows = [];
  const place = new Map();
  for (const task of tasks) {
    const column = depthOf(task.task_id, new Set());
    const row = rows[column] = (rows[column] || 0) + 1;
    place.set(task.task_id, { x: 16 + column * (NODE_W + GAP_X), y: 16 + (row - 1) * (NODE_H + GAP_Y) });
  }
  const width = Math.max(...[...place.values()].map((p) => p.x)) + NODE_W + 16;
  const height = Math.max(...[...place.values()].map((p) => p.y)) + NODE_H + 16;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  for (const task of tasks) {
    for (const dependency of task.dependencies) {
      const from = place.get(dependency), to = place.get(task.task_id);
      if (!from) continue;
      const line = document.createElementNS('http://www.w3.org/2000/svg', 'line');
      line.setAttribute('x1', from.x + NODE_W); line.setAttribute('y1', from.y + NODE_H / 2);
      line.setAttribute('x2', to.x); line.setAttribute('y2', to.y + NODE_H / 2);
      svg.append(line);
    }
  }
  dag.append(svg);
  dag.style.height = (height + 2) + 'px';
  for (const task of tasks) {
    const node = el('button', null, { type: 'button', class: 'node', 'data-task-id': task.task_id, 'data-state': task.state, 'aria-pressed': 'false' });
    node.append(el('span', task.task_id, { class: 'id' }), el('span', task.state, { class: 'state' }));
    node.title = task.title || task.task_id;
    const p = place.get(task.task_id);
    node.style.left = p.x + 'px';
    node.style.top = p.y + 'px';
    node.addEventListener('click', () => {
      location.hash = '#/workflows/' + encodeURIComponent(current.workflowId) + '/tasks/' + encodeURIComponent(task.task_id);
    });
    dag.append(node);
  }
}

function nodeOf(taskId) {
  return [...$('dag').querySelectorAll('.node')].find((n) => n.dataset.taskId === taskId);
}

function onWorkflowEvent(event) {
  const data = event.data;
  if (data.task_id && data.transition) {
    const node = nodeOf(data.task_id);
    if (node) {
      node.dataset.state = data.transition.to;
      node.querySelector('.state').textContent = data.transition.to;
    }
    if (data.task_id === current.taskId) loadTask(current.workflowId, data.task_id).catch((e) => showError(e.message));
  }
  if (event.type.startsWith('workflow_')) {
    api('/workflows/' + encodeURIComponent(current.workflowId)).then(renderHeader).catch((e) => showError(e.message));
  }
}

function selectTask(taskId) {
  for (const node of $('dag').querySelectorAll('.node')) node.setAttribute('aria-pressed', String(node.dataset.taskId === taskId));
  $('task-panel').hidden = !taskId;
  if (taskId) loadTask(current.workflowId, taskId).catch((e) => showError(e.message));
}

async function loadTask(workflowId, taskId) {
  const task = await api('/workflows/' + encodeURIComponent(workflowId) + '/tasks/' + encodeURIComponent(taskId));
  if (current.taskId !== taskId) return;
  $('task-title').textContent = task.title && task.title !== task.task_id ? task.task_id + ' — ' + task.title : task.task_id;
  const facts = $('task-facts');
  facts.replaceChildren();
  const fact = (name, value) => { if (value !== null && value !== undefined && value !== '') facts.append(el('dt', name), el('dd', value)); };
  fact('State', task.state);
  fact('Attempts', task.attempt);
  fact('Agent', task.agent_id);
  fact('Depends on', task.dependencies.join(', '));
  fact('Started', when(task.started_at));
  fact('Finished', when(task.finished_at));
  fact('Last error', task.last_error);
  facts.querySelector('dd').dataset.field = 'state';
  const decision = $('task-decision');
  decision.replaceChildren();
  decision.hidden = task.state !== 'blocked_hitl';
  if (!decision.hidden) {
    decision.append(el('h4', 'Waiting for a human'), decisionControls(workflowId, taskId, () => loadTask(workflowId, taskId)));
  }
  const rows = $('transitions').querySelector('tbody');
  rows.replaceChildren();
  for (const t of task.transitions) {
    const row = el('tr');
    row.append(el('td', when(t.timestamp)), el('td', t.from), el('td', t.to), el('td', t.trigger), el('td', t.actor), el('td', t.reason || ''));
    rows.append(row);
  }
  $('output-tail').textContent = task.output_tail || '';
}

async function act(action) {
  try {
    showError('');
    await api('/workflows/' + encodeURIComponent(current.workflowId) + '/' + action, 'POST');
    renderHeader(await api('/workflows/' + encodeURIComponent(current.workflowId)));
  } catch (error) {
    showError(error.message);
  }
}

// The inbox: tasks blocked for a human, refreshed on every task event; each row takes a decision.
async function showInbox() {
  showView('inbox-view');
  await loadInbox();
  listen('/events?type=task_*,human_*', null, debounce(() => loadInbox().catch((e) => showError(e.message)), 150));
}

async function loadInbox() {
  const page = await api('/inbox?limit=500');
  showInboxCount(page.total);
  const body = $('inbox').querySelector('tbody');
  // A refresh keeps what the user was typing.
  const typed = new Map([...body.querySelectorAll('tr')].map((r) => [r.dataset.workflowId + '/' + r.dataset.taskId, r.querySelector('input.reason').value]));
  body.replaceChildren();
  for (const task of page.items) {
    const row = el('tr', null, { 'data-workflow-id': task.workflow_id, 'data-task-id': task.task_id });
    const link = el('a', task.workflow_id, { href: '#/workflows/' + encodeURIComponent(task.workflow_id) + '/tasks/' + encodeURIComponent(task.task_id) });
    const workflow = el('td');
    workflow.append(link);
    const decision = el('td');
    decision.append(decisionControls(task.workflow_id, task.task_id, () => loadInbox()));
    decision.querySelector('input.reason').value = typed.get(task.workflow_id + '/' + task.task_id) || '';
    row.append(workflow, el('td', task.title && task.title !== task.task_id ? task.task_id + ' — ' + task.title : task.task_id),
      el('td', task.attempts), el('td', task.last_error || '', { class: 'error' }), el('td', when(task.blocked_at)), decision);
    if (task.pending_decisions.length > 0) decision.prepend(el('div', 'Pending: ' + task.pending_decisions.map((d) => d.action).join(', ')));
    body.append(row);
  }
  $('inbox-empty').hidden = page.items.length > 0;
}

function showInboxCount(total) {
  const count = $('inbox-count');
  count.textContent = String(total);
  count.hidden = !total;
}

// A reason field and the four decisions about a blocked task; complete needs the reason.
function decisionControls(workflowId, taskId, done) {
  const box = el('div', null, { class: 'decision' });
  const reason = el('input', null, { type: 'text', class: 'reason', placeholder: 'Reason (required to complete)', 'aria-label': 'Reason' });
  box.append(reason);
  for (const action of ['retry', 'complete', 'fail', 'cancel']) {
    const button = el('button', action[0].toUpperCase() + action.slice(1), { type: 'button', 'data-action': action });
    button.addEventListener('click', async () => {
      showError('');
      const text = reason.value.trim();
      for (const b of box.querySelectorAll('button')) b.disabled = true;
      try {
        await api('/inbox/' + encodeURIComponent(workflowId) + '/' + encodeURIComponent(taskId) + '/' + action, 'POST', text ? { reason: text } : {});
        await done();
      } catch (error) {
        showError(error.message);
        for (const b of box.querySelectorAll('button')) b.disabled = false;
      }
    });
    box.append(button);
  }
  return box;
}

// The schedules, with pause and resume.
async function showSchedules() {
  showView('schedules-view');
  if (streamAbort) streamAbort.abort();
  $('connection').dataset.state = 'idle';
  await loadSchedules();
}

async function loadSchedules() {
  const body = $('schedules').querySelector('tbody');
  body.replaceChildren();
  let page;
  try {
    page = await api('/schedules?limit=500');
  } catch (error) {
    $('schedules-empty').hidden = false;
    $('schedules-empty').textContent = error.message;
    return;
  }
  for (const schedule of page.items) {
    const row = el('tr', null, { 'data-schedule-id': schedule.schedule_id });
    const timing = schedule.cron ? 'cron ' + schedule.cron + ' (' + (schedule.time_zone || 'UTC') + ')' : 'every ' + schedule.interval_seconds + ' s';
    const state = el('td');
    state.append(el('span', schedule.paused ? 'paused' : 'active', { class: 'status', 'data-state': schedule.paused ? 'cancelled' : 'running' }));
    const action = schedule.paused ? 'resume' : 'pause';
    const button = el('button', schedule.paused ? 'Resume' : 'Pause', { type: 'button', 'data-action': action });
    button.addEventListener('click', async () => {
      showError('');
      try {
        await api('/schedules/' + encodeURIComponent(schedule.schedule_id) + '/' + action, 'POST');
        await loadSchedules();
      } catch (error) {
        showError(error.message);
      }
    });
    const cell = el('td');
    cell.append(button);
    row.append(el('td', schedule.schedule_id), el('td', timing), state, el('td', when(schedule.next_run)), el('td', schedule.last_workflow_id || ''), cell);
    body.append(row);
  }
  $('schedules-empty').hidden = page.items.length > 0;
}

async function route() {
  showError('');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'workflows' && parts[1]) await showWorkflow(parts[1], parts[2] === 'tasks' ? parts[3] : null);
    else if (parts[0] === 'inbox') { current = { workflowId: null, taskId: null }; await showInbox(); }
    else if (parts[0] === 'schedules') { current = { workflowId: null, taskId: null }; await showSchedules(); }
    else { current = { workflowId: null, taskId: null }; await showWorkflows(); }
    if (parts[0] !== 'inbox') api('/inbox?limit=1').then((page) => showInboxCount(page.total)).catch(() => {});
  } catch (error) {
    if (error.message !== 'unauthorized') showError(error.message);
  }
}

$('start').addEventListener('click', () => act('start'));
$('cancel').addEventListener('click', () => act('cancel'));
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem('agentmanager-token', token);
  $('token-form').hidden = true;
  current = { workflowId: null, taskId: null };
  route();
});
window.addEventListener('hashchange', route);
route();
