"""`api.serve`: the listening socket it binds gives accepted connections TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

from api.serve import listener, logs_access


def test_listener_is_tcp_and_connections_get_nodelay() -> None:
    sock = listener("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    port = sock.getsockname()[1]
    seen: list[int] = []

    async def run() -> None:
        def accepted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    assert seen and seen[0] != 0


def test_access_log_only_at_levels_that_show_it() -> None:
    assert [logs_access(level) for level in ("trace", "debug", "info", "INFO", "warning",
                                             "error", "critical")] == [
        True, True, True, True, False, False, False]
