// The one way the UI talks to the node: JSON over /api/v1/, with the
// sign-in cookie, the CSRF token on every state change, and the API's one
// error shape turned into an ApiError.

const BASE = '/api/v1/';

// An answer that was not 2xx. status: HTTP status; code, field, detail,
// allowed: from the API's error body (doc/API.md, "Errors"); body: the
// whole body (null when it was not JSON).
export class ApiError extends Error {
  constructor(status, body) {
    const b = body && typeof body === 'object' ? body : null;
    const detail = (b && (b.detail || b.title)) || `The node answered ${status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = b ? b.code : undefined;
    this.field = b && b.field ? b.field : undefined;
    this.detail = detail;
    this.allowed = b && Array.isArray(b.allowed) ? b.allowed : undefined;
    this.body = b;
  }
}

let current = null;      // the signed-in principal, once known
let pending = null;      // the GET session in flight

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

async function parse(resp) {
  if (resp.status === 204) return null;
  const text = await resp.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

// Send the user to the sign-in page, remembering where they were.
function toSignIn() {
  current = null;
  pending = null;
  const here = location.hash || '#/dashboard';
  if (!here.startsWith('#/signin')) {
    location.hash = '#/signin?next=' + encodeURIComponent(here);
  }
}

async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const s = current || (opts.noSession ? null : await session());
    if (s && s.csrf) headers['X-CSRF-Token'] = s.csrf;
  }
  if (opts.reason) headers['X-Access-Reason'] = opts.reason;
  let resp;
  try {
    resp = await fetch(BASE + path + (opts.query || ''), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new ApiError(0, { detail: 'The node cannot be reached: ' + e.message });
  }
  const data = await parse(resp);
  if (!resp.ok) {
    const err = new ApiError(resp.status, data);
    if (resp.status === 401 && !opts.noRedirect) toSignIn();
    throw err;
  }
  return data;
}

// path: relative to /api/v1/ (e.g. 'objects'); params: an object turned into
// the query string (empty values left out, arrays joined by commas).
// opts.reason: the X-Access-Reason header (PII vault); opts.noRedirect: a
// 401 is only thrown, the user is not sent to the sign-in page.
export const api = {
  get(path, params, opts = {}) {
    return request('GET', path, undefined, { ...opts, query: query(params) });
  },
  post(path, body, opts = {}) {
    return request('POST', path, body === undefined ? {} : body, opts);
  },
  put(path, body, opts = {}) {
    return request('PUT', path, body === undefined ? {} : body, opts);
  },
  del(path, opts = {}) {
    return request('DELETE', path, undefined, opts);
  },
};

// Who is signed in: {user, partner, roles, clearance, csrf}, or null when
// nobody is. Asked once and remembered; refresh asks again.
export async function session(refresh = false) {
  if (current && !refresh) return current;
  if (pending && !refresh) return pending;
  pending = request('GET', 'session', undefined, { noRedirect: true })
    .then((s) => {
      current = s;
      return s;
    })
    .catch((e) => {
      current = null;
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    })
    .finally(() => {
      pending = null;
    });
  return pending;
}

// The remembered principal, without asking the node (null before
// session() has answered or when signed out).
export function currentSession() {
  return current;
}

// Does the signed-in user hold role? An admin may do what a reader,
// contributor or approver may (the node's write rules say so); the
// case-officer and peer roles are never implied.
export function hasRole(role) {
  if (!current || !Array.isArray(current.roles)) return false;
  if (current.roles.includes(role)) return true;
  return current.roles.includes('admin') && ['reader', 'contributor', 'approver'].includes(role);
}

export async function signIn(user, password) {
  current = await request('POST', 'session', { user, password }, { noRedirect: true, noSession: true });
  return current;
}

export async function signOut() {
  try {
    if (current) await request('DELETE', 'session', undefined, { noRedirect: true });
  } finally {
    current = null;
    pending = null;
  }
}
