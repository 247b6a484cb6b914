"""A small TAXII 2.1 client, written from the OASIS standard (TAXII Version
2.1, OASIS Standard, 10 June 2021) alone.

It knows nothing of the server it talks to beyond what the standard promises:
discovery at /taxii2/ (8.2.1), API roots advertised as absolute or relative
URLs (4.1.1), collections under {api-root}/collections/ (5), paging with
`more`/`next` or, when `next` is absent, with X-TAXII-Date-Added-Last as
`added_after` (3.5), filters as match[<field>] with comma-separated values
(3.4), status resources polled until `complete` (4.3, 5.5), and HTTP Basic
(8.5.1) or a bearer token for authentication.

    server = Server("https://taxii.example.com/", user="alice", password="...")
    root = server.default_root()
    for col in root.collections():
        for obj in col.objects(types=["indicator"]):
            ...
"""
import json
import time
import urllib.parse

import requests

MEDIA_TYPE = "application/taxii+json;version=2.1"
USER_AGENT = "taxii21-mini-client/1.0"


class TaxiiError(Exception):
    """An HTTP error answer, with the TAXII error message when one came."""

    def __init__(self, response):
        self.status = response.status_code
        self.response = response
        try:
            self.body = response.json()
        except ValueError:
            self.body = None
        title = self.body.get("title") if isinstance(self.body, dict) else None
        super().__init__(f"HTTP {self.status}: {title or response.reason}")


class ProtocolError(Exception):
    """The server answered with something the standard does not allow."""


def _query(pairs):
    """A query string keeping the brackets of match[...] and the commas that
    separate values literal, as the standard writes them (3.4)."""
    return "&".join(
        urllib.parse.quote(k, safe="[]") + "=" + urllib.parse.quote(str(v), safe=",:")
        for k, v in pairs)


def _join(values):
    if values is None:
        return None
    if isinstance(values, str):
        return values
    values = list(values)
    if not values:
        raise ValueError("a filter needs at least one value")
    return ",".join(values)


def filters(added_after=None, limit=None, ids=None, types=None, versions=None,
            spec_versions=None):
    """The query parameters of section 3.4, as (name, value) pairs."""
    pairs = []
    if added_after is not None:
        pairs.append(("added_after", added_after))
    if limit is not None:
        pairs.append(("limit", int(limit)))
    for field, values in (("id", ids), ("type", types), ("version", versions),
                          ("spec_version", spec_versions)):
        v = _join(values)
        if v is not None:
            pairs.append((f"match[{field}]", v))
    return pairs


class Server:
    """A TAXII server, reached at its root URL."""

    def __init__(self, url, user=None, password=None, token=None, timeout=30,
                 verify=True):
        if not url.endswith("/"):
            url += "/"
        self.url = url
        self.timeout = timeout
        self.http = requests.Session()
        self.http.verify = verify
        self.http.headers["User-Agent"] = USER_AGENT
        if token is not None:
            self.http.headers["Authorization"] = "Bearer " + token
        elif user is not None:
            self.http.auth = (user, password or "")
        self._discovery = None

    # -- HTTP ---------------------------------------------------------------

    def request(self, method, url, params=None, body=None):
        """One TAXII request; returns the response of a 2xx answer, raises
        TaxiiError otherwise."""
        headers = {"Accept": MEDIA_TYPE}
        data = None
        if params:
            url = url + ("&" if "?" in url else "?") + _query(params)
        if body is not None:
            headers["Content-Type"] = MEDIA_TYPE
            data = json.dumps(body).encode("utf-8")
        r = self.http.request(method, url, headers=headers, data=data,
                                 timeout=self.timeout)
        if r.status_code >= 400:
            raise TaxiiError(r)
        ctype = r.headers.get("Content-Type", "")
        if not ctype.replace(" ", "").lower().startswith("application/taxii+json"):
            raise ProtocolError(f"{method} {url}: Content-Type {ctype!r}")
        return r

    def get_json(self, url, params=None):
        r = self.request("GET", url, params)
        return r, (r.json() if r.content else {})

    # -- Discovery (4.1) ----------------------------------------------------

    def discovery_url(self):
        # The discovery endpoint is /taxii2/ at the root of the server (8.2.1).
        return urllib.parse.urljoin(self.url, "/taxii2/")

    def discover(self):
        if self._discovery is None:
            _, self._discovery = self.get_json(self.discovery_url())
            if not isinstance(self._discovery.get("title"), str):
                raise ProtocolError("discovery resource without a title")
        return self._discovery

    def _root_url(self, ref):
        # API root URLs are HTTPS absolute URLs or relative URLs that begin
        # with a single "/" (4.1.1); relative ones resolve against the server.
        if ref.startswith("//") or ref.startswith("../") or "?" in ref:
            raise ProtocolError(f"API root URL {ref!r} is not allowed by 4.1.1")
        url = urllib.parse.urljoin(self.discovery_url(), ref)
        return url if url.endswith("/") else url + "/"

    def api_roots(self):
        return [ApiRoot(self, self._root_url(u)) for u in self.discover().get("api_roots", [])]

    def default_root(self):
        d = self.discover()
        if "default" in d:
            return ApiRoot(self, self._root_url(d["default"]))
        roots = self.api_roots()
        if not roots:
            raise ProtocolError("the server advertises no API root")
        return roots[0]


