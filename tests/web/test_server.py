"""``marsad serve`` sockets: TCP_NODELAY on every connection, also with --workers N."""

from __future__ import annotations

import socket

from uvicorn.config import Config
from uvicorn.server import ServerState

from marsad.web.server import NoDelayH11Protocol


class _Transport:  # what the protocol asks of an asyncio transport when a client connects
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {
            "socket": self.sock,
            "sockname": self.sock.getsockname(),
            "peername": self.sock.getpeername(),
        }.get(name, default)

    def is_closing(self) -> bool:
        return False


def test_connections_get_tcp_nodelay_when_the_listener_did_not_name_tcp():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # as uvicorn --workers binds
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()  # reports protocol 0: asyncio leaves Nagle on
    try:
        assert accepted.proto == 0
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        config = Config(app=lambda scope, receive, send: None)
        config.load()
        protocol = NoDelayH11Protocol(config=config, server_state=ServerState(), app_state={})
        protocol.connection_made(_Transport(accepted))  # type: ignore[arg-type]
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for s in (accepted, client, listener):
            s.close()
