#!/usr/bin/python3
"""Two corrections to how Debian's Patroni (4.0) reads an error from etcd's JSON gateway, applied at image build.

Each edit must match exactly once and the result is checked by calling the patched function: the build fails when
Debian's Patroni changes there, and these edits are then reviewed against it (newer Patroni fixes the first one).

1. The error's text. etcd 3.5's gateway puts it in `message`; Patroni 4.0 reads `error`. Without the text Patroni cannot
   tell "no token" or "token no longer valid" from other errors and never logs in again: after etcd's authentication
   is turned on or a password is rotated, its member key stops being updated until it restarts. A streamed answer
   (a lease keepalive) carries `code`, where Patroni 4.0 expects `grpc_code`: without it every such error was Unknown.

2. An error that etcd's server never made. While an etcd member shuts down (a rolling restart, a rotation, an operator's
   `docker stop`), its gateway can answer a request in flight with a transport error of its own, such as
   {"code": 2, "message": "malformed header: missing HTTP content-type"}. Patroni takes any answer but "Unavailable"
   as final: the leader's lease keepalive fails, "failed to update leader lock", and the leader demotes itself
   (PostgreSQL shut down at once) although two of three etcd members are up. Measured here: 1 demotion in 24 graceful
   single-member stops. Errors from etcd's server all begin "etcdserver: "; an Unknown or Canceled one without it is
   now read as Unavailable, which Patroni already handles by asking the next member. Every request Patroni retries so
   is safe to repeat (a keepalive, a put, a compare-and-swap).
"""

import sys

PATH = "/usr/lib/python3/dist-packages/patroni/dcs/etcd3.py"

EDITS = [
    (
        "            error = str(data_error)\n",
        "            error = str(data_error or data.get('message'))\n",
    ),
    (
        "            code: Optional[int] = data_error['grpc_code']\n",
        "            code: Optional[int] = data_error.get('code') or data_error['grpc_code']\n",
    ),
    (
        "    err = errStringToClientError.get(error) or errCodeToClientError.get(code) or Unknown\n",
        "    if code in (GRPCCode.Unknown, GRPCCode.Canceled) and not str(error).startswith('etcdserver: '):\n"
        "        code = GRPCCode.Unavailable  # stevie-stack: a gateway's own transport error, not etcd's answer\n"
        "    err = errStringToClientError.get(error) or errCodeToClientError.get(code) or Unknown\n",
    ),
]


def main() -> None:
    with open(PATH, encoding="utf-8") as f:
        text = f.read()
    for old, new in EDITS:
        if text.count(old) != 1:
            sys.exit(f"patch-patroni: expected this line once in {PATH}, found it {text.count(old)} times:\n{old}")
        text = text.replace(old, new)
    with open(PATH, "w", encoding="utf-8") as f:
        f.write(text)


def check() -> None:
    from patroni.dcs import etcd3

    def kind(data, status=500):
        return type(etcd3._raise_for_data(data, status)).__name__

    cases = [
        ({"error": {"code": 2, "message": "malformed header: missing HTTP content-type"}}, "Unavailable"),
        ({"code": 1, "message": "grpc: the client connection is closing"}, "Unavailable"),
        ({"error": {"code": 5, "message": "etcdserver: requested lease not found"}}, "LeaseNotFound"),
        ({"code": 16, "message": "etcdserver: invalid auth token"}, "InvalidAuthToken"),
        ({"code": 3, "message": "etcdserver: authentication failed, invalid user ID or password"}, "AuthFailed"),
        ({"code": 2, "message": "etcdserver: some answer from the server"}, "Unknown"),
    ]
    for data, want in cases:
        got = kind(data)
        if got != want:
            sys.exit(f"patch-patroni: {data} reads as {got}, expected {want}")


if __name__ == "__main__":
    main()
    check()
    print("patch-patroni: patched and checked", PATH)