class ApiRoot:
    def __init__(self, server, url):
        self.server = server
        self.url = url
        self._info = None

    def info(self):
        if self._info is None:
            _, self._info = self.server.get_json(self.url)
            if MEDIA_TYPE not in self._info.get("versions", []):
                raise ProtocolError(f"{self.url} does not list {MEDIA_TYPE}")
        return self._info

    @property
    def max_content_length(self):
        return self.info()["max_content_length"]

    def collections(self):
        _, body = self.server.get_json(self.url + "collections/")
        return [Collection(self, c) for c in body.get("collections", [])]

    def collection(self, id_or_alias):
        _, body = self.server.get_json(self.url + f"collections/{id_or_alias}/")
        return Collection(self, body)

    def find_collection(self, alias=None, title=None):
        for c in self.collections():
            if (alias is not None and c.info.get("alias") == alias) or \
               (title is not None and c.info.get("title") == title):
                return c
        return None

    def status(self, status_id):
        _, body = self.server.get_json(self.url + f"status/{status_id}/")
        return body


class Page:
    """One answer of a paged endpoint."""

    def __init__(self, response, body, key):
        self.items = body.get(key, [])
        self.more = body.get("more", False) is True
        self.next = body.get("next")
        self.first = response.headers.get("X-TAXII-Date-Added-First")
        self.last = response.headers.get("X-TAXII-Date-Added-Last")


class Collection:
    def __init__(self, root, info):
        self.root = root
        self.info = info
        self.id = info["id"]
        self.url = root.url + f"collections/{self.id}/"

    @property
    def can_read(self):
        return self.info.get("can_read") is True

    @property
    def can_write(self):
        return self.info.get("can_write") is True

    # -- Paging (3.5) ---------------------------------------------------------

    def pages(self, url, key, params):
        """Every page of a paged endpoint, following `next` when the server
        gives one and X-TAXII-Date-Added-Last as added_after when not."""
        params = list(params)
        extra = []
        seen = set()
        while True:
            r, body = self.root.server.get_json(url, params + extra)
            page = Page(r, body, key)
            yield page
            if not page.more:
                return
            if page.next:
                cursor = ("next", page.next)
                extra = [cursor]
            elif page.last:
                if not page.items:
                    return  # "more" with nothing new: objects were deleted meanwhile.
                base = [p for p in params if p[0] != "added_after"]
                cursor = ("added_after", page.last)
                params, extra = base, [cursor]
            else:
                raise ProtocolError("more is true but neither next nor "
                                    "X-TAXII-Date-Added-Last was given")
            if cursor in seen:
                raise ProtocolError(f"paging does not advance: {cursor}")
            seen.add(cursor)

    def objects(self, **kw):
        for page in self.pages(self.url + "objects/", "objects", filters(**kw)):
            yield from page.items

    def manifest(self, **kw):
        for page in self.pages(self.url + "manifest/", "objects", filters(**kw)):
            yield from page.items

    def get_object(self, obj_id, versions=None, spec_versions=None, limit=None):
        """Every selected version of one object (5.6)."""
        out = []
        params = filters(versions=versions, spec_versions=spec_versions, limit=limit)
        for page in self.pages(self.url + f"objects/{obj_id}/", "objects", params):
            out.extend(page.items)
        return out

    def versions(self, obj_id, limit=None):
        out = []
        for page in self.pages(self.url + f"objects/{obj_id}/versions/", "versions",
                               filters(limit=limit)):
            out.extend(page.items)
        return out

    def delete(self, obj_id, versions=None):
        self.root.server.request("DELETE", self.url + f"objects/{obj_id}/",
                                 filters(versions=versions))

    def add(self, objects, wait=True, poll=0.2, timeout=60):
        """Post the objects in one envelope (5.5); with wait, poll the status
        resource (4.3) until it is complete. Returns the status resource."""
        r = self.root.server.request("POST", self.url + "objects/",
                                     body={"objects": list(objects)})
        if r.status_code != 202:
            raise ProtocolError(f"add objects answered {r.status_code}, not 202")
        status = r.json()
        deadline = time.monotonic() + timeout
        while wait and status.get("status") != "complete":
            if status.get("status") != "pending":
                raise ProtocolError(f"status {status.get('status')!r}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"status {status['id']} still pending")
            time.sleep(poll)
            status = self.root.status(status["id"])
        return status
