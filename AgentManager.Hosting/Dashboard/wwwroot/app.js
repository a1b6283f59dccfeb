// AgentManager dashboard: workflows, a workflow's task graph with live states (Server-Sent Events read with
// fetch, so a bearer token can be sent), and a task's transitions and output tail. No framework, no build step.
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

async function api(path, method) {
  const response = await fetch(base + path, { method: method || 'GET', headers: headers() });
  if (response.status === 401) { askForToken(); throw new Error('unauthorized'); }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.detail ? body.detail : 'HTTP ' + response.status);
  return body;
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

// The workflows list, refreshed whenever a workflow event arrives.
async function showWorkflows() {
  $('workflows-view').hidden = false;
  $('workflow-view').hidden = true;
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
  $('workflows-view').hidden = true;
  $('workflow-view').hidden = false;
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

async function route() {
  showError('');
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    if (parts[0] === 'workflows' && parts[1]) await showWorkflow(parts[1], parts[2] === 'tasks' ? parts[3] : null);
    else { current = { workflowId: null, taskId: null }; await showWorkflows(); }
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
