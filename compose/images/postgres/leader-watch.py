#!/usr/bin/python3
"""stevie-leader-watch: end a crashed leader's term at once instead of waiting out its key.

Patroni's leader key lives on an etcd lease of `ttl` seconds (20 at least: Patroni raises anything lower), so a leader
that dies without a word keeps its key, and writes stay down, for up to 20 s. This loop beside Patroni, on every
member, looks for a positive sign that the leader is gone rather than slow: its fixed data address stops completing
TCP handshakes on PostgreSQL's port. A crashed container's network namespace is gone, so nothing
answers; a frozen one (`docker pause`) still answers the handshake from its kernel, and a busy one answers it too, so
neither is ever declared dead here (their key runs out as before). After SILENT_SECONDS of silence the watch revokes
the lease that leader's Patroni holds: etcd drops the leader key with it and the synchronous standby takes over at
once. A lease belongs to one run of one Patroni, so a leader that restarted in the meantime is never touched.

A leader that is in fact alive but cut off from the data network is unreachable for every client too; it gives up
anyway (stevie-data-watch stops it), and if it were still writing, its next turn would find its lease gone and demote.

Runs as postgres (it reads Patroni's own config for etcd's account); one line on stderr for each lease it revokes.
"""

import base64
import errno
import json
import os
import select
import socket
import ssl
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import yaml

CONFIG = "/run/patroni/patroni.yml"
API_PORT = 8008
SILENT_SECONDS = 3.0
PROBE_TIMEOUT = 1.0
# Answers that prove a kernel at the address: connected, or refused (PostgreSQL restarting under a live Patroni).
SILENT_ERRNOS = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EHOSTDOWN}


def log(message):
    print(f"stevie-leader-watch: {message}", file=sys.stderr, flush=True)


def silent(host, ports):
    """True when nothing at host completes (or refuses) a TCP handshake on any of ports within PROBE_TIMEOUT."""
    pending, waiting = [], []
    try:
        for port in ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            pending.append(sock)
            result = sock.connect_ex((host, port))
            if result == errno.EINPROGRESS:
                waiting.append(sock)
            elif result not in SILENT_ERRNOS:
                return False
        deadline = time.monotonic() + PROBE_TIMEOUT
        while waiting and (left := deadline - time.monotonic()) > 0:
            _, done, _ = select.select([], waiting, [], left)
            for sock in done:
                waiting.remove(sock)
                if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) not in SILENT_ERRNOS:
                    return False
        return True
    finally:
        for sock in pending:
            sock.close()


def own_address_present(address):
    """The member's data address is on one of this container's interfaces (binding to it succeeds only then)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((address, 0))
        return True
    except OSError:
        return False


def get_json(url, body=None, headers=None, timeout=2.0, context=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        return json.load(response)


def b64(text):
    return base64.b64encode(text.encode()).decode()


class Etcd:
    """The few calls of etcd's v3 JSON gateway the watch needs, with Patroni's account when etcd asks for one."""

    def __init__(self, config):
        etcd = config.get("etcd3", {})
        self.hosts = etcd.get("hosts", [])
        self.user = etcd.get("username")
        self.password = etcd.get("password")
        # Over TLS as Patroni talks to etcd: the certificate checked against the stack's CA and the member's name.
        self.scheme = etcd.get("protocol", "http")
        self.context = ssl.create_default_context(cafile=etcd["cacert"]) if etcd.get("cacert") else None

    def call(self, path, body):
        last = None
        for host in self.hosts:
            try:
                headers = {}
                if self.user:
                    token = get_json(f"{self.scheme}://{host}/v3/auth/authenticate",
                                     {"name": self.user, "password": self.password}, context=self.context)["token"]
                    headers["Authorization"] = token
                return get_json(f"{self.scheme}://{host}/v3{path}", body, headers, context=self.context)
            except Exception as e:  # the next member
                last = e
        raise RuntimeError(f"no etcd member answered {path}: {type(last).__name__}")


def api_context(config):
    """How this member calls its own REST API: over TLS as the members call each other (Patroni asks every caller for a
    certificate from the stack's CA: the member's own, from the ctl section), its answer checked against the CA."""
    ctl = config.get("ctl", {})
    if not ctl.get("certfile"):
        return None
    context = ssl.create_default_context(cafile=ctl["cacert"])
    context.load_cert_chain(ctl["certfile"], ctl["keyfile"])
    return context


def leader_of(config, address):
    """(name, host, api port) of the leader as this member's Patroni sees it, or None."""
    context = api_context(config)
    scheme = "https" if context else "http"
    cluster = get_json(f"{scheme}://{address}:{API_PORT}/cluster", context=context)
    for member in cluster.get("members", []):
        if member.get("role") in ("leader", "standby_leader"):
            return member["name"], member["host"], urlsplit(member.get("api_url", "")).port or API_PORT
    return None


def end_term(config, name):
    """Revoke the lease under the leader key if that key still names `name`. Returns the lease, or None."""
    etcd = Etcd(config)
    key = f"{config.get('namespace', '/service/').rstrip('/')}/{config['scope']}/leader"
    found = etcd.call("/kv/range", {"key": b64(key)}).get("kvs", [])
    if not found or base64.b64decode(found[0].get("value", "")).decode() != name:
        return None
    lease = found[0].get("lease")
    if not lease:
        return None
    etcd.call("/lease/revoke", {"ID": lease})
    return lease


def main():
    address = os.environ["PATRONI_ADDRESS"]
    me = os.environ["PATRONI_NAME"]
    watched, silent_since = None, None
    while True:
        started = time.monotonic()
        try:
            with open(CONFIG) as f:
                config = yaml.safe_load(f)
            leader = leader_of(config, address) if own_address_present(address) else None
        except Exception:  # Patroni starting or reloading: look again next second
            leader = watched
        if leader is None or leader[0] == me:
            watched, silent_since = None, None
        # PostgreSQL's port only: a live kernel accepts there, or refuses while Patroni restarts PostgreSQL. Patroni's
        # TLS port logged a traceback for each probe that closed before the handshake, once a second on the leader.
        elif leader != watched or not silent(leader[1], (5432,)):
            watched, silent_since = leader, None
        else:
            silent_since = silent_since or started
            if time.monotonic() - silent_since >= SILENT_SECONDS:
                try:
                    lease = end_term(config, leader[0])
                    if lease:
                        log(f"leader {leader[0]} ({leader[1]}) has not answered a TCP handshake for "
                            f"{time.monotonic() - silent_since:.1f} s: revoked its lease {lease}, a standby takes over")
                    watched, silent_since = None, None
                except Exception as e:  # etcd busy: again next second
                    log(f"could not end leader {leader[0]}'s term: {e}")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


if __name__ == "__main__":
    main()
